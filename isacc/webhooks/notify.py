"""Telling iSeller that Accurate changed an outlet's stock, so the point of sale shows it too.

A notice per webhook row, written in the same transaction as the stock change and signed like
the inbound API (isacc/inbound/signing.py: X-Isacc-Store, X-Isacc-Timestamp and an HMAC-SHA256
X-Isacc-Signature with the store's key). It is sent until iSeller answers 2xx, backing off up
to an hour between tries; its `event_id` lets iSeller ignore a notice it already has.
"""

import json
from datetime import datetime, timedelta
from decimal import Decimal

import requests
from flask import current_app

from isacc.extensions import db
from isacc.inbound.signing import signed_headers
from isacc.models import Outlet, Product, Store, WebhookLog
from isacc.models.base import utcnow
from isacc.reasons import Said, say, tell

TIMEOUT = (5, 15)
# A minute after the first refusal, doubling up to an hour: iSeller being down for a while
# is expected, and the notice keeps until it is back.
FIRST_RETRY_SECONDS, RETRY_CAP_SECONDS = 60, 3600
NOT_TOLD = say("iSeller has not accepted this stock change yet (%(problem)s); isacc tells it "
               "again by itself.")


def _quantity(value) -> str:
    """12, 2.5, -3: as iSeller reads quantities, without our column's trailing zeros."""
    return f"{Decimal(str(value)).normalize():f}"


def build(store: Store, row_id: int, event_type: str, number: str | None, event_at: datetime,
          moved: list) -> dict | None:
    """The notice for stock moves (product, outlet, on-hand change, incoming change, on hand,
    incoming); None when nothing moved or no iSeller URL is configured."""
    if not moved or not current_app.config.get("ISELLER_NOTIFY_URL"):
        return None
    products = {p.id: p for p in db.session.scalars(
        db.select(Product).where(Product.id.in_({m[0] for m in moved})))}
    outlets = {o.id: o for o in db.session.scalars(
        db.select(Outlet).where(Outlet.id.in_({m[1] for m in moved})))}
    return {
        "event_id": f"accurate-webhook-{row_id}",
        "store_id": store.iseller_id,
        "type": event_type,
        "accurate_number": number,
        "occurred_at": event_at.isoformat(),
        "changes": [{
            "outlet_id": outlets[outlet].iseller_id, "product_id": products[product].iseller_id,
            "sku": products[product].sku, "on_hand_change": _quantity(on_hand_change),
            "incoming_change": _quantity(incoming_change), "on_hand": _quantity(on_hand),
            "incoming": _quantity(incoming),
        } for product, outlet, on_hand_change, incoming_change, on_hand, incoming in moved],
    }


def _says_not_told(row: WebhookLog) -> bool:
    return Said.from_json((row.wording or {}).get("reason")).says(NOT_TOLD)


def send_notice(row_id: int) -> bool:
    """Send a row's owed notice; True once iSeller has it (or nothing is owed)."""
    row = db.session.get(WebhookLog, row_id)
    if row is None or row.notice is None or row.notice_due_at is None:
        return True
    body = json.dumps(row.notice, separators=(",", ":")).encode()
    try:
        answer = requests.post(current_app.config["ISELLER_NOTIFY_URL"], data=body,
                               headers=signed_headers(row.store, body), timeout=TIMEOUT)
        problem = None if answer.ok else say("iSeller answered HTTP %(status)s",
                                              status=answer.status_code)
    except requests.RequestException as error:
        problem = say("iSeller could not be reached (%(error)s)", error=type(error).__name__)
    row.notice_attempts += 1
    if problem is None:
        row.notified_at, row.notice_due_at = utcnow(), None
        if _says_not_told(row):
            tell(row, None)
    else:
        doublings = min(row.notice_attempts - 1, 6)
        wait = min(RETRY_CAP_SECONDS, FIRST_RETRY_SECONDS * 2 ** doublings)
        row.notice_due_at = utcnow() + timedelta(seconds=wait)
        if not row.reason or _says_not_told(row):
            tell(row, NOT_TOLD.filled(problem=problem))
    db.session.commit()
    return problem is None
