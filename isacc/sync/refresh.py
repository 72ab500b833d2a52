"""Refresh: a person sends failed rows again once the cause is fixed. The rows go back to
pending, due now; their attempts are kept, so each is looked up in Accurate by its number
before it is saved again. Rows waiting on them follow by themselves once they succeed."""

from isacc.extensions import db
from isacc.models import Status, Store, SyncActivity
from isacc.models.base import utcnow


def refresh(store: Store, activity_ids: list[int]) -> set[tuple[int, int | None]]:
    """Make the store's failed rows among `activity_ids` pending again; returns their lanes."""
    rows = db.session.scalars(db.select(SyncActivity).where(
        SyncActivity.store_id == store.id, SyncActivity.id.in_(activity_ids),
        SyncActivity.status == Status.FAILED)).all()
    now = utcnow()
    for activity in rows:
        activity.status = Status.PENDING
        activity.due_at = now
        activity.finished_at = None
        activity.reason, activity.next_step = "Refreshed: waiting to be sent again.", None
    return {(a.store_id, a.outlet_id) for a in rows}
