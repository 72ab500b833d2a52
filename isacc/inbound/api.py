"""POST /api/v1/<event>: iSeller's signed events in, 202 once stored (the work is queued)."""

from flask import Blueprint, g, jsonify, request
from pydantic import ValidationError

from isacc.access import Rule, allow, authenticates
from isacc.extensions import csrf, db
from isacc.inbound import openapi, signing
from isacc.inbound.body import BodyUnreadable, digest, read_json
from isacc.inbound.schemas import EVENTS
from isacc.models import InboundEvent, Store
from isacc.models.base import utcnow
from isacc.sync.ingest import EventConflict, EventRefused, ingest
from isacc.sync.lanes import wake

bp = Blueprint("inbound", __name__, url_prefix="/api")
csrf.exempt(bp)  # authenticated by signature instead of a session


def refuse(status: int, error: str, problems: list[dict] | None = None):
    body = {"error": error}
    if problems:
        body["problems"] = problems
    return jsonify(body), status


def _seen_before(store: Store):
    """Whether a signature was used up: an event it stored keeps it. A request that stored
    nothing (refused, or failed half-way) can be sent again exactly as it was."""
    def seen(signature: str) -> bool:
        return db.session.scalar(db.select(InboundEvent.id).where(
            InboundEvent.signature == signature, InboundEvent.store_id == store.id)) is not None
    return seen


@authenticates(Rule.SIGNED_INBOUND)
def authenticate():
    """The SIGNED_INBOUND rule: find the store and check the signature; 401 otherwise."""
    store_ref = request.headers.get(signing.STORE_HEADER)
    store = store_ref and db.session.scalar(db.select(Store).where(Store.iseller_id == store_ref))
    if not store:
        return refuse(401, f"unknown store: send its iSeller id in {signing.STORE_HEADER}")
    signature = request.headers.get(signing.SIGNATURE_HEADER)
    try:
        signing.verify(store, request.headers.get(signing.TIMESTAMP_HEADER), signature,
                       request.get_data(), _seen_before(store))
    except signing.SignatureError as error:
        return refuse(401, str(error))
    g.store, g.signature = store, signature
    return None


def _receive(event_type: str, model):
    try:
        payload = read_json(request.get_data())
    except BodyUnreadable as error:
        return refuse(400, str(error))
    try:
        event = model.model_validate(payload)
    except ValidationError as error:
        problems = [{"field": ".".join(str(p) for p in e["loc"]) or "(body)", "message": e["msg"]}
                    for e in error.errors()]
        return refuse(422, "the event is not valid", problems)
    try:
        result = ingest(g.store, event_type, event, body_digest=digest(payload),
                        signature=g.signature)
    except EventRefused as refused:
        db.session.rollback()
        return refuse(422, "the event names records isacc does not know", refused.problems)
    except EventConflict as conflict:
        db.session.rollback()
        return refuse(409, str(conflict))
    # Read before the commit expires them (reading after would cost a query per row).
    ids = [a.id for a in result.activities]
    now = utcnow()
    lanes_now = {(a.store_id, a.outlet_id) for a in result.activities
                 if a.due_at is not None and a.due_at <= now}
    db.session.commit()
    if result.duplicate:
        return jsonify({"status": "duplicate", "event_id": event.event_id}), 200
    wake(lanes_now)
    return jsonify({"status": "accepted", "event_id": event.event_id, "activities": ids}), 202


def _route(path: str, event_type: str, model):
    def view():
        return _receive(event_type, model)

    view.__name__ = f"receive_{event_type}"
    bp.add_url_rule(f"/v1/{path}", view.__name__, allow(Rule.SIGNED_INBOUND)(view),
                    methods=["POST"])


for _path, (_event_type, _model) in EVENTS.items():
    _route(_path, _event_type, _model)


@bp.route("/openapi.json")
@allow(Rule.PUBLIC)
def openapi_document():
    return jsonify(openapi.document())
