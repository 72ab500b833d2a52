"""Catching up on the products iSeller changed (catalogue.py) and on orders whose notice
never came (webhooks not set up or switched off, isacc
down, a notice lost): GetOrders is read by modified time [C b.1, b.2] from where the last
catch-up stopped, every few minutes, and each order read becomes a notice row worked like
any other. The bounds are inclusive and the windows overlap [C e7]: an order read twice
unchanged is the same notice, stored once. The first import reads from the day the owner
chose the same way."""

from datetime import datetime, timedelta

import redis
from flask import current_app
from rq import Queue

from isacc.extensions import db
from isacc.inbound.body import digest
from isacc.iseller import catalogue, notices, session
from isacc.models import ConnectionStatus, IsellerConnection, IsellerNotice, Status, Store
from isacc.models.base import utcnow
from isacc.outcomes import as_accurate_error
from isacc.reasons import keep, say
from isacc.redis_conn import get_redis
from isacc.sync.lanes import QUEUE
from isacc.webhooks.apply import dialect_insert

EVERY = timedelta(minutes=5)
OVERLAP = timedelta(minutes=10)  # orders changed just before the last window closed
# [S e4] pages count from 1; stop when has_next_item is false or a page comes back empty.
FIRST_PAGE = 1
# A runaway answer (has_next_item true for ever) must not keep a worker for ever.
MOST_PAGES = 10_000


def _iso(moment: datetime) -> str:
    """[C 0.14] a request datetime: ISO 8601 without a zone, read in time_zone (0: UTC)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def catch_up(store: Store) -> int:
    """Store a notice for every order of the store modified since the cursor (or since it
    was connected); returns how many were new. Raises isacc's outcome values."""
    link = store.iseller
    if link is None or link.status != ConnectionStatus.CONNECTED:
        return 0
    # The catalogue first, so the orders read next find their products.
    catalogue.import_products(store)
    now = utcnow()
    start = (link.orders_cursor or link.connected_at) - OVERLAP
    page_size = current_app.config["ISELLER_PAGE_SIZE"]
    new = 0
    for page in range(FIRST_PAGE, FIRST_PAGE + MOST_PAGES):
        answer = session.call(store, "GetOrders", {
            "modified_after": _iso(start), "modified_before": _iso(now), "time_zone": 0,
            "sort": "ModifiedDate", "sort_direction": "ASC", "page": page,
            "page_size": page_size})
        found = [o for o in answer.get("orders") or []
                 if isinstance(o, dict) and isinstance(o.get("order_id"), str)
                 and 0 < len(o["order_id"]) <= 64]
        new += _record(store, found, now)
        db.session.commit()
        if not found or not answer.get("has_next_item"):
            break
    link.orders_cursor, link.caught_up_at = now, now
    keep(link, "catch_up_error", None)
    db.session.commit()
    if new:
        notices.wake(store.id)
    return new


def _record(store: Store, orders: list[dict], now: datetime) -> int:
    """A pending notice per order not seen as it is now. GetOrders shows no modified time
    on an order (b.9), so an order is "the same" while its fields are: a refund or a void
    changes them and makes a new notice."""
    new = 0
    for order in orders:
        new += db.session.scalar(
            dialect_insert()(IsellerNotice).values(
                store_id=store.id, event_type="order", iseller_id=order["order_id"],
                dedupe_key=digest({"event_type": "order", "read": order}), sent_at=now,
                payload={"order_id": order["order_id"],
                         "order_reference": order.get("order_reference"),
                         "status": order.get("status"),
                         "payment_status": order.get("payment_status"),
                         "read_by": "catch-up"},
                status=Status.PENDING, due_at=now, attempts=0, created_at=now, updated_at=now)
            .on_conflict_do_nothing(index_elements=["store_id", "dedupe_key"])
            .returning(IsellerNotice.id)) is not None
    return new


def import_from(link: IsellerConnection, since: datetime) -> None:
    """Read every order modified since `since`, now."""
    link.orders_cursor = since + OVERLAP
    db.session.commit()
    start(link)


def start(link: IsellerConnection) -> None:
    """The store's catch-up, now: enqueued, or without Redis left due for the next tick (or
    make run's local worker)."""
    link.catch_up_due_at = utcnow() + EVERY
    db.session.commit()
    try:
        enqueue(link.store_id)
    except redis.RedisError:
        link.catch_up_due_at = utcnow()
        db.session.commit()


def enqueue(store_id: int) -> None:
    Queue(QUEUE, connection=get_redis()).enqueue(
        "jobs.iseller.catch_up", store_id, result_ttl=0, failure_ttl=7 * 24 * 3600,
        job_timeout=1800)


def stores_due(now: datetime) -> list[int]:
    """Connected stores whose catch-up is due; each is marked due again after EVERY, so a
    lost job is simply tried at the next one."""
    due = db.session.scalars(db.select(IsellerConnection).where(
        IsellerConnection.status == ConnectionStatus.CONNECTED,
        (IsellerConnection.catch_up_due_at.is_(None))
        | (IsellerConnection.catch_up_due_at <= now))).all()
    for link in due:
        link.catch_up_due_at = now + EVERY
    db.session.commit()
    return [link.store_id for link in due]


def catch_up_or_say(store: Store) -> int:
    """catch_up, its failure kept on the connection for the Connect page (and tried again
    at the next one) instead of raised."""
    try:
        return catch_up(store)
    except Exception as error:  # every failure is shown and retried; none stops the tick
        db.session.rollback()
        readable = as_accurate_error(error)
        keep(store.iseller, "catch_up_error",
             say("Reading iSeller's orders failed: %(reason)s", reason=readable.reason))
        db.session.commit()
        current_app.logger.warning("iSeller catch-up of store %s failed: %r", store.id, error)
        return 0
