"""POST /webhooks/accurate/<token>: Accurate's notices in. Each document event becomes a
webhook log row and the store's webhook lane is enqueued; the answer comes at once, the
work is the job's.

Accurate signs nothing (accurate-api.md 6), so the URL carries the store's secret token, and
every envelope must name the Accurate database that store is connected to.
"""

import hmac

from flask import Blueprint, current_app, g, jsonify, request

from isacc.access import Rule, allow, authenticates
from isacc.crypto import digest
from isacc.extensions import csrf, db
from isacc.inbound.body import BodyUnreadable, read_json
from isacc.models import Status, Store, WebhookLog
from isacc.models.base import utcnow
from isacc.webhooks import events
from isacc.webhooks.apply import dialect_insert
from isacc.webhooks.lane import enqueue_store_or_wait

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")
csrf.exempt(bp)  # authenticated by the token in the URL instead of a session


def refuse(status: int, error: str):
    return jsonify({"error": error}), status


def _token_matches(store: Store, token: str) -> bool:
    return hmac.compare_digest(store.webhook_token.encode(), token.encode())


def _store_for(token: str) -> Store | None:
    """The store whose token this is, found by the token's digest: one indexed query,
    whatever the number of stores (a miss adds one more, for stores without a digest)."""
    store = _by_digest(token)
    if store is None and _digest_older_tokens():
        store = _by_digest(token)
    return store if store is not None and _token_matches(store, token) else None


def _by_digest(token: str) -> Store | None:
    return db.session.scalar(db.select(Store).where(
        Store.webhook_token_digest == digest(token)))


def _digest_older_tokens() -> int:
    """Stores made before tokens had digests get theirs, once (it needs their tokens
    decrypted, which a migration cannot do without the app's keys); returns how many."""
    older = db.session.scalars(db.select(Store).where(
        Store.webhook_token_digest.is_(None), Store.webhook_token.is_not(None))).all()
    for store in older:
        store.webhook_token_digest = digest(store.webhook_token)
    if older:
        db.session.commit()
    return len(older)


@authenticates(Rule.WEBHOOK_TOKEN)
def authenticate():
    """The WEBHOOK_TOKEN rule: a known token first, before the body is even read (a stranger
    costs one indexed query and learns nothing about what a body should look like), then a
    well-formed body naming the store's database."""
    store = _store_for((request.view_args or {}).get("token", ""))
    if store is None:
        return refuse(401, "unknown webhook token: use the webhook URL isacc shows for the store")
    try:
        checked = events.envelopes(read_json(request.get_data()))
    except (BodyUnreadable, events.BodyRefused) as error:
        return refuse(400, str(error))
    database_ids = {envelope["databaseId"] for envelope in checked}
    connected = store.accurate.database_id if store.accurate else None
    if connected is None:
        return refuse(403, "this store is not connected to an Accurate database")
    if database_ids != {connected}:
        others = ", ".join(str(i) for i in sorted(database_ids - {connected}))
        return refuse(403, f"Accurate database {others} is not the database this store is "
                           f"connected to")
    g.store, g.envelopes = store, checked
    return None


def record(store: Store, notices: list[events.Notice]) -> list[int]:
    """A pending row per notice not recorded before; returns the new rows' ids (the caller
    commits). The same notice arriving twice at once is settled by the unique
    (store, dedupe key): the database keeps one row, the other insert does nothing."""
    now, new = utcnow(), []
    for notice in notices:
        row_id = db.session.scalar(
            dialect_insert()(WebhookLog).values(
                store_id=store.id, event_type=notice.event_type, dedupe_key=notice.dedupe_key,
                accurate_id=notice.accurate_id, accurate_number=notice.number,
                payload=notice.envelope, event_at=notice.event_at, status=Status.PENDING,
                due_at=now, attempts=0, notice_attempts=0, created_at=now, updated_at=now)
            .on_conflict_do_nothing(index_elements=["store_id", "dedupe_key"])
            .returning(WebhookLog.id))
        if row_id is not None:
            new.append(row_id)
    return new


@bp.route("/accurate/<token>", methods=["POST"])
@allow(Rule.WEBHOOK_TOKEN)
def accurate(token):
    notices = events.notices(g.envelopes)
    new = record(g.store, notices)
    db.session.commit()
    if new:
        enqueue_store_or_wait(g.store.id)
    current_app.logger.info("Accurate webhook for store %s: %d new, %d repeated", g.store.id,
                            len(new), len(notices) - len(new))
    return jsonify({"status": "accepted", "recorded": len(new),
                    "repeated": len(notices) - len(new)}), 200
