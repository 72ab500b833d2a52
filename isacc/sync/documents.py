"""One function per Accurate document: from isacc's records and the outlet mapping to the
payload Accurate's save.do takes. Plain data in, plain dict out; every problem gathered.

Choices Accurate's documentation leaves open (accurate-api.md marks them [G]) are named
constants here, so correcting one is a one-line change.
"""

from decimal import ROUND_CEILING, Decimal
from zoneinfo import ZoneInfo

from isacc.accurate.errors import FinalError
from isacc.models import (
    Customer,
    Deposit,
    DepositDirection,
    Outlet,
    SalesOrder,
    SalesPayment,
    StockAdjustment,
    StockOpname,
    Store,
    Transfer,
)
from isacc.reasons import Said, say

# iSeller payment method -> the paymentMethod enum of Accurate's sales-receipt schema
# (BANK_CHEQUE, BANK_TRANSFER, CASH_OTHER, EDC, OTHERS, PAYMENT_LINK, QRIS, VIRTUAL_ACCOUNT):
# every card goes through an EDC; iSellerPay, e-wallets and anything else are OTHERS.
PAYMENT_METHODS = {
    "cash": "CASH_OTHER", "card": "EDC", "debit": "EDC", "credit": "EDC", "qris": "QRIS",
    "transfer": "BANK_TRANSFER",
}
ISELLERPAY = "isellerpay"
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
               "adjustment_account_no": say("stock adjustment account"),
               "transaction_account_no": say("transaction account")}


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
        problems.add(say("Outlet %(outlet)s is not mapped to Accurate yet.", outlet=outlet.name),
                     say("Map and activate outlet %(outlet)s, then refresh.", outlet=outlet.name))
        return None
    for field in fields:
        if not getattr(mapping, field):
            problems.add(say("Outlet %(outlet)s has no %(field)s in its mapping.",
                             outlet=outlet.name, field=FIELD_NAMES[field]),
                         say("Complete outlet %(outlet)s's mapping, then refresh.",
                             outlet=outlet.name))
    return mapping


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


def _customer_no(order: SalesOrder, mapping, problems: _Problems) -> str | None:
    if order.customer is not None:
        if not order.customer.accurate_customer_no:
            problems.add(say("Customer %(customer)s is not in Accurate yet.",
                             customer=order.customer.name),
                         say("Refresh the customer's sync first; the invoice follows."))
        return order.customer.accurate_customer_no
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
    """Prices are sent tax-inclusive: iSeller's line tax is folded into the unit price (until
    isacc books tax as Accurate's tax), so the Accurate invoice totals exactly what the till
    took, to the rupiah (and its receipts settle it)."""
    problems = _Problems()
    mapping = _mapping(order.outlet, problems, "branch_name", "warehouse_name")
    customer_no = _customer_no(order, mapping, problems)
    _skus(order.lines, problems, say("Order %(number)s", number=order.order_number))
    problems.raise_any()
    payload = {
        "number": number,
        "transDate": _date(store, order.ordered_at),
        "customerNo": customer_no,
        "branchName": mapping.branch_name,
        "description": f"iSeller order {order.order_number}",
        "detailItem": [_invoice_line(line, mapping) for line in order.lines],
    }
    if order.discount_total:
        payload["cashDiscount"] = _amount(order.discount_total)
    return payload


def _invoice_line(line, mapping) -> dict:
    price, discount = whole_rupiah_line(Decimal(line.quantity), Decimal(line.unit_price),
                                        Decimal(line.discount), Decimal(line.tax))
    return {"itemNo": line.sku, "detailName": line.name, "quantity": _amount(line.quantity),
            "unitPrice": _amount(price), "itemCashDiscount": _amount(discount),
            "warehouseName": mapping.warehouse_name}


def sales_receipt(store: Store, payment: SalesPayment, number: str, invoice_number: str) -> dict:
    """The cash actually received pays the invoice; an iSellerPay MDR fee settles the rest as a
    discount booked to the MDR account (nested in the invoice line, as Accurate expects)."""
    order = payment.order
    problems = _Problems()
    mapping = _mapping(order.outlet, problems, "branch_name")
    customer_no = _customer_no(order, mapping, problems)
    bank_no = None
    if mapping is not None:
        if payment.method == ISELLERPAY:
            bank_no = mapping.isellerpay_account_no
            if payment.mdr_fee and not mapping.mdr_account_no:
                problems.add(
                    say("Outlet %(outlet)s has no MDR account for iSellerPay fees.",
                        outlet=order.outlet.name),
                    say("Choose the MDR account in outlet %(outlet)s's mapping.",
                        outlet=order.outlet.name))
        else:
            bank_no = next((a.account_no for a in mapping.payment_accounts
                            if a.payment_method == payment.method), None)
        if not bank_no:
            problems.add(say("Outlet %(outlet)s has no account for %(method)s payments.",
                             outlet=order.outlet.name, method=payment.method),
                         say("Choose the %(method)s account in the outlet's mapping.",
                             method=payment.method))
    problems.raise_any()
    received = payment.amount - payment.mdr_fee
    line = {"invoiceNo": invoice_number, "paymentAmount": _amount(received)}
    if payment.mdr_fee:
        line["detailDiscount"] = [{"accountNo": mapping.mdr_account_no,
                                   "amount": _amount(payment.mdr_fee),
                                   "discountNotes": "iSellerPay MDR"}]
    return {
        "number": number,
        "transDate": _date(store, payment.paid_at),
        "customerNo": customer_no,
        "bankNo": bank_no,
        "branchName": mapping.branch_name,
        "chequeAmount": _amount(received),
        "paymentMethod": PAYMENT_METHODS.get(payment.method, "OTHERS"),
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


def deposit(store: Store, record: Deposit, number: str) -> dict:
    """Cash put into (other deposit) or taken out of (other payment) the register's cash
    account, against the outlet's transaction account."""
    problems = _Problems()
    mapping = _mapping(record.outlet, problems, "branch_name", "transaction_account_no")
    cash = None
    if mapping is not None:
        cash = next((a.account_no for a in mapping.payment_accounts
                     if a.payment_method == "cash"), None)
        if not cash:
            problems.add(say("Outlet %(outlet)s has no account for cash payments.",
                             outlet=record.outlet.name),
                         say("Choose the cash account in the outlet's mapping, then refresh."))
    problems.raise_any()
    label = record.description or ("Register cash in" if record.direction == DepositDirection.IN
                                    else "Register cash out")
    return {
        "number": number, "transDate": _date(store, record.deposited_at), "bankNo": cash,
        "branchName": mapping.branch_name, "payee": record.outlet.name, "description": label,
        "detailAccount": [{"accountNo": mapping.transaction_account_no,
                           "amount": _amount(record.amount), "expenseName": label}],
    }
