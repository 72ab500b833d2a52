"""Refresh: a person sends failed rows again once the cause is fixed. The rows go back to
pending, due now, with a fresh retry budget; whether an earlier attempt's outcome is unknown
is kept (`outcome_unknown`), so such a row is looked up in Accurate by its number before it
is saved again. Rows waiting on them follow by themselves once they succeed.

The rows refreshed together share one `refreshed_at`, which is how the page follows the
batch until every row in it has an outcome."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func

from isacc.extensions import db
from isacc.models import Status, Store, SyncActivity
from isacc.models.base import utcnow
from isacc.reasons import say, tell


@dataclass
class Batch:
    at: datetime
    count: int
    lanes: set[tuple[int, int | None]]


@dataclass
class Progress:
    at: datetime
    counts: dict[Status, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        return self.total - self.counts[Status.PENDING]


def refresh(store: Store, activity_ids: list[int]) -> Batch:
    """Make the store's failed rows among `activity_ids` pending again."""
    rows = db.session.scalars(db.select(SyncActivity).where(
        SyncActivity.store_id == store.id, SyncActivity.id.in_(activity_ids),
        SyncActivity.status == Status.FAILED)).all()
    now = utcnow()
    for activity in rows:
        activity.status = Status.PENDING
        activity.attempts = 0
        activity.due_at = activity.refreshed_at = now
        activity.finished_at = None
        tell(activity, say("Refreshed: waiting to be sent again."))
    return Batch(at=now, count=len(rows), lanes={(a.store_id, a.outlet_id) for a in rows})


def progress(store: Store, at: datetime) -> Progress:
    """How far the rows refreshed together at `at` have got."""
    counts = {status: 0 for status in Status}
    counts.update(db.session.execute(
        db.select(SyncActivity.status, func.count())
        .where(SyncActivity.store_id == store.id, SyncActivity.refreshed_at == at)
        .group_by(SyncActivity.status)).all())
    return Progress(at=at, counts=counts)
