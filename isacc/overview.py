"""The overview's facts: the setup checklist and the synchronisation status panel."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import Row, case, func

from isacc.extensions import db
from isacc.models import (
    ConnectionStatus,
    InboundEvent,
    Outlet,
    OutletMapping,
    Product,
    Status,
    Store,
    SyncActivity,
    TaxMode,
    WebhookLog,
)
from isacc.products import sku_problems


@dataclass
class Step:
    key: str
    title: str
    done: bool
    detail: str
    endpoint: str


def setup_checklist(store: Store) -> list[Step]:
    """Connect -> outlets -> products -> settings, each with what is left to do."""
    connection = store.accurate
    connected = bool(
        connection and connection.status == ConnectionStatus.CONNECTED and connection.has_database
    )
    outlets = db.session.scalar(
        db.select(func.count()).select_from(Outlet).where(Outlet.store_id == store.id)
    )
    active = db.session.scalar(
        db.select(func.count())
        .select_from(OutletMapping)
        .where(OutletMapping.store_id == store.id, OutletMapping.active.is_(True))
    )
    # Outlets whose documents cannot go until they are mapped and active; an outlet that
    # sent nothing (a closed branch, a warehouse-only one) holds nothing back.
    # (One look-up per outlet in the activity index, not a scan of every document.)
    unmapped_with_documents = db.session.scalar(
        db.select(func.count())
        .select_from(Outlet)
        .outerjoin(OutletMapping, OutletMapping.outlet_id == Outlet.id)
        .where(Outlet.store_id == store.id,
               func.coalesce(OutletMapping.active, False).is_(False),
               db.select(SyncActivity.id)
               .where(SyncActivity.store_id == store.id, SyncActivity.outlet_id == Outlet.id)
               .exists())
    )
    outlet_detail = ngettext("%(active)s of %(num)s outlet active",
                             "%(active)s of %(num)s outlets active", outlets, active=active)
    if unmapped_with_documents:
        outlet_detail = _("%(active)s; %(left)s", active=outlet_detail, left=ngettext(
            "%(num)s outlet with documents still needs mapping",
            "%(num)s outlets with documents still need mapping", unmapped_with_documents))
    problems = sku_problems(store.id)
    products, not_exported = db.session.execute(
        db.select(func.count(), func.count().filter(Product.exported_at.is_(None)))
        .select_from(Product)
        .where(Product.store_id == store.id)
    ).one()
    if not products:
        # Nothing exported is not everything exported: the step waits for iSeller's products.
        product_detail = _("No products from iSeller yet: connect iSeller or send products")
    elif problems.any:
        product_detail = _("%(missing)s without SKU, %(duplicated)s with a duplicated SKU",
                           missing=len(problems.missing),
                           duplicated=problems.duplicated_products)
    elif not_exported:
        product_detail = ngettext("%(num)s product not yet exported to Accurate",
                                  "%(num)s products not yet exported to Accurate", not_exported)
    else:
        product_detail = _("Every product is exported to Accurate")
    return [
        Step(
            "connect", _("Connect Accurate"), connected,
            _("Connected to %(name)s", name=connection.database_alias) if connected
            else _("Sign in to Accurate and choose the database"),
            "connect.show",
        ),
        Step(
            "outlets", _("Map outlets"), bool(active) and not unmapped_with_documents,
            outlet_detail,
            "outlets.index",
        ),
        Step(
            "products", _("Check and export products"),
            bool(products) and not problems.any and not_exported == 0, product_detail,
            "products.index",
        ),
        Step(
            "settings", _("Choose sync settings"), store.settings_confirmed_at is not None,
            _("Saved") if store.settings_confirmed_at else _("Choose when data moves"),
            "settings.show",
        ),
        Step(
            "tax", _("Choose the sales tax"), store.tax_mode != TaxMode.UNSET,
            _tax_detail(store), "settings.show_tax",
        ),
    ]


def _tax_detail(store: Store) -> str:
    # A store made before taxes were booked keeps folding the till's tax into revenue until
    # the owner chooses: the overview says so.
    if store.tax_mode == TaxMode.UNSET:
        return _("Not chosen: the till's tax is booked as part of revenue until you choose")
    if store.tax_mode == TaxMode.NONE:
        return _("No tax: the store is not a taxable enterprise")
    return _("Invoices book %(tax)s as Accurate's tax", tax=store.tax_name)


@dataclass
class SyncStatus:
    counts: dict[Status, int]
    last_sync_at: datetime | None
    last_status: Status | None
    # When each side last spoke: a webhook that went silent shows as an old time here.
    last_event_at: datetime | None
    last_notice_at: datetime | None
    failed_notices: int


def sync_status(store_id: int) -> SyncStatus:
    rows = db.session.execute(
        db.select(SyncActivity.status, func.count())
        .where(SyncActivity.store_id == store_id)
        .group_by(SyncActivity.status)
    ).all()
    counts = {status: 0 for status in Status}
    counts.update({status: n for status, n in rows})
    last = db.session.execute(
        db.select(SyncActivity.finished_at, SyncActivity.status)
        .where(SyncActivity.store_id == store_id, SyncActivity.finished_at.is_not(None))
        .order_by(SyncActivity.finished_at.desc())
        .limit(1)
    ).first()
    heard = _last_heard(store_id)
    return SyncStatus(
        counts=counts,
        last_sync_at=last.finished_at if last else None,
        last_status=last.status if last else None,
        last_event_at=heard.event_at,
        last_notice_at=heard.notice_at,
        failed_notices=heard.failed,
    )


def _last_heard(store_id: int) -> Row:
    """The newest iSeller event, the newest Accurate notice and the failed notices, in one
    round trip: the panel is polled, and each part is a walk down a (store, ...) index."""
    return db.session.execute(db.select(
        db.select(func.max(InboundEvent.received_at))
        .where(InboundEvent.store_id == store_id).scalar_subquery().label("event_at"),
        db.select(func.max(WebhookLog.created_at))
        .where(WebhookLog.store_id == store_id).scalar_subquery().label("notice_at"),
        db.select(func.count()).select_from(WebhookLog)
        .where(WebhookLog.store_id == store_id, WebhookLog.status == Status.FAILED)
        .scalar_subquery().label("failed"),
    )).one()


@dataclass
class Day:
    day: date
    counts: dict[Status, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def documents_per_day(store: Store, days: int = 14, today: date | None = None) -> list[Day]:
    """Documents received per day of the store's calendar, by status, oldest day first."""
    zone = ZoneInfo(store.timezone)
    today = today or datetime.now(zone).date()
    first = today - timedelta(days=days - 1)
    bounds = [datetime.combine(first + timedelta(days=n), time(), zone) for n in range(days + 1)]
    # Days are cut at the store's midnights, which SQL cannot compute the same way on SQLite
    # and PostgreSQL; a CASE over the fourteen boundaries can.
    day_number = case(*[(SyncActivity.created_at < bounds[n + 1], n) for n in range(days)])
    received = (
        db.select(day_number.label("day"), SyncActivity.status)
        .where(SyncActivity.store_id == store.id, SyncActivity.created_at >= bounds[0],
               SyncActivity.created_at < bounds[-1])
        .subquery()
    )
    found = db.session.execute(
        db.select(received.c.day, received.c.status, func.count())
        .group_by(received.c.day, received.c.status)
    ).all()
    result = [Day(first + timedelta(days=n), {status: 0 for status in Status})
              for n in range(days)]
    for number, status, count in found:
        result[number].counts[Status(status)] = count
    return result
