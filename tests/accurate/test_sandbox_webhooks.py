"""The sandbox sends a notice of every type its documents can produce: WRITE on save and on
edit, DELETE on delete, each kept for webhook-history.do. Every body here is valid against
Accurate's request schema."""

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests

from isacc.accurate import account
from tests.accurate.test_sandbox_edits_and_deletes import DAY, SHOP, add_item, receipt, sale
from tests.accurate.test_sandbox_purchases_and_import import Receiver
from tests.conftest import SandboxServer

STAMP = "%d/%m/%Y %H:%M:%S"


@pytest.fixture
def sandbox(tmp_path):
    server = SandboxServer(tmp_path / "sandbox", {"RATE_PER_SECOND": 10_000,
                                                  "MAX_IN_FLIGHT": 100})
    yield server
    server.stop()


@pytest.fixture
def receiver(sandbox):
    receiver = Receiver()
    sandbox.admin("webhook", {"url": receiver.url})
    yield receiver
    receiver.server.shutdown()


def documents(client) -> dict[str, tuple[str, dict]]:
    """module -> (its event type, a body that saves one)."""
    invoice = client.save("sales-invoice", sale([("K-1", 2, 10000)]))
    sent = client.save("item-transfer", {
        "transDate": DAY, **SHOP, "itemTransferType": "TRANSFER_OUT",
        "warehouseName": "Gudang Kemang", "referenceWarehouseName": "Gudang Senopati",
        "detailItem": [{"itemNo": "K-1", "quantity": 1}]})
    purchase = {"vendorNo": "V-001", "transDate": DAY, **SHOP, "detailItem": [
        {"itemNo": "K-1", "quantity": 3, "unitPrice": 9000, "warehouseName": "Gudang Kemang"}]}
    return {
        "customer": ("CUSTOMER", {"name": "Andi", "transDate": DAY}),
        "warehouse": ("WAREHOUSE", {"name": "Gudang Baru"}),
        "glaccount": ("GLACCOUNT", {"no": "1-10199", "name": "Bank BRI",
                                    "accountType": "CASH_BANK", "asOf": DAY,
                                    "currencyCode": "IDR"}),
        "item": ("ITEM", {"no": "T-1", "name": "Teh", "itemType": "INVENTORY"}),
        "sales-invoice": ("SALES_INVOICE", sale([("K-1", 1, 10000)])),
        "sales-receipt": ("SALES_RECEIPT", receipt(invoice["number"], 5000)),
        "sales-return": ("SALES_RETURN", {
            "customerNo": "WALKIN", "transDate": DAY, **SHOP, "returnType": "INVOICE",
            "invoiceNumber": invoice["number"], "taxDate": DAY, "taxNumber": "",
            "detailExpense": [], "detailItem": [{"itemNo": "K-1", "quantity": 1,
                                                 "unitPrice": 10000}]}),
        "item-adjustment": ("ITEM_ADJUSTMENT", {
            "transDate": DAY, **SHOP, "adjustmentAccountNo": "6-60301", "detailItem": [
                {"itemNo": "K-1", "itemAdjustmentType": "ADJUSTMENT_IN", "quantity": 1,
                 "unitCost": 5000, "warehouseName": "Gudang Kemang"}]}),
        "item-transfer": ("ITEM_TRANSFER", {
            "transDate": DAY, **SHOP, "itemTransferType": "TRANSFER_IN",
            "fromItemTransferNo": sent["number"], "warehouseName": "Gudang Senopati",
            "referenceWarehouseName": "Gudang Kemang",
            "detailItem": [{"itemNo": "K-1", "quantity": 1}]}),
        "purchase-order": ("PURCHASE_ORDER", {**purchase, "detailItem": [
            {"itemNo": "K-1", "quantity": 3, "unitPrice": 9000}]}),
        "receive-item": ("RECEIVE_ITEM", {**purchase, "receiveNumber": "SJ-7"}),
        "purchase-invoice": ("PURCHASE_INVOICE", purchase),
    }


def again(body: dict, saved: dict) -> dict:
    """An edit that changes nothing: the same body, its lines naming the stored ones."""
    edit = {**body, "id": saved["id"]}
    for field, lines in body.items():
        if isinstance(lines, list) and lines and isinstance(saved.get(field), list):
            edit[field] = [{**line, "id": stored["id"]}
                           for line, stored in zip(lines, saved[field], strict=True)]
    return edit


def names(module: str, record: dict) -> dict:
    """How a notice's entry names the document (accurate-api.md 9.5)."""
    from isacc.sandbox.settings import WEBHOOK_EVENTS

    _, entity, label, field = WEBHOOK_EVENTS[module]
    return {f"{entity}Id": record["id"], f"{entity}{label}": record[field]}


def test_every_type_fires_on_save_edit_and_delete_and_history_keeps_them(
        sandbox, person, receiver):
    add_item(person, "K-1")
    bodies = documents(person)
    start = len(sandbox.admin("webhook/notices"))  # K-1, the invoice and the transfer out
    for module, (kind, body) in bodies.items():
        saved = person.save(module, body)
        edited = person.save(module, again(body, saved))
        person.delete(module, id=saved["id"])
        # In the order they were made (each is POSTed by its own thread, as they come).
        notices = sandbox.admin("webhook/notices")[start:]
        start += 3
        assert [n["type"] for n in notices] == [kind] * 3, module
        assert [n["data"] for n in notices] == [
            [{**names(module, saved), "action": "WRITE"}],
            [{**names(module, edited), "action": "WRITE"}],
            [{**names(module, saved), "action": "DELETE"}]], module
        assert all(n["databaseId"] == 101 for n in notices)
    made = sandbox.admin("webhook/notices")
    assert {n["uuid"] for [n] in receiver.wait(len(made))} == {n["uuid"] for n in made}
    now = datetime.now(ZoneInfo("Asia/Jakarta"))
    config = {"ACCURATE_ACCOUNT_URL": sandbox.url}
    history = account._get(config, "/api/webhook-history.do", person.access.access_token, {
        "from": (now - timedelta(hours=1)).strftime(STAMP),
        "to": (now + timedelta(minutes=1)).strftime(STAMP)})["d"]
    assert [n["uuid"] for n in history] == [n["uuid"] for n in made]
    assert {kind for kind, _ in bodies.values()} <= {n["type"] for n in history}


def test_a_refused_delete_sends_no_notice(sandbox, person, receiver):
    add_item(person, "K-1")
    invoice = person.save("sales-invoice", sale([("K-1", 2, 10000)]))
    person.save("sales-receipt", receipt(invoice["number"], 5000))
    before = len(sandbox.admin("webhook/notices"))
    with pytest.raises(Exception, match="sudah digunakan"):
        person.delete("sales-invoice", id=invoice["id"])
    assert len(sandbox.admin("webhook/notices")) == before


def delivery(sandbox, notice_uuid: str) -> str:
    """What became of the notice, once its POST (in the background) came back."""
    for _ in range(100):
        outcome = next(n["delivery"] for n in sandbox.admin("webhook/notices")
                       if n["uuid"] == notice_uuid)
        if outcome != "sending":
            return outcome
        time.sleep(0.05)
    raise AssertionError("the notice's POST never came back")


def test_a_webhook_lapses_7_days_after_its_last_renewal_until_renewed_again(
        sandbox, person, receiver):
    config = {"ACCURATE_ACCOUNT_URL": sandbox.url}
    token = person.access.access_token
    sandbox.admin("clock", {"at": "01/12/2026 09:00:00"})
    sandbox.admin("webhook", {"url": receiver.url})  # set up now: active until 08/12 09:00
    assert sandbox.admin("webhook")["expires"] == "08/12/2026 09:00:00"
    sandbox.admin("clock", {"advance_days": 6})
    person.save("customer", {"name": "Hari Enam", "transDate": DAY})
    [[sixth]] = receiver.wait(1)
    assert sixth["timestamp"].startswith("07/12/2026 09:00")  # stamped by the sandbox's clock
    sandbox.admin("clock", {"advance_days": 2})
    person.save("customer", {"name": "Hari Delapan", "transDate": DAY})
    assert sandbox.admin("webhook")["active"] is False
    kept = sandbox.admin("webhook/notices")[-1]
    assert kept["data"][0]["customerNo"] and delivery(sandbox, kept["uuid"]) == \
        "not sent: the webhook lapsed"
    sandbox.admin("webhook/redeliver", {"uuid": kept["uuid"]})  # Accurate would not either
    assert delivery(sandbox, kept["uuid"]) == "not sent: the webhook lapsed"
    history = account._get(config, "/api/webhook-history.do", token, {
        "from": "09/12/2026 00:00:00", "to": "09/12/2026 23:59:59"})["d"]
    assert [n["uuid"] for n in history] == [kept["uuid"]]  # history keeps what happened
    renewed = account._get(config, "/api/webhook-renew.do", token, {})
    assert renewed == {"s": True, "d": "16/12/2026"}
    person.save("customer", {"name": "Sesudah Diperpanjang", "transDate": DAY})
    [[after]] = receiver.wait(2)[1:]
    assert after["type"] == "CUSTOMER" and after["uuid"] != kept["uuid"]
    assert len(receiver.bodies) == 2
    assert delivery(sandbox, after["uuid"]) == "delivered"


def test_the_clock_moves_only_as_told(sandbox):
    assert sandbox.admin("clock")["offset_seconds"] == 0
    assert sandbox.admin("clock", {"advance_seconds": 90})["offset_seconds"] == 90
    assert sandbox.admin("clock", {"at": "31/01/2027 23:00:00"})["now"].startswith(
        "31/01/2027 23:00")
    assert sandbox.admin("clock", {"reset": True})["offset_seconds"] == 0
    for wrong in ({}, {"advance_days": "8"}, {"at": "2027-01-31"}, {"later": 1},
                  {"advance_days": 1, "reset": True}):
        answer = requests.post(f"{sandbox.url}/sandbox/admin/clock", json=wrong, timeout=5)
        assert answer.status_code == 400 and answer.json()["error"], wrong
