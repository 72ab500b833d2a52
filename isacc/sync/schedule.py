"""When an activity may go: now, at the store's next scheduled time, or when its shift closes."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from isacc.models import ActivityKind, RegisterShift, ShiftStatus, Store, SyncMode

SALES_KINDS = {ActivityKind.SALES_INVOICE, ActivityKind.SALES_RECEIPT,
               ActivityKind.OTHER_DEPOSIT, ActivityKind.OTHER_PAYMENT,
               ActivityKind.BANK_TRANSFER, ActivityKind.PAYOUT}
TRANSFER_KINDS = {ActivityKind.TRANSFER_OUT, ActivityKind.TRANSFER_IN, ActivityKind.STOCK_OPNAME}


def next_time(times: list[str], zone: str, now: datetime) -> datetime:
    """The first of the daily "HH:MM" `times` (in `zone`) strictly after `now`, in UTC terms."""
    tz = ZoneInfo(zone)
    local_now = now.astimezone(tz)
    candidates = []
    for text in times:
        hour, minute = (int(part) for part in text.split(":"))
        for days in (0, 1):
            day = local_now.date() + timedelta(days=days)
            moment = datetime.combine(day, time(hour, minute), tzinfo=tz)
            if moment > local_now:
                candidates.append(moment)
                break
    if not candidates:
        raise ValueError("scheduled sync needs at least one time of day")
    return min(candidates).astimezone(now.tzinfo)


def due_at(store: Store, kind: ActivityKind, now: datetime,
           shift: RegisterShift | None = None) -> datetime | None:
    """When an activity of `kind` created `now` may be sent; None: when its shift closes."""
    if kind in SALES_KINDS:
        if store.sync_mode == SyncMode.SCHEDULED and store.sync_times:
            return next_time(store.sync_times, store.timezone, now)
        if store.sync_mode == SyncMode.SHIFT_CLOSE and shift is not None:
            return now if shift.status == ShiftStatus.CLOSED else None
        return now
    if kind in TRANSFER_KINDS and store.transfer_sync_scheduled and store.transfer_sync_times:
        return next_time(store.transfer_sync_times, store.timezone, now)
    return now
