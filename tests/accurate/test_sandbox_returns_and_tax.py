"""The sandbox's tax (tax/list.do, taxable, inclusiveTax, useTax1), other costs on invoices
(detailExpense) and sales returns against an invoice, in rupiah. Every body here is valid
against Accurate's request schema."""

import pytest

from isacc.accurate.errors import FinalError
from tests.accurate.test_sandbox_edits_and_deletes import (
    DAY,
    SHOP,
    invoice_of,
    receipt,
    sale,
    stock,
)
from tests.conftest import SandboxServer


@pytest.fixture
def sandbox(tmp_path):
    """Without Accurate's rate limit: these tests check amounts, not pacing."""
    server = SandboxServer(tmp_path / "sandbox", {"RATE_PER_SECOND": 10_000,
                                                  "MAX_IN_FLIGHT": 100})
    yield server
    server.stop()


def add_item(client, no: str, tax: str | None = None) -> None:
    client.save("item", {"no": no, "name": no, "itemType": "INVENTORY",
                         **({"tax1Name": tax} if tax else {}), "detailOpenBalance": [
                             {"quantity": 20, "unitCost": 5000, "warehouseName": "Gudang Kemang",
                              "asOf": DAY}]})


@pytest.fixture
def shop(person):
    add_item(person, "K-1", "PPN 11%")  # coffee beans, with PPN
    add_item(person, "N-1", "PB1 10%")  # a restaurant's dish, with PB1
    add_item(person, "R-1")  # untaxed
    return person


def give_back(invoice: dict, lines: list[tuple[str, float, float]], **header) -> dict:
    return {"customerNo": invoice["customerNo"], "transDate": DAY, **SHOP,
            "returnType": "INVOICE", "invoiceNumber": invoice["number"], "taxDate": DAY,
            "taxNumber": "", "detailExpense": [], "detailItem": [
                {"itemNo": no, "quantity": quantity, "unitPrice": price}
                for no, quantity, price in lines], **header}


def test_the_database_has_ppn_and_pb1(shop):
    # tax/list.do takes no `fields` in Accurate's spec: it lists ids, detail.do the rest.
    ids = [row["id"] for row in shop.call("tax", "list", params={"sp.pageSize": 100})["d"]]
    taxes = {tax["description"]: tax for tax in (shop.detail("tax", id=i) for i in ids)}
    assert {name: (tax["rate"], tax["taxType"]) for name, tax in taxes.items()} == {
        "PPN 11%": (11, "PPN"), "PB1 10%": (10, "PPN")}
    assert taxes["PB1 10%"]["salesTaxGlAccountNo"] == "2-20502"


def test_exclusive_ppn_is_added_to_the_total(shop):
    saved = shop.save("sales-invoice", sale([("K-1", 2, 15000)], taxable=True,
                                            inclusiveTax=False))
    assert saved["detailItem"][0]["totalPrice"] == 30000
    [ppn] = saved["detailTax"]
    assert (ppn["taxName"], ppn["taxableAmount"], ppn["taxAmount"]) == ("PPN 11%", 30000, 3300)
    assert saved["totalAmount"] == saved["outstanding"] == 33300


def test_inclusive_pb1_is_inside_the_prices_and_costs_are_added(shop):
    saved = shop.save("sales-invoice", sale(
        [("N-1", 3, 25000)], taxable=True, inclusiveTax=True, detailExpense=[
            {"accountNo": "4-40200", "expenseAmount": 3750, "expenseName": "Service charge"},
            {"accountNo": "7-70100", "expenseAmount": -50, "expenseName": "Pembulatan"}]))
    [pb1] = saved["detailTax"]
    # 75,000 with 10 % inside: 6,818.18 tax, rounded to the rupiah; the rest is the base.
    assert (pb1["taxName"], pb1["taxAmount"], pb1["taxableAmount"]) == ("PB1 10%", 6818, 68182)
    assert saved["totalExpense"] == 3700
    assert saved["totalAmount"] == 78700


def test_an_untaxed_document_pays_no_tax_and_use_tax1_overrides_the_item(shop):
    untaxed = shop.save("sales-invoice", sale([("K-1", 1, 10000)]))
    assert (untaxed["detailTax"], untaxed["totalAmount"]) == ([], 10000)
    lines = sale([("K-1", 1, 10000), ("R-1", 1, 10000)], taxable=True)
    lines["detailItem"][0]["useTax1"] = False  # the coffee, exempt this once
    lines["detailItem"][1]["useTax1"] = True  # the bread has no tax: the default PPN
    saved = shop.save("sales-invoice", lines)
    [ppn] = saved["detailTax"]
    assert (ppn["taxName"], ppn["taxableAmount"], ppn["taxAmount"]) == ("PPN 11%", 10000, 1100)
    assert saved["totalAmount"] == 21100


def test_tax_is_rounded_half_up_to_the_rupiah(shop):
    saved = shop.save("sales-invoice", sale([("K-1", 1, 150)], taxable=True))
    assert saved["detailTax"][0]["taxAmount"] == 17  # 16.5: half up, not half to even
    assert saved["totalAmount"] == 167


def test_the_cash_discount_lowers_the_taxed_lines_in_proportion(shop):
    saved = shop.save("sales-invoice", sale([("K-1", 1, 10000), ("R-1", 1, 10000)],
                                            taxable=True, cashDiscount=2000))
    [ppn] = saved["detailTax"]
    assert (ppn["taxableAmount"], ppn["taxAmount"]) == (9000, 990)
    assert saved["totalAmount"] == 18990


def test_a_return_brings_stock_back_and_lowers_what_the_invoice_owes(shop):
    invoice = shop.save("sales-invoice", sale([("R-1", 4, 15000)]))
    shop.save("sales-receipt", receipt(invoice["number"], 20000))
    assert stock(shop, "R-1") == 16
    first = shop.save("sales-return", give_back(invoice, [("R-1", 1, 15000)]))
    assert (first["totalAmount"], first["returnAmount"], first["creditAmount"]) == (15000,
                                                                                     15000, 0)
    assert invoice_of(shop, invoice["number"])["outstanding"] == 25000
    assert stock(shop, "R-1") == 17  # back into the warehouse the invoice sold from
    # The rest of the goods come back: the invoice owes nothing, the customer has credit.
    second = shop.save("sales-return", give_back(invoice, [("R-1", 3, 15000)]))
    assert (second["returnAmount"], second["creditAmount"]) == (25000, 20000)
    assert invoice_of(shop, invoice["number"])["outstanding"] == 0
    with pytest.raises(FinalError) as refused:
        shop.save("sales-return", give_back(invoice, [("R-1", 1, 15000)]))
    assert "melebihi sisa kuantitas faktur (0)" in refused.value.messages[0]
    with pytest.raises(FinalError) as in_use:
        shop.delete("sales-invoice", id=invoice["id"])
    assert "sudah digunakan" in in_use.value.messages[0]
    assert [row["number"] for row in shop.list("sales-return", fields="id,number")] == [
        first["number"], second["number"]]
    assert shop.detail("sales-return", id=first["id"])["invoiceNumber"] == invoice["number"]
    shop.delete("sales-return", id=second["id"])
    assert invoice_of(shop, invoice["number"])["outstanding"] == 25000
    assert stock(shop, "R-1") == 17


def test_a_return_of_taxed_goods_takes_the_tax_back_too(shop):
    invoice = shop.save("sales-invoice", sale([("K-1", 2, 15000)], taxable=True))
    back = shop.save("sales-return", give_back(invoice, [("K-1", 1, 15000)]))
    assert back["detailTax"][0]["taxAmount"] == 1650 and back["totalAmount"] == 16650
    assert invoice_of(shop, invoice["number"])["outstanding"] == 16650


def test_an_edited_return_moves_owing_and_stock_by_the_difference(shop):
    invoice = shop.save("sales-invoice", sale([("R-1", 4, 10000)]))
    back = shop.save("sales-return", give_back(invoice, [("R-1", 1, 10000)]))
    [line] = back["detailItem"]
    edited = shop.save("sales-return", {**give_back(invoice, []), "id": back["id"],
                                        "detailItem": [{"id": line["id"], "itemNo": "R-1",
                                                        "quantity": 3, "unitPrice": 10000}]})
    assert edited["totalAmount"] == 30000
    assert invoice_of(shop, invoice["number"])["outstanding"] == 10000
    assert stock(shop, "R-1") == 19


def test_returns_are_refused_for_what_the_invoice_did_not_sell(shop):
    invoice = shop.save("sales-invoice", sale([("R-1", 1, 10000)]))
    shop.save("customer", {"customerNo": "C-9", "name": "Lain", "transDate": DAY})
    results = shop.bulk_save("sales-return", [
        give_back(invoice, [("K-1", 1, 10000)]),
        give_back(invoice, [("R-1", 1, 10000)], customerNo="C-9"),
        give_back(invoice, [("R-1", 1, 10000)], invoiceNumber="SI-NONE"),
        give_back(invoice, [("R-1", 1, 10000)], returnType="DELIVERY"),
        give_back(invoice, [("R-1", 1, 10000)]),
    ])
    assert [str(r.messages[0]) if isinstance(r, FinalError) else "saved" for r in results] == [
        f'Barang "K-1" tidak ada di Faktur Penjualan "{invoice["number"]}"',
        f'Faktur Penjualan "{invoice["number"]}" bukan milik pelanggan "C-9"',
        'Faktur Penjualan "SI-NONE" tidak ditemukan',
        'Sandbox: retur jenis "DELIVERY" tidak diemulasikan, gunakan INVOICE atau NO_INVOICE',
        "saved"]
