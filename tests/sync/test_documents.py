"""The mapping from isacc records to Accurate payloads, with plain (unsaved) objects."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from isacc.accurate.errors import MappingNeeded
from isacc.models import (
    Customer,
    Deposit,
    DepositDirection,
    DepositPurpose,
    Outlet,
    OutletMapping,
    OutletPaymentAccount,
    SalesOrder,
    SalesOrderLine,
    SalesPayment,
    StockAdjustment,
    StockAdjustmentLine,
    StockOpname,
    StockOpnameLine,
    Store,
    Transfer,
    TransferLine,
)
from isacc.outcomes import Outcome, outcome_of
from isacc.sync import documents
from isacc.sync.documents import MappingProblem

LATE_EVENING = datetime(2026, 11, 24, 18, 30, tzinfo=UTC)  # already the 25th in Jakarta


def mapped_outlet(name="Kemang", warehouse="Gudang Kemang") -> Outlet:
    outlet = Outlet(name=name, iseller_id=name)
    outlet.mapping = OutletMapping(
        active=True, branch_name="Jakarta", warehouse_name=warehouse,
        register_cash_account_no="1-10001", cash_drop_account_no="1-10101",
        cash_top_up_account_no="3-30000", cash_expense_account_no="6-60202",
        adjustment_account_no="6-60301", walk_in_customer_no="WALKIN",
        payment_accounts=[
            OutletPaymentAccount(payment_method="cash", account_no="1-10001",
                                 accurate_type="CASH_OTHER"),
            OutletPaymentAccount(payment_method="card", account_no="1-10101",
                                 accurate_type="EDC", fee_account_no="6-60202"),
            OutletPaymentAccount(payment_method="isellerpay", account_no="1-10103",
                                 accurate_type="OTHERS", fee_account_no="6-60201")])
    return outlet


@pytest.fixture
def store():
    return Store(name="Toko", timezone="Asia/Jakarta")


def an_order(outlet, **fields) -> SalesOrder:
    order = SalesOrder(order_number="INV-7", outlet=outlet, ordered_at=LATE_EVENING,
                       discount_total=Decimal(0), **fields)
    order.lines = [
        SalesOrderLine(sku="K-1", name="Kopi", quantity=Decimal(2), unit_price=Decimal(25000),
                       discount=Decimal(1000), tax=Decimal(5000), line_total=Decimal(54000)),
        SalesOrderLine(sku="R-1", name="Roti", quantity=Decimal(1), unit_price=Decimal(15000),
                       discount=Decimal(0), tax=Decimal(0), line_total=Decimal(15000)),
    ]
    return order


def test_invoice_carries_the_order_number_date_mapping_and_tax_inclusive_prices(store):
    payload = documents.sales_invoice(store, an_order(mapped_outlet()), "INV-7")
    assert payload["number"] == "INV-7"
    assert payload["transDate"] == "25/11/2026"  # the store's calendar day, not UTC's
    assert payload["customerNo"] == "WALKIN" and payload["branchName"] == "Jakarta"
    kopi, roti = payload["detailItem"]
    assert kopi == {"itemNo": "K-1", "detailName": "Kopi", "quantity": 2.0,
                    "unitPrice": 27500.0, "itemCashDiscount": 1000.0,
                    "warehouseName": "Gudang Kemang"}
    # The invoice totals what the till took: 2 x 27,500 - 1,000 + 15,000 = 69,000.
    total = sum(d["quantity"] * d["unitPrice"] - d["itemCashDiscount"]
                for d in payload["detailItem"])
    assert total == 69000 and roti["unitPrice"] == 15000.0


def test_invoice_for_a_known_customer_uses_its_accurate_number(store):
    order = an_order(mapped_outlet(), customer=Customer(name="Andi",
                                                        accurate_customer_no="C.00007"))
    assert documents.sales_invoice(store, order, "INV-7")["customerNo"] == "C.00007"


def test_every_problem_of_an_invoice_is_told_at_once(store):
    outlet = Outlet(name="Senopati", iseller_id="S")
    order = an_order(outlet, customer=Customer(name="Rina"))
    order.lines[1].sku = None
    with pytest.raises(MappingProblem) as problem:
        documents.sales_invoice(store, order, "INV-7")
    reason = problem.value.reason
    assert "Outlet Senopati is not mapped" in reason
    assert "Customer Rina is not in Accurate yet" in reason
    assert "without a SKU: Roti" in reason
    assert "Map and activate outlet Senopati" in problem.value.next_step


def test_isellerpay_receipt_books_the_mdr_fee_as_a_discount(store):
    order = an_order(mapped_outlet())
    payment = SalesPayment(method="isellerpay", amount=Decimal(69000), mdr_fee=Decimal(483),
                           paid_at=LATE_EVENING, order=order)
    payload = documents.sales_receipt(store, payment, "INV-7-1", "INV-7")
    assert payload["bankNo"] == "1-10103" and payload["paymentMethod"] == "OTHERS"
    assert payload["chequeAmount"] == 68517.0
    assert payload["detailInvoice"] == [{
        "invoiceNo": "INV-7", "paymentAmount": 68517.0,
        "detailDiscount": [{"accountNo": "6-60201", "amount": 483.0,
                            "discountNotes": "iSeller Pay fee"}]}]


def test_cash_receipt_goes_to_the_cash_account_and_unknown_methods_are_named(store):
    order = an_order(mapped_outlet())
    cash = SalesPayment(method="cash", amount=Decimal(69000), mdr_fee=Decimal(0),
                        paid_at=LATE_EVENING, order=order)
    payload = documents.sales_receipt(store, cash, "INV-7-1", "INV-7")
    assert payload["bankNo"] == "1-10001" and "detailDiscount" not in payload["detailInvoice"][0]
    voucher = SalesPayment(method="voucher", amount=Decimal(1), mdr_fee=Decimal(0),
                           paid_at=LATE_EVENING, order=order)
    with pytest.raises(MappingNeeded, match="no account for voucher payments"):
        documents.sales_receipt(store, voucher, "INV-7-2", "INV-7")


def test_transfer_out_and_in_name_both_warehouses(store):
    transfer = Transfer(number="TR-1", from_outlet=mapped_outlet(),
                        to_outlet=mapped_outlet("Senopati", "Gudang Senopati"),
                        sent_at=LATE_EVENING, lines=[TransferLine(sku="K-1",
                                                                  quantity=Decimal(3))])
    out = documents.transfer_out(store, transfer, "TR-1-OUT")
    into = documents.transfer_in(store, transfer, "TR-1-IN", "TR-1-OUT")
    assert (out["itemTransferType"], out["warehouseName"], out["referenceWarehouseName"]) == (
        "TRANSFER_OUT", "Gudang Kemang", "Gudang Senopati")
    assert (into["itemTransferType"], into["warehouseName"], into["fromItemTransferNo"]) == (
        "TRANSFER_IN", "Gudang Senopati", "TR-1-OUT")
    assert out["detailItem"] == [{"itemNo": "K-1", "quantity": 3.0}]


def test_stock_opname_adjusts_only_counted_differences(store):
    opname = StockOpname(number="SO-1", outlet=mapped_outlet(), counted_at=LATE_EVENING, lines=[
        StockOpnameLine(sku="K-1", system_quantity=Decimal(10), counted_quantity=Decimal(8),
                        unit_cost=Decimal(9000)),
        StockOpnameLine(sku="R-1", system_quantity=Decimal(4), counted_quantity=Decimal(4),
                        unit_cost=Decimal(5000)),
        StockOpnameLine(sku="T-1", system_quantity=Decimal(1), counted_quantity=Decimal(3),
                        unit_cost=Decimal(7000)),
    ])
    payload = documents.stock_opname(store, opname, "SO-1")
    assert payload["adjustmentAccountNo"] == "6-60301"
    assert [(d["itemNo"], d["itemAdjustmentType"], d["quantity"], d["unitCost"])
            for d in payload["detailItem"]] == [
        ("K-1", "ADJUSTMENT_OUT", 2.0, 0), ("T-1", "ADJUSTMENT_IN", 2.0, 7000.0)]
    for line in opname.lines:
        line.counted_quantity = line.system_quantity
    assert documents.stock_opname(store, opname, "SO-1") is None


def test_stock_opname_payload_in_full(store):
    opname = StockOpname(number="SO-1", outlet=mapped_outlet(), counted_at=LATE_EVENING, lines=[
        StockOpnameLine(sku="T-1", system_quantity=Decimal(1), counted_quantity=Decimal("3.5"),
                        unit_cost=Decimal(7000))])
    assert documents.stock_opname(store, opname, "SO-1-OPN") == {
        "number": "SO-1-OPN", "transDate": "25/11/2026", "branchName": "Jakarta",
        "adjustmentAccountNo": "6-60301", "description": "iSeller stock opname SO-1",
        "detailItem": [{"itemNo": "T-1", "itemAdjustmentType": "ADJUSTMENT_IN",
                        "quantity": 2.5, "unitCost": 7000.0, "warehouseName": "Gudang Kemang"}]}


def test_stock_opname_mapping_problems_are_told_at_once(store):
    outlet = mapped_outlet()
    outlet.mapping.adjustment_account_no = None
    outlet.mapping.branch_name = None
    opname = StockOpname(number="SO-1", outlet=outlet, counted_at=LATE_EVENING, lines=[
        StockOpnameLine(sku=None, system_quantity=Decimal(4), counted_quantity=Decimal(3),
                        unit_cost=Decimal(0)),
        StockOpnameLine(sku=None, system_quantity=Decimal(1), counted_quantity=Decimal(1),
                        unit_cost=Decimal(0))])  # unchanged: its missing SKU does not matter
    with pytest.raises(MappingProblem) as problem:
        documents.stock_opname(store, opname, "SO-1-OPN")
    assert problem.value.reason == (
        "Outlet Kemang has no branch in its mapping. "
        "Outlet Kemang has no stock adjustment account in its mapping. "
        "Stock opname SO-1 has products without a SKU: #1.")
    assert problem.value.next_step == (  # the same step is told once
        "Complete outlet Kemang's mapping, then refresh. "
        "Give every product a SKU in iSeller, export it to Accurate, then refresh.")
    opname.outlet = Outlet(name="Senopati", iseller_id="S")
    with pytest.raises(MappingProblem, match="Outlet Senopati is not mapped"):
        documents.stock_opname(store, opname, "SO-1-OPN")


def test_stock_adjustment_payload_and_its_mapping_problems(store):
    outlet = mapped_outlet()
    adjustment = StockAdjustment(number="ADJ-1", outlet=outlet, adjusted_at=LATE_EVENING,
                                 reason="Rusak", lines=[
        StockAdjustmentLine(sku="R-1", quantity_change=Decimal(-2), unit_cost=Decimal(5000)),
        StockAdjustmentLine(sku="K-1", quantity_change=Decimal(5), unit_cost=Decimal(9000)),
        StockAdjustmentLine(sku="X-1", quantity_change=Decimal(0), unit_cost=Decimal(1))])
    payload = documents.stock_adjustment(store, adjustment, "ADJ-1-ADJ")
    assert payload == {
        "number": "ADJ-1-ADJ", "transDate": "25/11/2026", "branchName": "Jakarta",
        "adjustmentAccountNo": "6-60301", "description": "iSeller stock adjustment ADJ-1: Rusak",
        "detailItem": [
            {"itemNo": "R-1", "itemAdjustmentType": "ADJUSTMENT_OUT", "quantity": 2.0,
             "unitCost": 0, "warehouseName": "Gudang Kemang"},
            {"itemNo": "K-1", "itemAdjustmentType": "ADJUSTMENT_IN", "quantity": 5.0,
             "unitCost": 9000.0, "warehouseName": "Gudang Kemang"}]}
    adjustment.reason = None
    assert documents.stock_adjustment(store, adjustment, "ADJ-1-ADJ")["description"] == \
        "iSeller stock adjustment ADJ-1"
    outlet.mapping.warehouse_name = None
    adjustment.lines[1].sku = None
    with pytest.raises(MappingProblem) as problem:
        documents.stock_adjustment(store, adjustment, "ADJ-1-ADJ")
    assert problem.value.reason == (
        "Outlet Kemang has no warehouse in its mapping. "
        "Stock adjustment ADJ-1 has products without a SKU: #2.")


def test_transfer_payloads_in_full_to_another_outlet_and_to_a_warehouse(store):
    transfer = Transfer(number="TR-1", from_outlet=mapped_outlet(),
                        to_outlet=mapped_outlet("Senopati", "Gudang Senopati"),
                        sent_at=LATE_EVENING, received_at=datetime(2026, 11, 26, 3, tzinfo=UTC),
                        lines=[TransferLine(sku="K-1", quantity=Decimal("1.5"))])
    assert documents.transfer_out(store, transfer, "TR-1-OUT") == {
        "number": "TR-1-OUT", "itemTransferType": "TRANSFER_OUT", "transDate": "25/11/2026",
        "branchName": "Jakarta", "warehouseName": "Gudang Kemang",
        "referenceWarehouseName": "Gudang Senopati", "description": "iSeller transfer TR-1",
        "detailItem": [{"itemNo": "K-1", "quantity": 1.5}]}
    assert documents.transfer_in(store, transfer, "TR-1-IN", "TR-1-OUT") == {
        "number": "TR-1-IN", "itemTransferType": "TRANSFER_IN", "transDate": "26/11/2026",
        "branchName": "Jakarta", "fromItemTransferNo": "TR-1-OUT",
        "warehouseName": "Gudang Senopati", "referenceWarehouseName": "Gudang Kemang",
        "description": "iSeller transfer TR-1 received",
        "detailItem": [{"itemNo": "K-1", "quantity": 1.5}]}
    to_warehouse = Transfer(number="TR-2", from_outlet=mapped_outlet(), to_outlet=None,
                            to_warehouse_name="Gudang Pusat", sent_at=LATE_EVENING,
                            lines=[TransferLine(sku="K-1", quantity=Decimal(1))])
    assert documents.transfer_out(store, to_warehouse, "TR-2-OUT")[
        "referenceWarehouseName"] == "Gudang Pusat"
    into = documents.transfer_in(store, to_warehouse, "TR-2-IN", "TR-2-OUT")
    assert (into["warehouseName"], into["transDate"]) == ("Gudang Pusat", "25/11/2026")


def test_transfer_mapping_problems_name_both_ends_and_missing_skus(store):
    target = Outlet(name="Senopati", iseller_id="S")
    transfer = Transfer(number="TR-1", from_outlet=mapped_outlet(), to_outlet=target,
                        sent_at=LATE_EVENING, lines=[TransferLine(sku=None, quantity=Decimal(1))])
    transfer.from_outlet.mapping.branch_name = None
    for build in (lambda: documents.transfer_out(store, transfer, "TR-1-OUT"),
                  lambda: documents.transfer_in(store, transfer, "TR-1-IN", "TR-1-OUT")):
        with pytest.raises(MappingProblem) as problem:
            build()
        assert problem.value.reason == (
            "Outlet Kemang has no branch in its mapping. "
            "Outlet Senopati is not mapped to Accurate yet. "
            "Transfer TR-1 has products without a SKU: #1.")
    target.mapping = OutletMapping(active=True, branch_name="Jakarta", warehouse_name=None)
    with pytest.raises(MappingProblem, match="Outlet Senopati has no warehouse"):
        documents.transfer_out(store, transfer, "TR-1-OUT")


def a_deposit(purpose, outlet=None, **fields) -> Deposit:
    direction = DepositDirection.IN if purpose == DepositPurpose.TOP_UP else DepositDirection.OUT
    return Deposit(outlet=outlet or mapped_outlet(), direction=direction, purpose=purpose,
                   amount=Decimal(200000), deposited_at=LATE_EVENING, **fields)


def test_cash_taken_to_the_bank_is_a_bank_transfer_from_register_cash(store):
    assert documents.deposit(store, a_deposit(DepositPurpose.BANK), "DEP-1") == {
        "number": "DEP-1", "transDate": "25/11/2026", "branchName": "Jakarta",
        "description": "Register cash to the bank", "fromBankNo": "1-10001",
        "toBankNo": "1-10101", "fromBankAmount": 200000.0}


@pytest.mark.parametrize(("purpose", "label", "other"), [
    (DepositPurpose.TOP_UP, "Cash added to the register", "3-30000"),
    (DepositPurpose.EXPENSE, "Paid from the register", "6-60202")])
def test_cash_added_or_paid_out_moves_register_cash_against_the_account_of_its_direction(
        store, purpose, label, other):
    # Without iSeller's own words, what it is for names the document; never revenue.
    assert documents.deposit(store, a_deposit(purpose), "DEP-1") == {
        "number": "DEP-1", "transDate": "25/11/2026", "bankNo": "1-10001",
        "branchName": "Jakarta", "payee": "Kemang", "description": label,
        "detailAccount": [{"accountNo": other, "amount": 200000.0, "expenseName": label}]}
    payload = documents.deposit(store, a_deposit(purpose, description="Beli es batu"), "DEP-1")
    assert payload["description"] == payload["detailAccount"][0]["expenseName"] == "Beli es batu"


@pytest.mark.parametrize(("field", "purpose", "called"), [
    ("register_cash_account_no", DepositPurpose.BANK, "register cash account"),
    ("cash_drop_account_no", DepositPurpose.BANK, "bank account for cash taken to the bank"),
    ("cash_top_up_account_no", DepositPurpose.TOP_UP,
     "account that cash added to the register comes from"),
    ("cash_expense_account_no", DepositPurpose.EXPENSE,
     "expense account for cash paid from the register")])
def test_a_register_cash_movement_missing_an_account_waits_for_the_owner(
        store, field, purpose, called):
    outlet = mapped_outlet()
    setattr(outlet.mapping, field, None)
    with pytest.raises(MappingNeeded) as waiting:
        documents.deposit(store, a_deposit(purpose, outlet), "DEP-1")
    assert waiting.value.reason == f"Outlet Kemang has no {called} in its mapping."
    assert waiting.value.next_step == (f"Choose the {called} in outlet Kemang's mapping; the "
                                       f"register cash movements go by themselves after.")
    assert outcome_of(waiting.value) is Outcome.WAIT_FOR_OWNER
    with pytest.raises(MappingProblem) as problem:
        documents.deposit(store, a_deposit(purpose, Outlet(name="Senopati", iseller_id="S")),
                          "DEP-1")
    assert problem.value.reason == "Outlet Senopati is not mapped to Accurate yet."


@pytest.mark.parametrize(("method", "bank", "accurate_method"), [
    ("cash", "1-10001", "CASH_OTHER"), ("card", "1-10101", "EDC"), ("gopay", "1-10999", "OTHERS"),
    ("Kupon Kantor", "1-10998", "BANK_TRANSFER")])
def test_a_receipt_names_its_payment_method_and_account(store, method, bank, accurate_method):
    outlet = mapped_outlet()
    outlet.mapping.payment_accounts += [
        OutletPaymentAccount(payment_method="gopay", account_no="1-10999", accurate_type="OTHERS"),
        OutletPaymentAccount(payment_method="Kupon Kantor", account_no="1-10998",
                             accurate_type="BANK_TRANSFER")]
    payment = SalesPayment(method=method, amount=Decimal(69000), mdr_fee=Decimal(0),
                           paid_at=LATE_EVENING, order=an_order(outlet))
    assert documents.sales_receipt(store, payment, "INV-7-1", "INV-7") == {
        "number": "INV-7-1", "transDate": "25/11/2026", "customerNo": "WALKIN",
        "bankNo": bank, "branchName": "Jakarta", "chequeAmount": 69000.0,
        "paymentMethod": accurate_method,
        "description": f"iSeller payment {method} for INV-7",
        "detailInvoice": [{"invoiceNo": "INV-7", "paymentAmount": 69000.0}]}


@pytest.mark.parametrize(("method", "fee_account", "notes"), [
    ("isellerpay", "6-60201", "iSeller Pay fee"), ("card", "6-60202", "Card fee")])
def test_a_fee_on_any_method_goes_to_that_methods_fee_account(store, method, fee_account,
                                                                notes):
    payment = SalesPayment(method=method, amount=Decimal(69000), mdr_fee=Decimal(483),
                           paid_at=LATE_EVENING, order=an_order(mapped_outlet()))
    payload = documents.sales_receipt(store, payment, "INV-7-1", "INV-7")
    assert payload["chequeAmount"] == 68517.0
    assert payload["detailInvoice"] == [{"invoiceNo": "INV-7", "paymentAmount": 68517.0,
                                         "detailDiscount": [{"accountNo": fee_account,
                                                             "amount": 483.0,
                                                             "discountNotes": notes}]}]


def test_a_fee_with_no_fee_account_waits_for_the_owner_never_books_to_null(store):
    outlet = mapped_outlet()
    outlet.mapping.payment_accounts[1].fee_account_no = None  # card
    payment = SalesPayment(method="card", amount=Decimal(69000), mdr_fee=Decimal(483),
                           paid_at=LATE_EVENING, order=an_order(outlet))
    with pytest.raises(MappingNeeded) as waiting:
        documents.sales_receipt(store, payment, "INV-7-1", "INV-7")
    assert waiting.value.reason == "Outlet Kemang has no fee account for Card fees."
    assert waiting.value.next_step == ("Choose the Card fee account in outlet Kemang's mapping; "
                                       "its receipts go by themselves after.")
    # Without a fee there is nothing to book to it.
    payment.mdr_fee = Decimal(0)
    payload = documents.sales_receipt(store, payment, "INV-7-1", "INV-7")
    assert payload["detailInvoice"] == [{"invoiceNo": "INV-7", "paymentAmount": 69000.0}]


def test_a_method_with_no_row_waits_for_the_owner_and_cash_falls_back_to_register_cash(store):
    outlet = mapped_outlet()
    payment = SalesPayment(method="gopay", amount=Decimal(69000), mdr_fee=Decimal(0),
                           paid_at=LATE_EVENING, order=an_order(outlet))
    with pytest.raises(MappingNeeded) as waiting:
        documents.sales_receipt(store, payment, "INV-7-1", "INV-7")
    assert waiting.value.reason == "Outlet Kemang has no account for GoPay payments yet."
    outlet.mapping.payment_accounts = [a for a in outlet.mapping.payment_accounts
                                       if a.payment_method != "cash"]
    payment.method = "cash"
    payload = documents.sales_receipt(store, payment, "INV-7-1", "INV-7")
    assert (payload["bankNo"], payload["paymentMethod"]) == ("1-10001", "CASH_OTHER")


def test_a_receipt_of_an_unmapped_outlet_or_an_unsynced_customer_is_a_mapping_problem(store):
    order = an_order(Outlet(name="Senopati", iseller_id="S"), customer=Customer(name="Rina"))
    payment = SalesPayment(method="cash", amount=Decimal(1), mdr_fee=Decimal(0),
                           paid_at=LATE_EVENING, order=order)
    with pytest.raises(MappingProblem) as problem:
        documents.sales_receipt(store, payment, "INV-7-1", "INV-7")
    assert problem.value.reason == ("Outlet Senopati is not mapped to Accurate yet. "
                                    "Customer Rina is not in Accurate yet.")


def test_an_invoice_with_no_walk_in_customer_or_warehouse_is_a_mapping_problem(store):
    outlet = mapped_outlet()
    outlet.mapping.walk_in_customer_no = None
    outlet.mapping.warehouse_name = ""
    with pytest.raises(MappingProblem) as problem:
        documents.sales_invoice(store, an_order(outlet), "INV-7")
    assert problem.value.reason == (
        "Outlet Kemang has no warehouse in its mapping. "
        "Outlet Kemang has no walk-in customer for sales without one.")
    assert problem.value.next_step == ("Complete outlet Kemang's mapping, then refresh. "
                                       "Choose the walk-in customer in outlet Kemang's mapping.")


def test_an_order_discount_is_the_invoices_cash_discount(store):
    order = an_order(mapped_outlet())
    assert "cashDiscount" not in documents.sales_invoice(store, order, "INV-7")
    order.discount_total = Decimal("2500.5")
    payload = documents.sales_invoice(store, order, "INV-7")
    assert payload["cashDiscount"] == 2500.5
    assert payload["description"] == "iSeller order INV-7"


@pytest.mark.parametrize(("quantity", "price", "discount", "tax", "expected"), [
    (7, 1000, 0, 100, (1015, 5)),  # 7 x 1015 - 5 = 7100
    (3, 1000, 0, 1000, (1334, 2)),  # 3 x 1334 - 2 = 4000
    (2, 25000, 1000, 5000, (27500, 1000)),
    (1, 15000, 0, 0, (15000, 0)),
    (4, 999, 7, 0, (999, 7)),
    (3, 0, 0, 1, (1, 2)),  # tax alone on a free item: 3 x 1 - 2 = 1
])
def test_a_line_with_tax_is_whole_rupiah_and_totals_the_till(quantity, price, discount, tax,
                                                             expected):
    unit, line_discount = documents.whole_rupiah_line(
        Decimal(quantity), Decimal(price), Decimal(discount), Decimal(tax))
    assert (unit, line_discount) == expected
    assert quantity * unit - line_discount == quantity * price + tax - discount


def test_a_customer_carries_its_number_contacts_and_iseller_id(store):
    record = Customer(name="Andi", iseller_id="C-1", email="andi@example.test",
                      phone="0812", created_at=LATE_EVENING)
    assert documents.customer(store, record, "CUST-1") == {
        "name": "Andi", "transDate": "25/11/2026", "notes": "iSeller customer C-1",
        "customerNo": "CUST-1", "email": "andi@example.test", "mobilePhone": "0812"}
    bare = Customer(name="Joko", iseller_id="C-2", created_at=LATE_EVENING)
    # Without a number Accurate numbers it; no empty contact fields are sent.
    assert documents.customer(store, bare, None) == {
        "name": "Joko", "transDate": "25/11/2026", "notes": "iSeller customer C-2"}


def test_isaccs_marker_is_written_after_isellers_text_and_found_only_for_its_activity():
    payload = {"description": "iSeller order INV-7"}
    documents.mark("sales-invoice", payload, 42)
    assert payload == {"description": "iSeller order INV-7 [isacc 42]"}
    assert documents.is_marked("sales-invoice", payload, 42)
    assert not documents.is_marked("sales-invoice", payload, 4)
    assert not documents.is_marked("sales-invoice", {"description": None}, 42)
    customer = {"name": "Andi", "notes": "iSeller customer C-1"}
    documents.mark("customer", customer, 7)
    assert customer["notes"] == "iSeller customer C-1 [isacc 7]"
    assert documents.is_marked("customer", customer, 7)
    assert not documents.is_marked("customer", {"description": "[isacc 7]"}, 7)
    empty = {}
    documents.mark("other-deposit", empty, 9)
    assert empty == {"description": "[isacc 9]"}
    long = {"description": "x" * 500}
    documents.mark("sales-invoice", long, 1)
    assert long["description"] == "x" * 200 + " [isacc 1]"


def read_back(text: str) -> str:
    """`text` as a new string object, as a value read from the database is (a literal in a
    test is interned: the same object as isacc's own constant)."""
    return "".join(list(text))


def test_payment_methods_read_from_the_database_find_their_accounts(store):
    outlet = mapped_outlet()
    for account in outlet.mapping.payment_accounts:
        account.payment_method = read_back(account.payment_method)
    order = an_order(outlet)
    isellerpay = SalesPayment(method=read_back("isellerpay"), amount=Decimal(100),
                              mdr_fee=Decimal(1), paid_at=LATE_EVENING, order=order)
    assert documents.sales_receipt(store, isellerpay, "INV-7-1", "INV-7")["bankNo"] == "1-10103"
    card = SalesPayment(method=read_back("card"), amount=Decimal(100), mdr_fee=Decimal(0),
                        paid_at=LATE_EVENING, order=order)
    assert documents.sales_receipt(store, card, "INV-7-2", "INV-7")["bankNo"] == "1-10101"
    assert documents.deposit(store, a_deposit(DepositPurpose.TOP_UP, outlet),
                             "DEP-1")["bankNo"] == "1-10001"


def test_fractional_changes_keep_their_direction_and_amounts_keep_six_decimals(store):
    adjustment = StockAdjustment(number="ADJ-1", outlet=mapped_outlet(),
                                 adjusted_at=LATE_EVENING, lines=[
        StockAdjustmentLine(sku="G-1", quantity_change=Decimal("-0.5"), unit_cost=Decimal(1)),
        StockAdjustmentLine(sku="G-2", quantity_change=Decimal("0.5"), unit_cost=Decimal(1)),
        StockAdjustmentLine(sku="G-3", quantity_change=Decimal("1.2345678"),
                            unit_cost=Decimal("0.1234567"))])
    payload = documents.stock_adjustment(store, adjustment, "ADJ-1-ADJ")
    assert [(d["itemAdjustmentType"], d["quantity"], d["unitCost"])
            for d in payload["detailItem"]] == [
        ("ADJUSTMENT_OUT", 0.5, 0), ("ADJUSTMENT_IN", 0.5, 1.0),
        ("ADJUSTMENT_IN", 1.234568, 0.123457)]
