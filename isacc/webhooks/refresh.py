"""Refresh on the webhook log: a person sends failed rows again once the cause is fixed (the
SKU set in iSeller, the warehouse mapped). The rows go back to pending, due now, with a fresh
allowance of attempts, and the store's lane is enqueued."""

from isacc.extensions import db
from isacc.models import Status, Store, WebhookLog
from isacc.models.base import utcnow
from isacc.reasons import say, tell
from isacc.webhooks.lane import enqueue_store_or_wait


def refresh_webhooks(store: Store, ids: list[int]) -> int:
    """Make the store's failed rows among `ids` pending and enqueue them (commits first, so
    the worker sees them); returns how many went pending. Without Redis they wait for the
    scheduler's next tick."""
    rows = db.session.scalars(db.select(WebhookLog).where(
        WebhookLog.store_id == store.id, WebhookLog.id.in_(ids),
        WebhookLog.status == Status.FAILED)).all()
    now = utcnow()
    for row in rows:
        row.status, row.due_at, row.finished_at, row.attempts = Status.PENDING, now, None, 0
        tell(row, say("Refreshed: waiting to be applied again."))
    db.session.commit()
    if rows:
        enqueue_store_or_wait(store.id)
    return len(rows)
