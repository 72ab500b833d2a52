"""The sandbox edits (save.do with id) and deletes documents as Accurate does: an edit is
checked like a save and moves totals, what is owed and stock by the difference; a delete
undoes what the document did. Every body here is valid against Accurate's request schema."""

import pytest

from isacc.accurate.errors import FinalError
from tests.conftest import SandboxServer

DAY = "24/11/2026"
SHOP = {"branchName": "Jakarta"}


def stock(client, item_no: str, warehouse: str = "Gudang Kemang") -> float:
    rows = client.detail("item", no=item_no)["detailWarehouseData"]
    return sum(row["balance"] for row in rows if row["name"] == warehouse)


def add_item(client, no: str, quantity: float = 20) -> None:
    client.save("item", {"no": no, "name": no, "itemType": "INVENTORY", "detailOpenBalance": [
        {"quantity": quantity, "unitCost": 5000, "warehouseName": "Gudang Kemang",
         "asOf": DAY}]})


def sale(lines: list[tuple[str, float, float]], **header) -> dict:
    return {"customerNo": "WALKIN", "transDate": DAY, **SHOP, "detailDownPayment": [],
            "detailExpense": [], "detailItem": [
                {"itemNo": no, "quantity": quantity, "unitPrice": price,
                 "warehouseName": "Gudang Kemang"} for no, quantity, price in lines], **header}


def receipt(invoice_no: str, amount: float, **header) -> dict:
    return {"customerNo": "WALKIN", "transDate": DAY, **SHOP, "bankNo": "1-10001",
            "chequeAmount": amount, "paymentMethod": "CASH_OTHER",
            "detailInvoice": [{"invoiceNo": invoice_no, "paymentAmount": amount}], **header}


def invoice_of(client, number: str) -> dict:
    return client.detail("sales-invoice", number=number)


@pytest.fixture
def sandbox(tmp_path):
    """Without Accurate's rate limit: these tests check documents, not pacing."""
    server = SandboxServer(tmp_path / "sandbox", {"RATE_PER_SECOND": 10_000,
                                                  "MAX_IN_FLIGHT": 100})
    yield server
    server.stop()


@pytest.fixture
def shop(person):
    for no in ("K-1", "R-1"):
        add_item(person, no)
    return person


def test_an_edit_moves_total_owing_and_stock_by_the_difference(shop):
    saved = shop.save("sales-invoice", sale([("K-1", 2, 15000)]))
    shop.save("sales-receipt", receipt(saved["number"], 10000))
    assert invoice_of(shop, saved["number"])["outstanding"] == 20000
    [line] = saved["detailItem"]
    edited = shop.save("sales-invoice", {**sale([]), "id": saved["id"], "detailItem": [
        {"id": line["id"], "itemNo": "K-1", "quantity": 5, "unitPrice": 15000},
        {"itemNo": "R-1", "quantity": 1, "unitPrice": 8000, "warehouseName": "Gudang Kemang"}]})
    assert edited["id"] == saved["id"] and edited["number"] == saved["number"]
    assert edited["totalAmount"] == 83000
    assert edited["outstanding"] == 73000  # the 10,000 received stays received
    assert [stock(shop, "K-1"), stock(shop, "R-1")] == [15, 19]
    assert len(list(shop.list("sales-invoice"))) == 1


def test_a_line_marked_delete_leaves_the_document_and_its_stock_returns(shop):
    saved = shop.save("sales-invoice", sale([("K-1", 2, 15000), ("R-1", 3, 8000)]))
    assert [stock(shop, "K-1"), stock(shop, "R-1")] == [18, 17]
    bread = next(line for line in saved["detailItem"] if line["itemNo"] == "R-1")
    edited = shop.save("sales-invoice", {**sale([]), "id": saved["id"], "detailItem": [
        {"id": bread["id"], "itemNo": "R-1", "_status": "delete"}]})
    assert [line["itemNo"] for line in edited["detailItem"]] == ["K-1"]
    assert edited["totalAmount"] == edited["outstanding"] == 30000
    assert [stock(shop, "K-1"), stock(shop, "R-1")] == [18, 20]


def test_an_edit_is_checked_like_a_save_and_changes_nothing_when_refused(shop):
    saved = shop.save("sales-invoice", sale([("K-1", 2, 15000)]))
    [line] = saved["detailItem"]
    with pytest.raises(FinalError) as refused:
        shop.save("sales-invoice", {**sale([]), "id": saved["id"], "customerNo": "NOBODY",
                                    "detailItem": [
            {"id": line["id"], "itemNo": "K-1", "quantity": 9, "unitPrice": 15000}]})
    assert 'Pelanggan "NOBODY" tidak ditemukan' in refused.value.messages
    with pytest.raises(FinalError) as unknown_line:
        shop.save("sales-invoice", {**sale([]), "id": saved["id"], "detailItem": [
            {"id": 999999, "itemNo": "K-1", "quantity": 1, "unitPrice": 1}]})
    assert "Rincian dengan id 999999 tidak ditemukan" in unknown_line.value.messages
    kept = invoice_of(shop, saved["number"])
    assert (kept["customerNo"], kept["totalAmount"], stock(shop, "K-1")) == ("WALKIN", 30000, 18)


def test_an_edit_cannot_bring_the_total_under_what_was_paid(shop):
    saved = shop.save("sales-invoice", sale([("K-1", 2, 15000)]))
    shop.save("sales-receipt", receipt(saved["number"], 30000))
    [line] = saved["detailItem"]
    with pytest.raises(FinalError) as refused:
        shop.save("sales-invoice", {**sale([]), "id": saved["id"], "detailItem": [
            {"id": line["id"], "itemNo": "K-1", "quantity": 1, "unitPrice": 15000}]})
    assert "lebih kecil dari yang sudah dibayar" in refused.value.messages[0]
    assert stock(shop, "K-1") == 18


def test_an_edited_receipt_is_checked_against_what_is_owed_without_itself(shop):
    saved = shop.save("sales-invoice", sale([("K-1", 2, 15000)]))
    paid = shop.save("sales-receipt", receipt(saved["number"], 10000))
    [line] = paid["detailInvoice"]
    shop.save("sales-receipt", {**receipt(saved["number"], 30000), "id": paid["id"],
                                "detailInvoice": [{"id": line["id"], "invoiceNo": saved["number"],
                                                   "paymentAmount": 30000}]})
    assert invoice_of(shop, saved["number"])["outstanding"] == 0
    with pytest.raises(FinalError) as refused:
        shop.save("sales-receipt", {**receipt(saved["number"], 30001), "id": paid["id"],
                                    "detailInvoice": [{"id": line["id"],
                                                       "invoiceNo": saved["number"],
                                                       "paymentAmount": 30001}]})
    assert "lebih besar dari sisa tagihan" in refused.value.messages[0]
    assert invoice_of(shop, saved["number"])["outstanding"] == 0


def test_a_purchase_invoice_edited_from_3_to_30_then_deleted_leaves_stock_as_before(shop):
    before = stock(shop, "K-1")
    header = {"vendorNo": "V-001", "transDate": DAY, **SHOP}
    bought = shop.save("purchase-invoice", {**header, "detailItem": [
        {"itemNo": "K-1", "quantity": 3, "unitPrice": 9000, "warehouseName": "Gudang Kemang"}]})
    assert stock(shop, "K-1") == before + 3
    [line] = bought["detailItem"]
    shop.save("purchase-invoice", {**header, "id": bought["id"], "detailItem": [
        {"id": line["id"], "itemNo": "K-1", "quantity": 30, "unitPrice": 9000}]})
    assert stock(shop, "K-1") == before + 30
    shop.delete("purchase-invoice", id=bought["id"])
    assert stock(shop, "K-1") == before
    with pytest.raises(FinalError):
        shop.detail("purchase-invoice", id=bought["id"])


def test_deleting_a_sale_returns_its_stock_and_a_receipt_its_owing(shop):
    saved = shop.save("sales-invoice", sale([("K-1", 4, 15000)]))
    paid = shop.save("sales-receipt", receipt(saved["number"], 25000))
    with pytest.raises(FinalError) as refused:
        shop.delete("sales-invoice", id=saved["id"])
    assert paid["number"] in refused.value.messages[0]
    shop.delete("sales-receipt", id=paid["id"])
    assert invoice_of(shop, saved["number"])["outstanding"] == 60000
    shop.delete("sales-invoice", id=saved["id"])
    assert stock(shop, "K-1") == 20


def test_deleting_adjustments_and_transfers_undoes_their_stock(shop):
    adjusted = shop.save("item-adjustment", {
        "transDate": DAY, **SHOP, "adjustmentAccountNo": "6-60301", "detailItem": [
            {"itemNo": "K-1", "itemAdjustmentType": "ADJUSTMENT_IN", "quantity": 5,
             "unitCost": 5000, "warehouseName": "Gudang Kemang"},
            {"itemNo": "R-1", "itemAdjustmentType": "ADJUSTMENT_OUT", "quantity": 2,
             "unitCost": 0, "warehouseName": "Gudang Kemang"}]})
    assert [stock(shop, "K-1"), stock(shop, "R-1")] == [25, 18]
    shop.delete("item-adjustment", id=adjusted["id"])
    assert [stock(shop, "K-1"), stock(shop, "R-1")] == [20, 20]

    sent = shop.save("item-transfer", {
        "transDate": DAY, **SHOP, "itemTransferType": "TRANSFER_OUT",
        "warehouseName": "Gudang Kemang", "referenceWarehouseName": "Gudang Senopati",
        "detailItem": [{"itemNo": "K-1", "quantity": 6}]})
    received = shop.save("item-transfer", {
        "transDate": DAY, **SHOP, "itemTransferType": "TRANSFER_IN",
        "fromItemTransferNo": sent["number"], "warehouseName": "Gudang Senopati",
        "referenceWarehouseName": "Gudang Kemang", "detailItem": [{"itemNo": "K-1",
                                                                   "quantity": 6}]})
    assert [stock(shop, "K-1"), stock(shop, "K-1", "Gudang Senopati")] == [14, 6]
    with pytest.raises(FinalError) as refused:
        shop.delete("item-transfer", id=sent["id"])
    assert "sudah diterima" in refused.value.messages[0]
    shop.delete("item-transfer", id=received["id"])
    assert shop.detail("item-transfer", id=sent["id"]).get("itemTransferOutStatus") is None
    shop.delete("item-transfer", id=sent["id"])
    assert [stock(shop, "K-1"), stock(shop, "K-1", "Gudang Senopati")] == [20, 0]


@pytest.mark.parametrize("module", ["other-deposit", "other-payment"])
def test_cash_in_and_out_can_be_edited_and_deleted(shop, module):
    header = {"transDate": DAY, **SHOP, "bankNo": "1-10001", "payee": "Kasir"}
    saved = shop.save(module, {**header, "detailAccount": [
        {"accountNo": "7-70000", "amount": 50000, "expenseName": "Modal kasir"}]})
    [line] = saved["detailAccount"]
    edited = shop.save(module, {**header, "id": saved["id"], "detailAccount": [
        {"id": line["id"], "accountNo": "7-70000", "amount": 75000,
         "expenseName": "Modal kasir"}]})
    assert [row["amount"] for row in edited["detailAccount"]] == [75000]
    shop.delete(module, id=saved["id"])
    assert list(shop.list(module)) == []
