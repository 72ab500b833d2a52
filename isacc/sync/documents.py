"""One function per Accurate document: from isacc's records and the outlet mapping to the
payload Accurate's save.do takes. Plain data in, plain dict out; every problem gathered.

Choices Accurate's documentation leaves open (accurate-api.md marks them [G]) are named
constants here, so correcting one is a one-line change.
"""

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from isacc import channels, payment_methods
from isacc.accurate.errors import FinalError, MappingNeeded
from isacc.models import (
    Customer,
    Deposit,
    DepositPurpose,
    Outlet,
    Payout,
    SalesOrder,
    SalesPayment,
    StockAdjustment,
    StockOpname,
    Store,
    TaxMode,
    Transfer,
)
from isacc.reasons import Link, Said, say

# Transfers: `warehouseName` is where the document's goods leave from (out) or arrive at (in),
# `referenceWarehouseName` the other end. One practitioner warns the two may swap [S].
TRANSFER_OUT, TRANSFER_IN = "TRANSFER_OUT", "TRANSFER_IN"


class MappingProblem(FinalError):
    """The document cannot be built from what isacc knows; the reason says what to fix."""


def _date(store: Store, moment) -> str:
    return moment.astimezone(ZoneInfo(store.timezone)).strftime("%d/%m/%Y")


def _amount(value: Decimal) -> float:
    # Accurate takes JSON numbers with up to 6 decimals.
    return float(round(Decimal(value), 6))


# What a missing mapping field is called in a reason.
FIELD_NAMES = {"branch_name": say("branch"), "warehouse_name": say("warehouse"),
               "adjustment_account_no": say("stock adjustment account")}


class _Problems:
    def __init__(self):
        self.reasons: list[Said] = []
        self.steps: list[Said] = []

    def add(self, reason: Said, step: Said) -> None:
        self.reasons.append(reason)
        self.steps.append(step)

    def raise_any(self) -> None:
        if self.reasons:
            raise MappingProblem(Said.join(self.reasons), Said.join(self.steps))


def _mapping(outlet: Outlet, problems: _Problems, *fields: str):
    # A deactivated outlet's mapping still says where things are: its own documents are held
    # back by the engine (hold_inactive), while another outlet's document that names it (a
    # transfer to it) goes, and one already taken by a worker when it was deactivated.
    mapping = outlet.mapping
    if mapping is None:
        map_it = say("Map and activate outlet %(outlet)s", outlet=outlet.name)
        problems.add(say("Outlet %(outlet)s is not mapped to Accurate yet.", outlet=outlet.name),
                     _then_refresh(outlet, map_it))
        return None
    for field in fields:
        if not getattr(mapping, field):
            complete_it = say("Complete outlet %(outlet)s's mapping", outlet=outlet.name)
            problems.add(say("Outlet %(outlet)s has no %(field)s in its mapping.",
                             outlet=outlet.name, field=FIELD_NAMES[field]),
                         _then_refresh(outlet, complete_it))
    return mapping


def _then_refresh(outlet: Outlet, step: Said) -> Said:
    """A next step on the outlet's mapping, linking to the outlet's page where it is made."""
    return say("%(step)s, then refresh.", step=Link(step, "outlets.show",
                                                    store_id=outlet.store_id,
                                                    outlet_id=outlet.id))


def _skus(lines, problems: _Problems, what: Said) -> None:
    missing = [getattr(line, "name", None) or f"#{i}" for i, line in enumerate(lines, 1)
               if not line.sku]
    if missing:
        problems.add(say("%(document)s has products without a SKU: %(products)s.",
                         document=what, products=", ".join(missing)),
                     say("Give every product a SKU in iSeller, export it to Accurate, then "
                         "refresh."))


def customer_marker(record: Customer) -> str:
    """A customer's notes: which iSeller customer it is."""
    return f"iSeller customer {record.iseller_id}"


# ---- isacc's marker ----------------------------------------------------------------------------
# Every document isacc saves carries its sync activity's marker, so a document found under
# a number is adopted only when it is provably isacc's own earlier attempt: not a person's
# document, nor another kind of isacc's numbered alike.
MARKED_FIELD = {"customer": "notes"}  # elsewhere: description
MARKED_TEXT = 200  # what is kept of iSeller's own text before the marker


def marker(activity_id: int) -> str:
    return f"[isacc {activity_id}]"


def marked_field(module: str) -> str:
    return MARKED_FIELD.get(module, "description")


def mark(module: str, payload: dict, activity_id: int) -> None:
    field = marked_field(module)
    text = str(payload.get(field) or "")[:MARKED_TEXT]
    payload[field] = f"{text} {marker(activity_id)}".strip()


def is_marked(module: str, found: dict, activity_id: int) -> bool:
    return marker(activity_id) in str(found.get(marked_field(module)) or "")


def customer(store: Store, record: Customer, number: str | None) -> dict:
    payload = {"name": record.name, "transDate": _date(store, record.created_at),
               "notes": customer_marker(record)}
    if number:
        payload["customerNo"] = number
    if record.email:
        payload["email"] = record.email
    if record.phone:
        payload["mobilePhone"] = record.phone
    return payload


def _customer_no(store: Store, order: SalesOrder, mapping, problems: _Problems) -> str | None:
    if order.customer is not None:
        if not order.customer.accurate_customer_no:
            problems.add(say("Customer %(customer)s is not in Accurate yet.",
                             customer=order.customer.name),
                         say("Refresh the customer's sync first; the invoice follows."))
        return order.customer.accurate_customer_no
    if channel_customer := channels.customer_no(store, order.channel):
        return channel_customer  # the marketplace or app that owes the money
    if mapping is not None and not mapping.walk_in_customer_no:
        problems.add(say("Outlet %(outlet)s has no walk-in customer for sales without one.",
                         outlet=order.outlet.name),
                     say("Choose the walk-in customer in outlet %(outlet)s's mapping.",
                         outlet=order.outlet.name))
    return mapping.walk_in_customer_no if mapping else None


def whole_rupiah_line(quantity: Decimal, unit_price: Decimal, discount: Decimal,
                      tax: Decimal) -> tuple[Decimal, Decimal]:
    """(unit price, line discount) for a line whose tax is folded into its price, in whole
    rupiah: the price rounded up and the excess given back as line discount, so quantity x
    price - discount is the till's line total exactly (7 x 1000 + 100 tax: 7 x 1015 - 5).
    Dividing the tax into the price instead leaves fractions of a rupiah (7099.999998)."""
    gross = quantity * unit_price + tax
    if not tax:
        return unit_price, discount
    price = (gross / quantity).to_integral_value(rounding=ROUND_CEILING)
    return price, discount + (quantity * price - gross)


def sales_invoice(store: Store, order: SalesOrder, number: str) -> dict:
    """The till's sale as Accurate's invoice, totalling exactly what the till took, to the
    rupiah (and its receipts settle it). A store booking PPN or PB1 sends net prices and
    Accurate's tax fields, so revenue is net and the tax owed is booked; any other store's
    line tax is folded into the unit price. Service charge, its tax, rounding and a tip are
    lines of `detailExpense`, each to its mapped account."""
    problems = _Problems()
    mapping = _mapping(order.outlet, problems, "branch_name", "warehouse_name")
    customer_no = _customer_no(store, order, mapping, problems)
    _skus(order.lines, problems, say("Order %(number)s", number=order.order_number))
    problems.raise_any()
    taxed = books_tax(store)
    payload = {
        "number": number,
        "transDate": _date(store, order.ordered_at),
        "customerNo": customer_no,
        "branchName": mapping.branch_name,
        "description": f"iSeller order {order.order_number}",
        "detailItem": [(_taxed_line if taxed else _invoice_line)(line, mapping)
                       for line in order.lines],
    }
    if order.discount_total:
        payload["cashDiscount"] = _amount(order.discount_total)
    expenses = _charges(store, order, mapping)
    if taxed:
        payload.update(taxable=True, inclusiveTax=bool(order.tax_inclusive),
                       tax1Name=store.tax_name)
        remainder = _tax_remainder(store, order)
        if remainder:
            expenses.append(_expense(order, mapping, "rounding_account_no", remainder,
                                     f"{store.tax_name} rounding"))
    if expenses:
        payload["detailExpense"] = expenses
    return payload


def books_tax(store: Store) -> bool:
    """Whether the store's invoices carry Accurate's tax (PPN or PB1 chosen, with its tax)."""
    return store.tax_mode in (TaxMode.PPN, TaxMode.PB1) and bool(store.tax_name)


# What the till's tax and Accurate's may differ by (Accurate rounds tax once over the
# document, the till per line): booked to the rounding account. More than this means the
# store's Accurate tax is not the till's, and booking it would be wrong.
TAX_REMAINDER_LIMIT = Decimal(5)


def accurate_tax(store: Store, order: SalesOrder) -> Decimal:
    """The tax Accurate works out for the invoice: the rate over the taxed lines' amounts
    after the cash discount (spread over the lines in proportion), out of the prices when
    they hold the tax, rounded half up to the rupiah once for the document [G] (the
    sandbox's isacc/sandbox/tax.py does the same)."""
    rate = Decimal(store.tax_rate or 0)
    amounts = [(line.quantity * line.unit_price - line.discount, bool(line.tax))
               for line in order.lines]
    subtotal = sum((amount for amount, _ in amounts), Decimal(0))
    share = (subtotal - order.discount_total) / subtotal if subtotal else Decimal(0)
    gross = sum((amount for amount, taxed in amounts if taxed), Decimal(0)) * share
    tax = gross * rate / (100 + rate) if order.tax_inclusive else gross * rate / 100
    return tax.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _tax_remainder(store: Store, order: SalesOrder) -> Decimal:
    """What the till's tax differs from Accurate's by, in rupiah. Prices that hold their tax
    come to the same total whatever the split, so only added tax leaves a remainder."""
    till = sum((Decimal(line.tax) for line in order.lines), Decimal(0))
    remainder = till - accurate_tax(store, order)
    if abs(remainder) > TAX_REMAINDER_LIMIT:
        raise MappingProblem(
            say("The till charged %(till)s tax on order %(number)s, while %(tax)s in "
                "Accurate comes to %(accurate)s.", till=_rupiah(till),
                number=order.order_number, tax=store.tax_name,
                accurate=_rupiah(accurate_tax(store, order))),
            say("Check that the tax chosen in Settings is the one the till charges, then "
                "refresh."))
    return Decimal(0) if order.tax_inclusive else remainder


def _rupiah(amount: Decimal) -> str:
    return f"Rp {amount:,.0f}".replace(",", ".")


# Order-level charges -> (mapping account, what the Accurate line is called).
CHARGES = {"service_charge": ("service_charge_account_no", "Service charge"),
           "rounding": ("rounding_account_no", "Rounding"),
           "tip": ("tips_account_no", "Tip")}
CHARGE_ACCOUNTS = {"service_charge_account_no": say("service charge account"),
                   "rounding_account_no": say("rounding account"),
                   "tips_account_no": say("tips account")}


def _charges(store: Store, order: SalesOrder, mapping) -> list[dict]:
    lines = [_expense(order, mapping, field, getattr(order, charge), name)
             for charge, (field, name) in CHARGES.items() if getattr(order, charge)]
    if order.service_charge_tax:
        if not books_tax(store) or not store.tax_account_no:
            # Not a taxable enterprise: what the till added is part of the service charge.
            lines.append(_expense(order, mapping, "service_charge_account_no",
                                  order.service_charge_tax, "Service charge tax"))
        else:
            lines.append({"accountNo": store.tax_account_no,
                          "expenseAmount": _amount(order.service_charge_tax),
                          "expenseName": f"{store.tax_name} on the service charge"})
    return lines


def _expense(order: SalesOrder, mapping, field: str, amount: Decimal, name: str) -> dict:
    account = getattr(mapping, field)
    if not account:
        raise missing_account(order.outlet, CHARGE_ACCOUNTS[field], INVOICE_STEP)
    return {"accountNo": account, "expenseAmount": _amount(amount), "expenseName": name}


def _invoice_line(line, mapping) -> dict:
    price, discount = whole_rupiah_line(Decimal(line.quantity), Decimal(line.unit_price),
                                        Decimal(line.discount), Decimal(line.tax))
    return {"itemNo": line.sku, "detailName": line.name, "quantity": _amount(line.quantity),
            "unitPrice": _amount(price), "itemCashDiscount": _amount(discount),
            "warehouseName": mapping.warehouse_name}


def _taxed_line(line, mapping) -> dict:
    """A line at the till's own price; Accurate adds (or takes out) the tax itself."""
    return {"itemNo": line.sku, "detailName": line.name, "quantity": _amount(line.quantity),
            "unitPrice": _amount(line.unit_price), "itemCashDiscount": _amount(line.discount),
            "warehouseName": mapping.warehouse_name, "useTax1": bool(line.tax)}


# The next steps of a document that waits for its outlet's mapping (MappingNeeded): a row
# saying one of them links to the outlet's form.
METHOD_STEP = say("Choose the %(method)s account in outlet %(outlet)s's mapping; its receipts "
                  "go by themselves after.")
FEE_STEP = say("Choose the %(method)s fee account in outlet %(outlet)s's mapping; its "
               "receipts go by themselves after.")
CASH_STEP = say("Choose the %(field)s in outlet %(outlet)s's mapping; the register cash "
                "movements go by themselves after.")
INVOICE_STEP = say("Choose the %(field)s in outlet %(outlet)s's mapping; its invoices go by "
                   "themselves after.")
PAYOUT_STEP = say("Choose the %(field)s in outlet %(outlet)s's mapping; its payouts go by "
                  "themselves after.")
MAPPING_STEPS = (METHOD_STEP, FEE_STEP, CASH_STEP, INVOICE_STEP, PAYOUT_STEP)
PAYOUT_ACCOUNT = say("payout bank account")


def missing_account(outlet: Outlet, field: Said, step: Said) -> MappingNeeded:
    """The outlet's mapping lacks the account `field` names: the document waits for it,
    with `step` (one of MAPPING_STEPS) saying what goes once it is chosen."""
    return MappingNeeded(
        say("Outlet %(outlet)s has no %(field)s in its mapping.", outlet=outlet.name,
            field=field),
        step.filled(field=field, outlet=outlet.name))


def waits_for_mapping(row) -> bool:
    """Whether a sync activity row waits for its outlet's mapping to be completed."""
    step = (row.wording or {}).get("next_step")
    return bool(row.status == "pending" and step and any(
        Said.from_json(step).says(wanted) for wanted in MAPPING_STEPS))


@dataclass
class PaidInto:
    """Where one payment method's money lands at an outlet, as its receipts say it."""

    account_no: str
    accurate_type: str
    fee_account_no: str | None


def paid_into(outlet: Outlet, mapping, method: str) -> PaidInto:
    """The method's row of the outlet's mapping; cash without one lands in register cash.
    No row: the receipt waits for the owner (a method first seen in a sale has none yet)."""
    row = next((a for a in mapping.payment_accounts if a.payment_method == method), None)
    if row is not None:
        return PaidInto(row.account_no, row.accurate_type, row.fee_account_no)
    if method == payment_methods.CASH and mapping.register_cash_account_no:
        return PaidInto(mapping.register_cash_account_no, "CASH_OTHER", None)
    raise MappingNeeded(
        say("Outlet %(outlet)s has no account for %(method)s payments yet.",
            outlet=outlet.name, method=payment_methods.said_label(method)),
        METHOD_STEP.filled(method=payment_methods.said_label(method), outlet=outlet.name))


def sales_receipt(store: Store, payment: SalesPayment, number: str, invoice_number: str) -> dict:
    """The cash actually received pays the invoice; a fee the method charged (iSeller Pay's
    MDR, a card's or QRIS's) settles the rest as a discount booked to the method's fee
    account (nested in the invoice line, as Accurate expects)."""
    order = payment.order
    problems = _Problems()
    mapping = _mapping(order.outlet, problems, "branch_name")
    customer_no = _customer_no(store, order, mapping, problems)
    problems.raise_any()
    into = paid_into(order.outlet, mapping, payment.method)
    label = payment_methods.said_label(payment.method)
    if payment.mdr_fee and not into.fee_account_no:
        raise MappingNeeded(
            say("Outlet %(outlet)s has no fee account for %(method)s fees.",
                outlet=order.outlet.name, method=label),
            FEE_STEP.filled(method=label, outlet=order.outlet.name))
    received = payment.amount - payment.mdr_fee
    line = {"invoiceNo": invoice_number, "paymentAmount": _amount(received)}
    if payment.mdr_fee:
        line["detailDiscount"] = [{"accountNo": into.fee_account_no,
                                   "amount": _amount(payment.mdr_fee),
                                   "discountNotes": f"{label} fee"}]
    return {
        "number": number,
        "transDate": _date(store, payment.paid_at),
        "customerNo": customer_no,
        "bankNo": into.account_no,
        "branchName": mapping.branch_name,
        "chequeAmount": _amount(received),
        "paymentMethod": into.accurate_type,
        "description": f"iSeller payment {payment.method} for {order.order_number}",
        "detailInvoice": [line],
    }


def _transfer_ends(transfer: Transfer, problems: _Problems) -> tuple:
    source = _mapping(transfer.from_outlet, problems, "branch_name", "warehouse_name")
    if transfer.to_outlet is not None:
        target = _mapping(transfer.to_outlet, problems, "warehouse_name")
        to_warehouse = target.warehouse_name if target else None
    else:
        to_warehouse = transfer.to_warehouse_name
    _skus(transfer.lines, problems, say("Transfer %(number)s", number=transfer.number))
    problems.raise_any()
    return source, to_warehouse


def transfer_out(store: Store, transfer: Transfer, number: str) -> dict:
    problems = _Problems()
    source, to_warehouse = _transfer_ends(transfer, problems)
    return {
        "number": number, "itemTransferType": TRANSFER_OUT,
        "transDate": _date(store, transfer.sent_at), "branchName": source.branch_name,
        "warehouseName": source.warehouse_name, "referenceWarehouseName": to_warehouse,
        "description": f"iSeller transfer {transfer.number}",
        "detailItem": [{"itemNo": line.sku, "quantity": _amount(line.quantity)}
                       for line in transfer.lines],
    }


def transfer_in(store: Store, transfer: Transfer, number: str, out_number: str) -> dict:
    problems = _Problems()
    source, to_warehouse = _transfer_ends(transfer, problems)
    return {
        "number": number, "itemTransferType": TRANSFER_IN,
        "transDate": _date(store, transfer.received_at or transfer.sent_at),
        "branchName": source.branch_name, "fromItemTransferNo": out_number,
        "warehouseName": to_warehouse, "referenceWarehouseName": source.warehouse_name,
        "description": f"iSeller transfer {transfer.number} received",
        "detailItem": [{"itemNo": line.sku, "quantity": _amount(line.quantity)}
                       for line in transfer.lines],
    }


def _adjustment(store, outlet, number, moment, description, changes, what) -> dict | None:
    """An item adjustment for (line, signed quantity change, unit cost); None when nothing
    changed (a stock count that matched everywhere needs no document)."""
    problems = _Problems()
    mapping = _mapping(outlet, problems, "branch_name", "warehouse_name",
                       "adjustment_account_no")
    _skus([line for line, change, _ in changes if change], problems, what)
    problems.raise_any()
    lines = [{
        "itemNo": line.sku,
        "itemAdjustmentType": "ADJUSTMENT_IN" if change > 0 else "ADJUSTMENT_OUT",
        "quantity": _amount(abs(change)),
        "unitCost": _amount(cost) if change > 0 else 0,
        "warehouseName": mapping.warehouse_name,
    } for line, change, cost in changes if change]
    if not lines:
        return None
    return {"number": number, "transDate": _date(store, moment),
            "branchName": mapping.branch_name,
            "adjustmentAccountNo": mapping.adjustment_account_no,
            "description": description, "detailItem": lines}


def stock_opname(store: Store, opname: StockOpname, number: str) -> dict | None:
    return _adjustment(
        store, opname.outlet, number, opname.counted_at, f"iSeller stock opname {opname.number}",
        [(line, line.difference, line.unit_cost) for line in opname.lines],
        say("Stock opname %(number)s", number=opname.number))


def stock_adjustment(store: Store, adjustment: StockAdjustment, number: str) -> dict | None:
    return _adjustment(
        store, adjustment.outlet, number, adjustment.adjusted_at,
        f"iSeller stock adjustment {adjustment.number}"
        + (f": {adjustment.reason}" if adjustment.reason else ""),
        [(line, line.quantity_change, line.unit_cost) for line in adjustment.lines],
        say("Stock adjustment %(number)s", number=adjustment.number))


# A register cash movement's other end, by what it is for: (mapping field, what it is called).
DEPOSIT_ACCOUNTS = {
    DepositPurpose.BANK: ("cash_drop_account_no", say("bank account for cash taken to the bank")),
    DepositPurpose.EXPENSE: ("cash_expense_account_no",
                             say("expense account for cash paid from the register")),
    DepositPurpose.TOP_UP: ("cash_top_up_account_no",
                            say("account that cash added to the register comes from")),
}
DEPOSIT_LABELS = {DepositPurpose.BANK: "Register cash to the bank",
                  DepositPurpose.EXPENSE: "Paid from the register",
                  DepositPurpose.TOP_UP: "Cash added to the register"}


def deposit(store: Store, record: Deposit, number: str) -> dict:
    """A register cash movement between the outlet's register cash account and the account
    the owner chose for its direction, never a revenue account: cash to the bank is a bank
    transfer, cash added an other deposit, an expense paid from the till an other payment."""
    problems = _Problems()
    outlet = record.outlet
    mapping = _mapping(outlet, problems, "branch_name")
    problems.raise_any()
    field, name = DEPOSIT_ACCOUNTS[record.purpose]
    for account, called in (("register_cash_account_no", say("register cash account")),
                            (field, name)):
        if not getattr(mapping, account):
            raise missing_account(outlet, called, CASH_STEP)
    register, other = mapping.register_cash_account_no, getattr(mapping, field)
    label = record.description or DEPOSIT_LABELS[record.purpose]
    common = {"number": number, "transDate": _date(store, record.deposited_at),
              "branchName": mapping.branch_name, "description": label}
    if record.purpose == DepositPurpose.BANK:
        return {**common, "fromBankNo": register, "toBankNo": other,
                "fromBankAmount": _amount(record.amount)}
    return {**common, "bankNo": register, "payee": outlet.name,
            "detailAccount": [{"accountNo": other, "amount": _amount(record.amount),
                               "expenseName": label}]}


def payout(store: Store, record: Payout, number: str) -> dict:
    """iSeller paying out a method's takings: a bank transfer from the method's account (its
    clearing account) to the outlet's payout bank account, of what reached the bank. Its fees
    were booked with each receipt, so the clearing account comes back to what is still due."""
    problems = _Problems()
    outlet = record.outlet
    mapping = _mapping(outlet, problems, "branch_name")
    problems.raise_any()
    into = paid_into(outlet, mapping, record.method)
    if not mapping.payout_account_no:
        raise missing_account(outlet, PAYOUT_ACCOUNT, PAYOUT_STEP)
    return {"number": number, "transDate": _date(store, record.paid_out_at),
            "branchName": mapping.branch_name,
            "description": f"iSeller payout {record.iseller_id} of {record.method}",
            "fromBankNo": into.account_no, "toBankNo": mapping.payout_account_no,
            "fromBankAmount": _amount(record.amount)}
