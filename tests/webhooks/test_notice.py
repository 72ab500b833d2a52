"""iSeller hears of every stock change Accurate made, signed like the inbound API; a notice
iSeller did not accept is sent again, never lost."""

import hashlib
import hmac
import time
from datetime import timedelta

from isacc.extensions import db
from isacc.models import Status
from isacc.models.base import utcnow
from isacc.webhooks import schedule
from tests.webhooks.conftest import work


def verify(store, headers: dict, body: bytes) -> None:
    """The check iSeller makes, from the documentation alone: HMAC-SHA256 with the store's key
    over "<timestamp>.<body>", a fresh timestamp, and this store named."""
    assert headers["X-Isacc-Store"] == store.iseller_id
    stamp = headers["X-Isacc-Timestamp"]
    assert abs(time.time() - int(stamp)) < 60
    mac = hmac.new(store.inbound_key.encode(), stamp.encode() + b"." + body, hashlib.sha256)
    assert headers["X-Isacc-Signature"] == f"sha256={mac.hexdigest()}"


def test_the_stock_change_reaches_iseller_with_a_valid_signature(webshop, receiver):
    webshop.product("K-1")
    webshop.purchase(quantity=12)
    webshop.wait_for_rows(1)
    work()
    [(headers, body)] = receiver.requests
    verify(webshop.store, headers, body)
    [notice] = receiver.bodies()
    [row] = webshop.rows()
    assert notice["event_id"] == f"accurate-webhook-{row.id}"
    assert notice["type"] == "PURCHASE_INVOICE" and notice["accurate_number"] == row.accurate_number
    assert notice["changes"] == [{"outlet_id": "OUT-1", "product_id": "p-K-1", "sku": "K-1",
                                  "on_hand_change": "12", "incoming_change": "0",
                                  "on_hand": "12", "incoming": "0"}]
    assert row.notified_at is not None and row.notice_due_at is None


def test_a_notice_iseller_refused_is_sent_again_by_the_tick(webshop, receiver):
    webshop.product("K-1")
    receiver.statuses = [503]
    webshop.purchase(quantity=3)
    webshop.wait_for_rows(1)
    work()
    [row] = webshop.rows()
    assert row.status == Status.SUCCESS and webshop.stock("K-1") == (3, 0)
    assert row.notice_attempts == 1 and row.notified_at is None
    assert row.reason.startswith("iSeller has not accepted this stock change yet (iSeller "
                                 "answered HTTP 503)")
    assert schedule.stores_due(utcnow()) == set()  # backing off
    later = row.notice_due_at + timedelta(seconds=1)
    assert schedule.stores_due(later) == {webshop.store.id}
    row.notice_due_at = utcnow() - timedelta(seconds=1)  # the backoff has passed
    db.session.commit()
    assert schedule.tick()["lanes"] == 1
    work()
    [row] = webshop.rows("PURCHASE_INVOICE")
    assert row.notice_attempts == 2 and row.notified_at is not None and row.reason is None
    first, second = receiver.requests
    assert first[1] == second[1]  # the same notice; iSeller knows it by its event_id
    verify(webshop.store, *second)
    assert webshop.stock("K-1") == (3, 0)
