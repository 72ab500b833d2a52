"""Reading the sync-activity and webhook-log tables a page at a time, newest first.

Paging is by cursor (created_at, id), not OFFSET, so a page deep in millions of rows costs
the same as the first.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, or_

from isacc.extensions import db
from isacc.models import Status

PAGE_SIZE = 50
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


@dataclass
class Page:
    rows: list
    next_cursor: str | None


def encode_cursor(row) -> str:
    return f"{(row.created_at - EPOCH) // MICROSECOND}-{row.id}"


def decode_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    """The (created_at, id) a cursor points at; None for a missing or mangled cursor."""
    if not cursor:
        return None
    try:
        micros, row_id = cursor.split("-", 1)
        return EPOCH + int(micros) * MICROSECOND, int(row_id)
    except (ValueError, OverflowError):
        return None


def parse_status(value: str | None) -> Status | None:
    try:
        return Status(value) if value else None
    except ValueError:
        return None


def read_page(model, *, store_id: int | None, status: Status | None, cursor: str | None,
              size: int = PAGE_SIZE) -> Page:
    """One page of `model` rows (SyncActivity or WebhookLog); store_id None = every store."""
    query = db.select(model)
    if store_id is not None:
        query = query.where(model.store_id == store_id)
    if status is not None:
        query = query.where(model.status == status)
    after = decode_cursor(cursor)
    if after:
        created, row_id = after
        query = query.where(
            or_(model.created_at < created, and_(model.created_at == created, model.id < row_id))
        )
    rows = db.session.scalars(
        query.order_by(model.created_at.desc(), model.id.desc()).limit(size + 1)
    ).all()
    more = len(rows) > size
    rows = rows[:size]
    return Page(rows=rows, next_cursor=encode_cursor(rows[-1]) if more else None)
