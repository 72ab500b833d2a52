"""The endpoint answers at once and stores a row per document event; anything it cannot
trust is refused with a 4xx that says why, and leaves no row."""

import json
from datetime import timedelta
from unittest.mock import patch

import pytest
from sqlalchemy import update

from isacc.accurate import account
from isacc.crypto import digest
from isacc.extensions import db
from isacc.inbound import signing
from isacc.models import Store, WebhookLog
from isacc.models.base import utcnow
from isacc.webhooks.catch_up import catch_up
from tests.accurate.conftest import DATABASE


def envelope(**fields) -> dict:
    return {"databaseId": DATABASE, "type": "PURCHASE_INVOICE", "uuid": "u-1",
            "timestamp": "25/11/2026 10:15:00",
            "data": [{"purchaseInvoiceId": 7, "purchaseInvoiceNo": "PI.1", "action": "WRITE"}],
            **fields}


def post(client, token: str, body) -> tuple[int, dict]:
    answer = client.post(f"/webhooks/accurate/{token}", data=json.dumps(body),
                         content_type="application/json")
    return answer.status_code, answer.get_json()


def count_rows() -> int:
    db.session.expire_all()
    return db.session.scalar(db.select(db.func.count(WebhookLog.id)))


def test_an_array_or_a_single_envelope_is_stored_once_per_document_event(client, webshop):
    token = webshop.store.webhook_token
    status, body = post(client, token, [envelope()])
    assert (status, body["recorded"]) == (200, 1)
    status, body = post(client, token, envelope())  # the same notice, as one object
    assert (status, body["recorded"], body["repeated"]) == (200, 0, 1)
    [row] = webshop.rows()
    assert (row.event_type, row.accurate_id, row.accurate_number) == ("PURCHASE_INVOICE", 7,
                                                                      "PI.1")
    assert row.status == "pending" and row.event_at.isoformat() == "2026-11-25T03:15:00+00:00"


def test_events_that_do_not_change_stock_are_acknowledged_and_not_stored(client, webshop):
    status, body = post(client, webshop.store.webhook_token, [envelope(
        type="CUSTOMER", data=[{"customerId": 3, "customerNo": "C-3", "action": "WRITE"}])])
    assert (status, body["recorded"]) == (200, 0)
    assert count_rows() == 0


def test_a_forged_token_is_refused_and_leaves_no_row(client, webshop):
    status, body = post(client, webshop.store.webhook_token + "x", [envelope()])
    assert status == 401 and "unknown webhook token" in body["error"]
    assert count_rows() == 0


def test_a_store_is_found_by_its_token_digest_and_older_stores_get_theirs(client, webshop):
    store = webshop.store
    assert store.webhook_token_digest == digest(store.webhook_token)
    # A store made before digests existed: found all the same, and given its digest.
    db.session.execute(update(Store).where(Store.id == store.id)
                       .values(webhook_token_digest=None))
    db.session.commit()
    status, body = post(client, store.webhook_token, [envelope()])
    assert (status, body["recorded"]) == (200, 1)
    db.session.expire_all()
    assert db.session.get(Store, store.id).webhook_token_digest == digest(store.webhook_token)
    # A token whose digest matches nothing is refused without decrypting any store's token.
    with patch("isacc.crypto.decrypt", side_effect=AssertionError("decrypted")):
        db.session.expire_all()
        status, _ = post(client, "not-a-token", [envelope()])
    assert status == 401


def test_a_notice_of_another_database_is_refused_and_leaves_no_row(client, webshop):
    status, body = post(client, webshop.store.webhook_token,
                        [envelope(), envelope(databaseId=102, uuid="u-2")])
    assert status == 403 and "database 102 is not the database" in body["error"]
    assert count_rows() == 0


def test_a_store_without_accurate_refuses_its_webhooks(client, app):
    from tests.conftest import make_store

    store = make_store("Belum Terhubung")
    db.session.commit()
    status, body = post(client, store.webhook_token, [envelope()])
    assert status == 403 and "not connected" in body["error"]
    assert count_rows() == 0


def test_a_malformed_body_is_refused_with_what_is_wrong(client, webshop):
    token = webshop.store.webhook_token
    answer = client.post(f"/webhooks/accurate/{token}", data=b"{not json",
                         content_type="application/json")
    assert answer.status_code == 400 and "not valid JSON" in answer.get_json()["error"]
    for body, words in [
        ([], "empty array"),
        ([envelope(databaseId="101")], "databaseId must be a number"),
        ([envelope(timestamp="2026-11-25T10:15:00")], "dd/MM/yyyy HH:mm:ss"),
        ([envelope(data=[{"purchaseInvoiceNo": "PI.1"}])], "purchaseInvoiceId"),
        ([envelope(data=[{"purchaseInvoiceId": 7, "action": "EDIT"}])], "WRITE or DELETE"),
    ]:
        status, answer = post(client, token, body)
        assert status == 400 and words in answer["error"], (body, answer)
    assert count_rows() == 0


def test_the_sandbox_notices_of_sales_customers_and_adjustments_are_acknowledged(webshop):
    """Every type Accurate sends reaches isacc; those that change no iSeller stock are
    answered 200 and stored nowhere."""
    accurate = webshop.sandbox_client()
    day = webshop.today
    accurate.save("customer", {"name": "Andi", "transDate": day})
    invoice = accurate.save("sales-invoice", {
        "customerNo": "WALKIN", "transDate": day, "branchName": "Jakarta",
        "detailDownPayment": [], "detailExpense": [], "detailItem": [
            {"itemNo": "K-1", "quantity": 1, "unitPrice": 25000,
             "warehouseName": "Gudang Kemang"}]})
    accurate.save("sales-receipt", {
        "customerNo": "WALKIN", "transDate": day, "branchName": "Jakarta",
        "bankNo": "1-10001", "chequeAmount": 25000, "paymentMethod": "CASH_OTHER",
        "detailInvoice": [{"invoiceNo": invoice["number"], "paymentAmount": 25000}]})
    accurate.save("item-adjustment", {
        "transDate": day, "branchName": "Jakarta", "adjustmentAccountNo": "6-60301",
        "detailItem": [{"itemNo": "K-1", "itemAdjustmentType": "ADJUSTMENT_OUT",
                        "quantity": 1, "unitCost": 0, "warehouseName": "Gudang Kemang"}]})
    answers = webshop.isacc.wait_for_answers(4)
    assert [(status, body["recorded"]) for status, body in answers] == [(200, 0)] * 4
    assert count_rows() == 0


# ---- the boundary (#15, finding 8) -------------------------------------------------------------

def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def test_a_request_with_an_unknown_token_is_refused_before_its_body_is_read(client, webshop):
    def unread(*args, **kwargs):
        raise AssertionError("the body of an unknown sender was read")

    with patch("flask.Request.get_data", unread):
        answer = client.post("/webhooks/accurate/not-a-token", data=nested(100_000),
                             content_type="application/json")
    assert answer.status_code == 401 and "unknown webhook token" in answer.get_json()["error"]


def test_a_body_nested_too_deeply_is_refused_with_a_400(client, webshop):
    answer = client.post(f"/webhooks/accurate/{webshop.store.webhook_token}",
                         data=nested(100_000), content_type="application/json")
    assert answer.status_code == 400 and "nests deeper" in answer.get_json()["error"]
    assert count_rows() == 0


def test_a_body_over_the_size_limit_is_refused_with_a_413_and_json(client, webshop, app):
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert limit, "no limit on request bodies"
    too_big = b"[" + b" " * limit + b"]"
    webhook = client.post(f"/webhooks/accurate/{webshop.store.webhook_token}", data=too_big,
                          content_type="application/json")
    inbound = client.post("/api/v1/sales-orders", data=too_big,
                          headers=signing.signed_headers(webshop.store, too_big))
    for answer in (webhook, inbound):
        assert answer.status_code == 413 and "larger than" in answer.get_json()["error"]
    assert count_rows() == 0


@pytest.mark.parametrize(("entry", "words"), [
    ({"purchaseInvoiceId": 2**31}, "purchaseInvoiceId"),
    ({"purchaseInvoiceId": 7, "purchaseInvoiceNo": "P" * 65}, "purchaseInvoiceNo"),
    ({"purchaseInvoiceId": 7, "purchaseInvoiceNo": "PI\u00001"}, "NUL"),
])
def test_a_notice_whose_values_do_not_fit_is_refused_with_a_400(client, webshop, entry,
                                                                  words):
    status, body = post(client, webshop.store.webhook_token, [envelope(data=[entry])])
    assert status == 400 and words in body["error"], body
    assert count_rows() == 0


# ---- the catch-up (#15, unproven) ---------------------------------------------------------------

def test_a_refused_envelope_in_the_history_does_not_stall_the_catch_up(webshop, monkeypatch):
    webshop.product("K-1")
    webshop.sandbox.admin("webhook", {"url": ""})  # the notice stays in Accurate's history
    webshop.purchase(quantity=3)
    real = account.webhook_history

    def with_a_refused_envelope(*args, **kwargs):
        return [envelope(timestamp="not a time", uuid="bad")] + (real(*args, **kwargs) or [])

    monkeypatch.setattr(account, "webhook_history", with_a_refused_envelope)
    before = utcnow()
    assert catch_up(webshop.store) >= 1
    assert [row.event_type for row in webshop.rows("PURCHASE_INVOICE")] == ["PURCHASE_INVOICE"]
    db.session.expire_all()
    assert webshop.store.accurate.webhook_history_until >= before - timedelta(seconds=1)
