"""Reading the sync-activity and webhook-log tables a page at a time, newest first.

Paging is by cursor (created_at, id), not OFFSET, so a page deep in millions of rows costs
the same as the first.

A live table shows a *window*: every row from the newest down to the oldest row loaded so
far (its `through` cursor). New rows arriving at the top make the window grow instead of
pushing rows out of sight, and each poll re-reads the window whole, so what is on screen is
exactly what the database holds.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_
from sqlalchemy.orm import selectinload

from isacc.extensions import db
from isacc.models import Status

PAGE_SIZE = 50
# Beyond this many rows a window stops growing: older rows are read page by page instead.
WINDOW_CAP = 500
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


@dataclass
class Page:
    rows: list
    next_cursor: str | None
    # A window that reached WINDOW_CAP: older rows are reached by cursor, not by growing it.
    full: bool = False
    # What each pending row waits for, by row id (isacc.sync.waiting), filled in by the page
    # that shows it: it depends on other rows, so the fingerprint takes it in too.
    waits: dict = field(default_factory=dict)

    @property
    def through(self) -> str | None:
        """The cursor of the oldest row shown: where a live window ends."""
        return encode_cursor(self.rows[-1]) if self.rows else None

    @property
    def fingerprint(self) -> str:
        """Changes whenever anything shown changes; a poll with an equal one has nothing new."""
        digest = hashlib.blake2b(digest_size=8)
        for row in self.rows:
            wait = self.waits.get(row.id)
            digest.update(f"{row.id}:{row.status}:{row.attempts}:{row.updated_at}:"
                          f"{wait.key if wait else ''}|".encode())
        digest.update((self.next_cursor or "").encode())
        return digest.hexdigest()


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


@dataclass
class Filters:
    """The table's filters as the URL carries them; a value that does not parse is dropped
    (and named in `ignored`) rather than failing the page."""

    status: Status | None = None
    outlet_id: int | None = None
    kind: str | None = None
    start: date | None = None
    end: date | None = None
    store_id: int | None = None  # support's lists, across stores
    ignored: list[str] = field(default_factory=list)

    @classmethod
    def from_args(cls, args, kinds: set[str]) -> "Filters":
        found = cls(status=parse_status(args.get("status")))
        if args.get("status") and found.status is None:
            found.ignored.append("status")
        for name, attribute in (("outlet", "outlet_id"), ("store", "store_id")):
            if args.get(name):
                if args[name].isdigit():
                    setattr(found, attribute, int(args[name]))
                else:
                    found.ignored.append(name)
        if args.get("type"):
            if args["type"] in kinds:
                found.kind = args["type"]
            else:
                found.ignored.append("type")
        for name in ("start", "end"):
            if args.get(name):
                try:
                    setattr(found, name, date.fromisoformat(args[name]))
                except ValueError:
                    found.ignored.append(name)
        return found

    @property
    def reversed(self) -> bool:
        """A "from" day after the "to" day: nothing can match, and the reader should know why."""
        return self.start is not None and self.end is not None and self.start > self.end

    def args(self) -> dict:
        """The filters as URL arguments (for links and the next page)."""
        values = {"status": self.status.value if self.status else None,
                  "outlet": self.outlet_id, "type": self.kind,
                  "start": self.start.isoformat() if self.start else None,
                  "end": self.end.isoformat() if self.end else None, "store": self.store_id}
        return {k: v for k, v in values.items() if v is not None}


def page_query(model, *, store_id: int | None, filters: Filters, cursor: str | None,
               size: int, zone: str, through: str | None = None):
    """The SELECT of one page (also what the benchmark EXPLAINs): rows older than `cursor`,
    or with `through`, every row down to and including that one."""
    query = db.select(model)
    if store_id is not None:
        query = query.where(model.store_id == store_id)
    else:
        # Across stores (support): each row shows its store and outlet, loaded per page.
        query = query.options(selectinload(model.store), selectinload(model.outlet))
    if filters.status is not None:
        query = query.where(model.status == filters.status)
    if filters.store_id is not None:
        query = query.where(model.store_id == filters.store_id)
    if filters.outlet_id is not None:
        query = query.where(model.outlet_id == filters.outlet_id)
    if filters.kind is not None:
        query = query.where((model.kind if hasattr(model, "kind") else model.event_type)
                            == filters.kind)
    tz = ZoneInfo(zone)
    if filters.start is not None:
        query = query.where(model.created_at >= datetime.combine(filters.start, time(), tz))
    if filters.end is not None:
        query = query.where(model.created_at < datetime.combine(
            filters.end + timedelta(days=1), time(), tz))
    until = decode_cursor(through)
    if until:
        created, row_id = until
        query = query.where(
            or_(model.created_at > created, and_(model.created_at == created, model.id >= row_id))
        )
    after = decode_cursor(cursor)
    if after:
        created, row_id = after
        query = query.where(
            or_(model.created_at < created, and_(model.created_at == created, model.id < row_id))
        )
    return query.order_by(model.created_at.desc(), model.id.desc()).limit(size + 1)


def read_page(model, *, store_id: int | None, status: Status | None = None,
              cursor: str | None = None, size: int = PAGE_SIZE, filters: Filters | None = None,
              zone: str = "Asia/Jakarta") -> Page:
    """One page of `model` rows (SyncActivity or WebhookLog), newest first; store_id None:
    every store. Dates are days in the store's zone `zone`."""
    query = page_query(model, store_id=store_id, filters=filters or Filters(status=status),
                       cursor=cursor, size=size, zone=zone)
    rows = db.session.scalars(query).all()
    more = len(rows) > size
    rows = rows[:size]
    return Page(rows=rows, next_cursor=encode_cursor(rows[-1]) if more else None)


def read_window(model, *, store_id: int | None, filters: Filters, through: str | None = None,
                more: bool = False, zone: str = "Asia/Jakarta", size: int = PAGE_SIZE,
                cap: int = WINDOW_CAP) -> Page:
    """A live table's rows: the first page, or every row down to `through`; with `more`, one
    page older as well. Never more than `cap` rows; the rest is left to cursor paging."""
    if not decode_cursor(through):
        return read_page(model, store_id=store_id, filters=filters, size=size, zone=zone)
    rows = db.session.scalars(page_query(model, store_id=store_id, filters=filters, cursor=None,
                                         size=cap, zone=zone, through=through)).all()
    if len(rows) <= cap:
        older = read_page(model, store_id=store_id, filters=filters, cursor=through,
                          size=size if more else 1, zone=zone)
        if not more:
            return Page(rows=rows, next_cursor=through if older.rows else None)
        rows += older.rows
        if len(rows) <= cap:
            return Page(rows=rows, next_cursor=older.next_cursor)
    rows = rows[:cap]
    return Page(rows=rows, next_cursor=encode_cursor(rows[-1]), full=True)
