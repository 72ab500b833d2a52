"""Working iSeller's webhook notices: each is only a trigger [G, iseller-api.md d10], so a
worker reads the order in full through GetOrders and brings it in through the same ingest as
the inbound API, where repeats dedupe. One worker at a time per store (a lane, as the
webhook lane of isacc/webhooks/lane.py), oldest notice first; every error ends in one
outcome of isacc/outcomes.py, on the notice row."""

from datetime import timedelta

import redis
from flask import current_app
from rq import Queue
from sqlalchemy import update

from isacc.accurate.client import backoff
from isacc.accurate.errors import FinalError, RetryableError
from isacc.extensions import db
from isacc.inbound.body import digest
from isacc.iseller import orders, session
from isacc.models import IsellerNotice, Outlet, Status, Store
from isacc.models.base import utcnow
from isacc.outcomes import Outcome, as_accurate_error, outcome_of
from isacc.reasons import Said, say, told
from isacc.redis_conn import get_redis
from isacc.sync.ingest import EventConflict, EventRefused, ingest
from isacc.sync.lanes import QUEUE
from isacc.sync.lanes import wake as wake_lanes
from isacc.webhooks.lane import work_exclusively

WAIT_FOR_OWNER = timedelta(minutes=10)


def _key(store_id: int) -> str:
    return f"isacc:iseller-lane:{store_id}"


def enqueue_store(store_id: int) -> None:
    get_redis().set(_key(store_id) + ":dirty", 1)
    Queue(QUEUE, connection=get_redis()).enqueue(
        "jobs.iseller.work_store", store_id, result_ttl=0, failure_ttl=7 * 24 * 3600,
        job_timeout=3600)


def wake(store_id: int) -> None:
    """Send the store's notices to a worker now; without Redis they are stored, and the
    next tick (or make run's local worker) finds them, so nothing is lost."""
    try:
        enqueue_store(store_id)
    except redis.RedisError:
        current_app.logger.warning("Redis unavailable: iSeller notices of store %s wait for "
                                   "the next tick", store_id)


def work_store(store_id: int) -> None:
    """Work the store's lane until nothing is due, unless another worker already is."""
    work_exclusively(_key(store_id), lambda keep_going: run_store(store_id, keep_going))


def stores_due(now) -> set[int]:
    return set(db.session.scalars(db.select(IsellerNotice.store_id).where(
        IsellerNotice.status == Status.PENDING, IsellerNotice.due_at <= now)).all())


def run_store(store_id: int, keep_going=lambda: True) -> int:
    """Work every due notice of the store once, oldest first; returns how many. A notice
    that has to wait is left to the tick that finds it due again."""
    tried: set[int] = set()
    while keep_going():
        query = (db.select(IsellerNotice)
                 .where(IsellerNotice.store_id == store_id,
                        IsellerNotice.status == Status.PENDING,
                        IsellerNotice.due_at <= utcnow())
                 .order_by(IsellerNotice.sent_at, IsellerNotice.id))
        if tried:
            query = query.where(IsellerNotice.id.not_in(tried))
        notice = db.session.scalars(query.limit(1)).first()
        if notice is None:
            break
        tried.add(notice.id)
        work_notice(notice)
    return len(tried)


def work_notice(notice: IsellerNotice) -> None:
    """Read the notice's order from iSeller and bring it in; the row ends Success, Failed,
    or Pending with a later due time and the reason."""
    store = notice.store
    notice.attempts += 1  # counted first: a worker killed mid-call still used an attempt
    db.session.commit()
    try:
        order = _read_order(store, notice.iseller_id)
        _known_outlet(store, order)
        lanes = set()
        for event_type, event in orders.order_events(store, order):
            # The order as iSeller has it decides whether it changed, not isacc's reading of
            # it: a product isacc came to know meanwhile changes the reading, not the order.
            lanes |= _bring_in(store, event_type, event,
                               digest(order) if event_type == "sales_order" else None)
    except Exception as error:  # every error has its outcome (isacc/outcomes.py)
        db.session.rollback()
        _settle(notice, error)
        return
    _finish(notice, status=Status.SUCCESS, due_at=None, finished_at=utcnow(),
            **told(None, None))
    wake_lanes(lanes)


def _read_order(store: Store, order_id: str) -> dict:
    answer = session.call(store, "GetOrders", {"order_id": order_id,
                                               "includes": orders.INCLUDES, "time_zone": 0})
    found = [o for o in answer.get("orders") or []
             if isinstance(o, dict) and o.get("order_id") == order_id]
    if not found:
        # A notice can come before the order reads back: tried again, within the budget.
        raise RetryableError(say("iSeller does not show order %(order)s yet.", order=order_id))
    return found[0]


def _known_outlet(store: Store, order: dict) -> None:
    """An order of an outlet isacc has not seen (opened since the store connected) brings
    the store's outlets in from GetStoreInfo first."""
    outlet_id = str(order.get("outlet_id") or "")
    if outlet_id and db.session.scalar(db.select(Outlet.id).where(
            Outlet.store_id == store.id, Outlet.iseller_id == outlet_id)) is None:
        import_outlets(store)


def import_outlets(store: Store) -> int:
    """The store's active outlets and payment types from GetStoreInfo [C b.7]; returns how
    many outlets were new or changed."""
    info = session.call(store, "GetStoreInfo").get("store_info")
    if not isinstance(info, dict):
        raise RetryableError(say("iSeller's store details came without the store."))
    changed = 0
    for event in orders.outlet_events(info, orders.known_methods(store)):
        changed += not ingest(store, "outlet", event,
                              body_digest=digest(event.model_dump(mode="json"))).duplicate
        db.session.commit()
    return changed


def _bring_in(store: Store, event_type: str, event, body_digest: str | None = None) -> set:
    """Ingest one event and commit; the lanes with work due now. `body_digest` is what a
    repeat of the event id is compared by (the event's own body when None)."""
    try:
        result = ingest(store, event_type, event,
                        body_digest=body_digest or digest(event.model_dump(mode="json")))
    except EventRefused as refused:
        db.session.rollback()
        raise FinalError(say("iSeller's record names what isacc does not know: %(problems)s",
                             problems="; ".join(p["message"] for p in refused.problems)),
                         say("Connect the store to iSeller again to bring its outlets in, "
                             "then refresh this notice.")) from None
    except EventConflict:
        db.session.rollback()
        raise FinalError(
            say("iSeller changed this record after isacc took it in; isacc cannot carry "
                "such changes (refunds, voids, edits) to Accurate yet."),
            say("Make the same change in Accurate by hand.")) from None
    now = utcnow()
    lanes = {(a.store_id, a.outlet_id) for a in result.activities
             if a.due_at is not None and a.due_at <= now}
    db.session.commit()
    return lanes


def _settle(notice: IsellerNotice, error: BaseException) -> None:
    outcome, readable = outcome_of(error), as_accurate_error(error)
    if outcome is Outcome.WAIT_FOR_OWNER:
        _finish(notice, due_at=utcnow() + WAIT_FOR_OWNER,
                **told(readable.reason, readable.next_step))
    elif outcome is Outcome.RETRY_LATER:
        config = current_app.config
        if notice.attempts >= config["RETRY_ATTEMPTS"]:
            _fail(notice, say("iSeller kept failing after %(attempts)s attempts: %(reason)s",
                              attempts=notice.attempts, reason=readable.reason),
                  say("Check that iSeller is up, then refresh this notice."))
            return
        wait = backoff(notice.attempts, getattr(readable, "retry_after", None),
                       cap=config["RETRY_CAP_SECONDS"])
        _finish(notice, due_at=utcnow() + timedelta(seconds=wait),
                **told(readable.reason, readable.next_step))
    else:
        _fail(notice, readable.reason, readable.next_step)


def _finish(notice: IsellerNotice, **values) -> None:
    """Write a pending notice's outcome, unless another worker already finished it."""
    db.session.execute(
        update(IsellerNotice).where(IsellerNotice.id == notice.id,
                                    IsellerNotice.status == Status.PENDING)
        .values(updated_at=utcnow(), **values).execution_options(synchronize_session=False))
    db.session.commit()


def _fail(notice: IsellerNotice, reason: Said, next_step: Said | None) -> None:
    _finish(notice, status=Status.FAILED, due_at=None, finished_at=utcnow(),
            **told(reason, next_step))
