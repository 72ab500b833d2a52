"""POST /webhooks/iseller/<webhook id>/order: iSeller's Order notices in [S, iseller-api.md d].

The signature is checked on the raw bytes first; a signed, fresh notice is stored with one
insert and answered 200 at once (iSeller retries what is not answered [S d4]); a worker then
reads the order in full from iSeller's API (notices.py). A notice delivered again, or
replayed, is the same row: nothing new is stored."""

from flask import Blueprint, current_app, g, jsonify, request

from isacc.access import Rule, allow, authenticates
from isacc.extensions import csrf, db
from isacc.inbound.body import BodyUnreadable, digest, read_json
from isacc.iseller import notices
from isacc.iseller.signature import SIGNATURE_HEADER, TIMESTAMP_HEADER, SignatureError, verify
from isacc.models import IsellerConnection, IsellerNotice, Status
from isacc.models.base import utcnow
from isacc.webhooks.apply import dialect_insert

bp = Blueprint("iseller_webhooks", __name__, url_prefix="/webhooks/iseller")
csrf.exempt(bp)  # authenticated by iSeller's signature instead of a session


def refuse(status: int, error: str, problems: list[dict] | None = None):
    body = {"error": error}
    if problems:
        body["problems"] = problems
    return jsonify(body), status


@authenticates(Rule.ISELLER_SIGNED)
def authenticate():
    """The ISELLER_SIGNED rule: the store the URL names, and a fresh notice signed with its
    webhook key; 401 otherwise, before the body is parsed."""
    webhook_id = (request.view_args or {}).get("webhook_id", "")
    link = db.session.scalar(db.select(IsellerConnection).where(
        IsellerConnection.webhook_id == webhook_id))
    if link is None or not link.webhook_key:
        return refuse(401, "unknown webhook address: use the URL isacc shows on the store's "
                           "Connect page")
    try:
        g.sent_at = verify(link.webhook_key, request.headers.get(TIMESTAMP_HEADER),
                           request.headers.get(SIGNATURE_HEADER), request.get_data(), utcnow())
    except SignatureError as error:
        return refuse(401, str(error))
    g.store, g.iseller = link.store, link
    return None


def _order_id(payload) -> str | None:
    order_id = payload.get("order_id") if isinstance(payload, dict) else None
    return order_id.strip() if isinstance(order_id, str) and 0 < len(order_id.strip()) <= 64 \
        else None


@bp.route("/<webhook_id>/order", methods=["POST"])
@allow(Rule.ISELLER_SIGNED)
def order(webhook_id):
    try:
        payload = read_json(request.get_data())
    except BodyUnreadable as error:
        return refuse(400, str(error))
    order_id = _order_id(payload)
    if order_id is None:
        return refuse(422, "the notice is not an Order notice",
                      [{"field": "order_id", "message": "an order id (up to 64 characters) "
                                                        "is required"}])
    now = utcnow()
    new_id = db.session.scalar(
        dialect_insert()(IsellerNotice).values(
            store_id=g.store.id, event_type="order", iseller_id=order_id,
            dedupe_key=digest({"event_type": "order", "body": payload}), sent_at=g.sent_at,
            payload=payload, status=Status.PENDING, due_at=now, attempts=0, created_at=now,
            updated_at=now)
        .on_conflict_do_nothing(index_elements=["store_id", "dedupe_key"])
        .returning(IsellerNotice.id))
    g.iseller.webhook_received_at = now
    db.session.commit()
    if new_id is None:
        return jsonify({"status": "duplicate", "order_id": order_id}), 200
    notices.wake(g.store.id)
    current_app.logger.info("iSeller order notice for store %s: order %s", g.store.id, order_id)
    return jsonify({"status": "accepted", "order_id": order_id}), 200
