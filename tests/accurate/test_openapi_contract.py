"""Every payload isacc builds, in every option it supports, checked against Accurate's own
request schema (accurate-openapi.json, as the sandbox packages it) for save.do and for one
entry of bulk-save.do, marked as the engine marks it before sending. And the check itself:
a misspelt or missing field, a wrong enum, date or amount is caught."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from isacc import payment_methods
from isacc.models import (
    ActivityKind,
    Customer,
    DepositPurpose,
    OutletPaymentAccount,
    Payout,
    SalesPayment,
    StockAdjustment,
    StockAdjustmentLine,
    StockOpname,
    StockOpnameLine,
    TaxMode,
    Transfer,
    TransferLine,
)
from isacc.sandbox import schema
from isacc.sync import documents
from isacc.sync.plan import DEPOSIT_KINDS
from isacc.sync.send import MODULES
from tests.sync.test_documents import (  # noqa: F401
    LATE_EVENING,
    a_deposit,
    an_order,
    mapped_outlet,
    store,
)

ACTIVITY_ID = 41


def nulls(value, path="") -> list[str]:
    """Where a payload holds null: never sent (an account of null books to nothing)."""
    if value is None:
        return [path]
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in nulls(item, f"{path}.{key}")]
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in nulls(item, f"{path}[{i}]")]
    return []


def problems(module: str, payload: dict) -> list[str]:
    """The problems of the payload as sent alone and as one entry of a bulk-save; every
    payload checked here is also checked to hold no null anywhere."""
    assert nulls(payload) == []
    marked = dict(payload)
    documents.mark(module, marked, ACTIVITY_ID)
    return schema.body_problems(module, "save", marked) + \
        schema.body_problems(module, "bulk-save", marked)


def receipt_for(method: str, mdr_fee=0) -> SalesPayment:
    outlet = mapped_outlet()
    outlet.mapping.payment_accounts = [OutletPaymentAccount(
        payment_method=method, account_no="1-10101",
        accurate_type=payment_methods.default_type(method), fee_account_no="6-60202")]
    return SalesPayment(method=method, amount=Decimal(69000), mdr_fee=Decimal(mdr_fee),
                        paid_at=LATE_EVENING, order=an_order(outlet))


def a_transfer(**ends) -> Transfer:
    return Transfer(number="TR-1", from_outlet=mapped_outlet(), sent_at=LATE_EVENING,
                    received_at=datetime(2026, 11, 25, 9, tzinfo=UTC),
                    lines=[TransferLine(sku="K-1", quantity=Decimal("2.5"))], **ends)


def test_the_schema_is_accurates_own():
    assert schema.spec()["info"]["title"] == "Accurate Online Public API"
    assert len(schema.spec()["paths"]) == 284


@pytest.mark.parametrize("number", ["CUST-7", None], ids=["our number", "Accurate's number"])
def test_customers(store, number):  # noqa: F811
    record = Customer(name="Andi", email="andi@example.com", phone="0812",
                      created_at=LATE_EVENING)
    assert problems("customer", documents.customer(store, record, number)) == []


@pytest.mark.parametrize("customer", [None, Customer(name="Andi", accurate_customer_no="C.7")],
                         ids=["walk-in", "with a customer"])
@pytest.mark.parametrize("discount", [0, 2500], ids=["no discount", "order discount"])
def test_sales_invoices(store, customer, discount):  # noqa: F811
    order = an_order(mapped_outlet(), customer=customer)
    order.discount_total = Decimal(discount)
    assert problems("sales-invoice", documents.sales_invoice(store, order, "INV-7")) == []


@pytest.mark.parametrize("inclusive", [False, True], ids=["tax added", "tax in the prices"])
def test_taxed_invoices_with_every_order_charge(store, inclusive):  # noqa: F811
    store.tax_mode, store.tax_name, store.tax_rate = TaxMode.PB1, "PB1 10%", Decimal(10)
    store.tax_account_no = "2-20502"
    outlet = mapped_outlet()
    outlet.mapping.service_charge_account_no = "4-40200"
    outlet.mapping.rounding_account_no = "7-70100"
    outlet.mapping.tips_account_no = "2-20100"
    order = an_order(outlet, tax_inclusive=inclusive, service_charge=Decimal(2500),
                     service_charge_tax=Decimal(250), rounding=Decimal(-250),
                     tip=Decimal(5000))
    order.lines[0].tax = Decimal(4455 if inclusive else 4900)  # 10 % of the line's 49,000
    payload = documents.sales_invoice(store, order, "INV-7")
    assert payload["taxable"] is True and payload["inclusiveTax"] is inclusive
    assert len(payload["detailExpense"]) == 4
    assert problems("sales-invoice", payload) == []


@pytest.mark.parametrize("method", [*payment_methods.KNOWN, "Kupon Kantor", "QRIS"])
@pytest.mark.parametrize("fee", [0, 483], ids=["no fee", "with a fee"])
def test_sales_receipts_of_every_payment_method(store, method, fee):  # noqa: F811
    payload = documents.sales_receipt(store, receipt_for(method, fee), "INV-7-1", "INV-7")
    assert problems("sales-receipt", payload) == []
    assert payload["paymentMethod"] == payment_methods.default_type(method)
    assert bool(payload["detailInvoice"][0].get("detailDiscount")) == bool(fee)


@pytest.mark.parametrize("kind", list(payment_methods.TYPES))
def test_every_type_a_method_can_be_given_is_in_accurates_enum(store, kind):  # noqa: F811
    payment = receipt_for("Kupon Kantor")
    payment.order.outlet.mapping.payment_accounts[0].accurate_type = kind
    payload = documents.sales_receipt(store, payment, "INV-7-1", "INV-7")
    assert problems("sales-receipt", payload) == []


@pytest.mark.parametrize("ends", [
    {"to_outlet": mapped_outlet("Senopati", "Gudang Senopati")},
    {"to_warehouse_name": "Gudang Pusat"},
], ids=["to an outlet", "to a warehouse"])
def test_transfers_out_and_in(store, ends):  # noqa: F811
    transfer = a_transfer(**ends)
    assert problems("item-transfer", documents.transfer_out(store, transfer, "TR-1-OUT")) == []
    assert problems("item-transfer",
                    documents.transfer_in(store, transfer, "TR-1-IN", "TR-1-OUT")) == []


def test_stock_opnames_and_adjustments_in_and_out(store):  # noqa: F811
    opname = StockOpname(number="SO-1", outlet=mapped_outlet(), counted_at=LATE_EVENING, lines=[
        StockOpnameLine(sku="K-1", system_quantity=Decimal(10), counted_quantity=Decimal(8),
                        unit_cost=Decimal(9000)),
        StockOpnameLine(sku="T-1", system_quantity=Decimal(1), counted_quantity=Decimal(3),
                        unit_cost=Decimal(7000))])
    adjustment = StockAdjustment(number="ADJ-1", outlet=mapped_outlet(), reason="Rusak",
                                 adjusted_at=LATE_EVENING, lines=[
        StockAdjustmentLine(sku="K-1", quantity_change=Decimal(-1), unit_cost=Decimal(0)),
        StockAdjustmentLine(sku="R-1", quantity_change=Decimal(4), unit_cost=Decimal(5000))])
    for payload in (documents.stock_opname(store, opname, "SO-1"),
                    documents.stock_adjustment(store, adjustment, "ADJ-1")):
        assert {line["itemAdjustmentType"] for line in payload["detailItem"]} == {
            "ADJUSTMENT_IN", "ADJUSTMENT_OUT"}
        assert problems("item-adjustment", payload) == []


@pytest.mark.parametrize("purpose", list(DepositPurpose))
def test_register_cash_movements(store, purpose):  # noqa: F811
    record = a_deposit(purpose)
    module = MODULES[DEPOSIT_KINDS[purpose]]
    assert problems(module, documents.deposit(store, record, "DEP-1")) == []


def test_a_payout(store):  # noqa: F811
    outlet = mapped_outlet()
    outlet.mapping.payout_account_no = "1-10101"
    record = Payout(outlet=outlet, iseller_id="PY-1", method="isellerpay",
                    amount=Decimal(99300), fees=Decimal(700), paid_out_at=LATE_EVENING)
    assert problems(MODULES[ActivityKind.PAYOUT],
                    documents.payout(store, record, "PAYOUT-PY-1")) == []


@pytest.mark.parametrize("kind", ["branch", "warehouse"])
def test_a_place_added_from_the_outlet_mapping(kind):
    assert schema.body_problems(kind, "save", {"name": "Surabaya"}) == []


# ---- the check catches what Accurate refuses ----------------------------------------------

def an_invoice(store):  # noqa: F811
    return documents.sales_invoice(store, an_order(mapped_outlet()), "INV-7")


@pytest.mark.parametrize(("change", "expected"), [
    (lambda p: p["detailItem"][0].update(quantty=p["detailItem"][0].pop("quantity")),
     "Field detailItem[0].quantty tidak dikenal"),
    (lambda p: p.pop("customerNo"), "Field customerNo harus diisi"),
    (lambda p: p["detailItem"][1].pop("itemNo"), "Field detailItem[1].itemNo harus diisi"),
    (lambda p: p.update(transDate="2026-11-25"),
     'Field transDate berisi tanggal "2026-11-25" yang tidak valid, gunakan format dd/MM/yyyy'),
    (lambda p: p.update(transDate="31/02/2026"),
     'Field transDate berisi tanggal "31/02/2026" yang tidak valid, gunakan format dd/MM/yyyy'),
    (lambda p: p["detailItem"][0].update(unitPrice=1e15),
     "Field detailItem[0].unitPrice melebihi nilai maksimum 999 miliar"),
    (lambda p: p["detailItem"][0].update(quantity=1.1234567),
     "Field detailItem[0].quantity boleh memiliki paling banyak 6 digit desimal"),
    (lambda p: p.update(taxable="yes"), "Field taxable harus bernilai true atau false"),
    (lambda p: p["detailItem"][0].update(unitPrice="25000"),
     "Field detailItem[0].unitPrice harus berupa angka"),
], ids=["misspelt field", "missing customer", "missing item", "ISO date", "no such day",
        "over 999 billion", "7 decimals", "not a boolean", "number as text"])
def test_a_broken_invoice_is_caught(store, change, expected):  # noqa: F811
    payload = an_invoice(store)
    change(payload)
    assert expected in problems("sales-invoice", payload)


def test_a_payment_method_outside_accurates_enum_is_caught(store):  # noqa: F811
    payload = documents.sales_receipt(store, receipt_for("cash"), "INV-7-1", "INV-7")
    payload["paymentMethod"] = "E_WALLET"
    [problem, *_] = problems("sales-receipt", payload)
    assert problem.startswith('Field paymentMethod "E_WALLET" tidak valid')


def test_the_limits_in_words_are_made_checkable():
    validator = schema._validator("sales-invoice", "save")
    line = validator.schema["properties"]["detailItem"]["items"]
    assert line["properties"]["unitPrice"]["x-amount"] is True
    assert set(line["required"]) >= {"itemNo", "unitPrice"}
    assert validator.schema["properties"]["transDate"]["x-date"] is True
    assert validator.schema["additionalProperties"] is False
    # the documented deviation: Accurate's own samples omit these
    assert "detailExpense" not in validator.schema["required"]


def test_an_edit_need_not_repeat_what_accurate_has_but_is_checked_all_the_same():
    assert schema.body_problems("sales-invoice", "save", {"id": 5, "description": "x"}) == []
    assert schema.body_problems("sales-invoice", "save", {"id": 5, "descripton": "x"}) == [
        "Field descripton tidak dikenal"]
