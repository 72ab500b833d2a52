"""Telling iSeller that Accurate changed an outlet's stock, so the point of sale shows it too.

A notice per webhook row, written in the same transaction as the stock change and signed like
the inbound API (isacc/inbound/signing.py: X-Isacc-Store, X-Isacc-Timestamp and an HMAC-SHA256
X-Isacc-Signature with the store's key). It is sent until iSeller answers 2xx, backing off up
to an hour between tries; its `event_id` lets iSeller ignore a notice it already has.
"""

import json
from datetime import datetime, timedelta

import requests
from flask import current_app

from isacc.accurate.client import backoff
from isacc.extensions import db
from isacc.inbound.signing import signed_headers
from isacc.models import Outlet, Product, Store, WebhookLog
from isacc.models.base import utcnow

TIMEOUT = (5, 15)
RETRY_CAP_SECONDS = 3600
NOT_TOLD = "iSeller has not accepted this stock change yet"


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
            "sku": products[product].sku, "on_hand_change": str(on_hand_change),
            "incoming_change": str(incoming_change), "on_hand": str(on_hand),
            "incoming": str(incoming),
        } for product, outlet, on_hand_change, incoming_change, on_hand, incoming in moved],
    }


def send_notice(row_id: int) -> bool:
    """Send a row's owed notice; True once iSeller has it (or nothing is owed)."""
    row = db.session.get(WebhookLog, row_id)
    if row is None or row.notice is None or row.notice_due_at is None:
        return True
    body = json.dumps(row.notice, separators=(",", ":")).encode()
    try:
        answer = requests.post(current_app.config["ISELLER_NOTIFY_URL"], data=body,
                               headers=signed_headers(row.store, body), timeout=TIMEOUT)
        problem = None if answer.ok else f"iSeller answered HTTP {answer.status_code}"
    except requests.RequestException as error:
        problem = f"iSeller could not be reached ({type(error).__name__})"
    row.notice_attempts += 1
    if problem is None:
        row.notified_at, row.notice_due_at = utcnow(), None
        if row.reason and row.reason.startswith(NOT_TOLD):
            row.reason = None
    else:
        wait = backoff(row.notice_attempts, cap=RETRY_CAP_SECONDS)
        row.notice_due_at = utcnow() + timedelta(seconds=wait)
        if not row.reason or row.reason.startswith(NOT_TOLD):
            row.reason = f"{NOT_TOLD} ({problem}); isacc tells it again by itself."
    db.session.commit()
    return problem is None
