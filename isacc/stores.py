"""Creating stores and rotating their inbound keys: shared by the admin screen, the CLI and the
demo, so every store gets its secrets the same way."""

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from isacc.crypto import new_secret
from isacc.extensions import db
from isacc.field_errors import FieldErrors
from isacc.listing import Listing, paged
from isacc.models import ConnectionStatus, Outlet, Role, Status, Store, SyncActivity, User

# The zones of Indonesia, the first the default (Asia/Jakarta, as the product says).
TIMEZONES = {
    "Asia/Jakarta": _l("Asia/Jakarta (WIB)"),
    "Asia/Makassar": _l("Asia/Makassar (WITA)"),
    "Asia/Jayapura": _l("Asia/Jayapura (WIT)"),
}
DEFAULT_TIMEZONE = "Asia/Jakarta"
MAX_NAME = 120
# iSeller sends it in the X-Isacc-Store header and it shows in URLs and logs: keep it plain.
ISELLER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class StoreError(FieldErrors):
    """A store that cannot be created."""


@dataclass
class NewStore:
    """A store just created, with the one chance to read its inbound key."""

    store: Store
    inbound_key: str


def check(name: str, iseller_id: str, timezone: str) -> tuple[str, str, str]:
    """The trimmed values, or StoreError naming every problem."""
    name, iseller_id, timezone = name.strip(), iseller_id.strip(), timezone.strip()
    errors = {}
    if not name:
        errors["name"] = _("Give the store a name.")
    elif len(name) > MAX_NAME:
        errors["name"] = _("At most %(max)d characters.", max=MAX_NAME)
    if not iseller_id:
        errors["iseller_id"] = _("Give the store's id in iSeller.")
    elif not ISELLER_ID.fullmatch(iseller_id):
        errors["iseller_id"] = _(
            "Up to 64 letters, digits, dots, dashes or underscores, starting with a letter "
            "or digit.")
    elif _taken(iseller_id):
        errors["iseller_id"] = _("Another store already has iSeller id %(id)s.", id=iseller_id)
    if timezone not in TIMEZONES:
        errors["timezone"] = _("Choose one of the time zones offered.")
    if errors:
        raise StoreError(errors)
    return name, iseller_id, timezone


def _taken(iseller_id: str) -> bool:
    return db.session.scalar(db.select(Store.id).where(Store.iseller_id == iseller_id)) is not None


def create_store(*, name: str, iseller_id: str, timezone: str = DEFAULT_TIMEZONE) -> NewStore:
    """A new store with a fresh inbound signing key and webhook token (flushed, not committed)."""
    name, iseller_id, timezone = check(name, iseller_id, timezone)
    store = Store(name=name, iseller_id=iseller_id, timezone=timezone,
                  inbound_key=new_secret(), webhook_token=new_secret())
    db.session.add(store)
    try:
        db.session.flush()
    except IntegrityError:
        # Another request took the id between the check and the insert. (No savepoint:
        # SQLite's driver would commit at its release; the callers roll back anyway.)
        db.session.rollback()
        raise StoreError({"iseller_id": _("Another store already has iSeller id %(id)s.",
                                          id=iseller_id)}) from None
    return NewStore(store, store.inbound_key)


def replace_webhook_token(store: Store) -> str:
    """A new secret for the store's Accurate webhook URL; the old URL stops working at once
    (Accurate cannot send to two). Returns the new token (the caller commits)."""
    store.webhook_token = new_secret()
    return store.webhook_token


STORES_PER_PAGE = 50


@dataclass
class StoreRow:
    store: Store
    owners: int
    outlets: int
    failed: int

    @property
    def connected(self) -> bool:
        connection = self.store.accurate
        return bool(connection and connection.status == ConnectionStatus.CONNECTED
                    and connection.has_database)


def _count_by_store(column, *where):
    return (db.select(column.label("store_id"), func.count().label("n")).where(*where)
            .group_by(column).subquery())


def store_page(search: str = "", page: int = 1) -> Listing:
    """A page of the stores by name (those whose name or iSeller id contains `search`), each
    with how many owners, outlets and failed syncs it has, in one query."""
    owners = _count_by_store(User.store_id, User.role == Role.OWNER)
    outlets = _count_by_store(Outlet.store_id)
    failed = _count_by_store(SyncActivity.store_id, SyncActivity.status == Status.FAILED)
    query = (db.select(Store, *(func.coalesce(counted.c.n, 0)
                                for counted in (owners, outlets, failed)))
             .outerjoin(owners, owners.c.store_id == Store.id)
             .outerjoin(outlets, outlets.c.store_id == Store.id)
             .outerjoin(failed, failed.c.store_id == Store.id)
             .options(selectinload(Store.accurate)).order_by(Store.name, Store.id))
    search = search.strip()
    if search:
        query = query.where(Store.name.icontains(search, autoescape=True)
                            | Store.iseller_id.icontains(search, autoescape=True))
    listing = paged(query, page, STORES_PER_PAGE, search)
    listing.items = [StoreRow(*row) for row in listing.items]
    return listing
