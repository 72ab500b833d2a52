"""Why a pending activity has not gone yet, worked out when it is shown rather than stored:
it waits for another activity (which failed or is still pending), for the store's next
scheduled time, or for its register shift to close (see isacc.sync.schedule). A row already
tried has a reason its attempt recorded, and that reason is what it shows instead."""

from dataclasses import dataclass
from datetime import datetime

from isacc.extensions import db
from isacc.models import RegisterShift, Status, SyncActivity
from isacc.sync.release import shifts_query


@dataclass
class Waiting:
    """What one pending row waits for: another row (`activity`), a time (`at`), or the close
    of its shift (`shift_close`; `shift` is None when the shift cannot be found)."""

    activity: SyncActivity | None = None
    at: datetime | None = None
    shift_close: bool = False
    shift: RegisterShift | None = None

    @property
    def key(self) -> str:
        """What a live table's fingerprint takes in: it changes whenever the text would,
        including when the row waited for fails or goes through."""
        if self.activity is not None:
            return f"row {self.activity.id} {self.activity.status}"
        if self.shift_close:
            return f"shift {self.shift.id if self.shift else ''}"
        return f"at {self.at.isoformat()}"


def waiting(rows: list[SyncActivity], now: datetime) -> dict[int, Waiting]:
    """Why each pending row of `rows` without a recorded reason still waits, by row id. A page
    of rows costs at most two queries: the rows waited for, and the shifts waited for."""
    quiet = [row for row in rows if row.status == Status.PENDING and not row.reason]
    waited_ids = {row.waits_for_id for row in quiet if row.waits_for_id}
    waited = {other.id: other for other in db.session.scalars(
        db.select(SyncActivity).where(SyncActivity.id.in_(waited_ids)))} if waited_ids else {}
    found: dict[int, Waiting] = {}
    for row in quiet:
        other = waited.get(row.waits_for_id)
        if other is not None and other.status != Status.SUCCESS:
            found[row.id] = Waiting(activity=other)
        elif row.due_at is None:
            found[row.id] = Waiting(shift_close=True)
        elif row.due_at > now:
            found[row.id] = Waiting(at=row.due_at)
    closing = [row_id for row_id, wait in found.items() if wait.shift_close]
    if closing:
        for row_id, shift in db.session.execute(
                shifts_query().where(SyncActivity.id.in_(closing))).all():
            found[row_id].shift = shift
    return found
