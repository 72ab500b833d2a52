"""The mapping from isacc records to Accurate payloads, with plain (unsaved) objects."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from isacc.models import (
    Customer,
    Deposit,
    DepositDirection,
    Outlet,
    OutletMapping,
    OutletPaymentAccount,
    SalesOrder,
    SalesOrderLine,
    SalesPayment,
    StockOpname,
    StockOpnameLine,
    Store,
    Transfer,
    TransferLine,
)
from isacc.sync import documents
from isacc.sync.documents import MappingProblem

LATE_EVENING = datetime(2026, 11, 24, 18, 30, tzinfo=UTC)  # already the 25th in Jakarta


def mapped_outlet(name="Kemang", warehouse="Gudang Kemang") -> Outlet:
    outlet = Outlet(name=name, iseller_id=name)
    outlet.mapping = OutletMapping(
        active=True, branch_name="Jakarta", warehouse_name=warehouse,
        isellerpay_account_no="1-10103", mdr_account_no="6-60201",
        transaction_account_no="4-40000", adjustment_account_no="6-60301",
        walk_in_customer_no="WALKIN",
        payment_accounts=[OutletPaymentAccount(payment_method="cash", account_no="1-10001"),
                          OutletPaymentAccount(payment_method="card", account_no="1-10101")])
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
                            "discountNotes": "iSellerPay MDR"}]}]


def test_cash_receipt_goes_to_the_cash_account_and_unknown_methods_are_named(store):
    order = an_order(mapped_outlet())
    cash = SalesPayment(method="cash", amount=Decimal(69000), mdr_fee=Decimal(0),
                        paid_at=LATE_EVENING, order=order)
    payload = documents.sales_receipt(store, cash, "INV-7-1", "INV-7")
    assert payload["bankNo"] == "1-10001" and "detailDiscount" not in payload["detailInvoice"][0]
    voucher = SalesPayment(method="voucher", amount=Decimal(1), mdr_fee=Decimal(0),
                           paid_at=LATE_EVENING, order=order)
    with pytest.raises(MappingProblem, match="no account for voucher payments"):
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


def test_cash_taken_out_of_the_register_is_an_other_payment_from_the_cash_account(store):
    record = Deposit(outlet=mapped_outlet(), direction=DepositDirection.OUT,
                     amount=Decimal(200000), description="Setor ke bank",
                     deposited_at=LATE_EVENING)
    payload = documents.deposit(store, record, "DEP-1")
    assert payload["bankNo"] == "1-10001" and payload["payee"] == "Kemang"
    assert payload["detailAccount"] == [{"accountNo": "4-40000", "amount": 200000.0,
                                         "expenseName": "Setor ke bank"}]
