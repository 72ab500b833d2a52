"""Carrying due sync activities to Accurate: in order per outlet, exactly once.

A lane is one outlet of one store (customers have a lane of their own per store). One worker
at a time works a lane, oldest document first; any number of lanes run at once on any number
of workers, and the shared limiter keeps them all inside Accurate's rate limit.

Exactly once: every document carries its number from the start; an attempt is counted (and
committed) before it is sent, so after a crash, a time-out or a lost answer the next attempt
looks the number up in Accurate and adopts what it finds instead of saving again. A worker's
claim on a row is an atomic conditional UPDATE, so two workers never send the same row.
"""

import os
import socket
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, or_, update
from sqlalchemy.orm import aliased, selectinload

from isacc.accurate.client import AccurateClient, backoff
from isacc.accurate.connection import client_for
from isacc.accurate.errors import (
    DUPLICATE_NUMBER,
    AccurateError,
    FinalError,
    NotConnected,
    ReconnectRequired,
    RetryableError,
)
from isacc.extensions import db
from isacc.models import (
    ActivityKind,
    Customer,
    Deposit,
    Outlet,
    OutletMapping,
    SalesOrder,
    SalesPayment,
    Status,
    StockAdjustment,
    StockOpname,
    Store,
    SyncActivity,
    Transfer,
)
from isacc.models.base import utcnow
from isacc.reasons import Said, say, tell, told
from isacc.sync import documents

MODULES = {
    ActivityKind.CUSTOMER: "customer",
    ActivityKind.SALES_INVOICE: "sales-invoice",
    ActivityKind.SALES_RECEIPT: "sales-receipt",
    ActivityKind.TRANSFER_OUT: "item-transfer",
    ActivityKind.TRANSFER_IN: "item-transfer",
    ActivityKind.STOCK_OPNAME: "item-adjustment",
    ActivityKind.STOCK_ADJUSTMENT: "item-adjustment",
    ActivityKind.OTHER_DEPOSIT: "other-deposit",
    ActivityKind.OTHER_PAYMENT: "other-payment",
}
# What moves an outlet's stock: a stock opname waits for every earlier one to be in Accurate.
STOCK_MOVES = {ActivityKind.SALES_INVOICE, ActivityKind.TRANSFER_OUT, ActivityKind.TRANSFER_IN,
               ActivityKind.STOCK_ADJUSTMENT, ActivityKind.STOCK_OPNAME}


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def ready_query(store_id: int, outlet_id: int | None, now):
    """Due pending activities of a lane whose dependency (if any) succeeded, oldest first."""
    dependency = aliased(SyncActivity)
    lane = (SyncActivity.outlet_id == outlet_id if outlet_id is not None
            else SyncActivity.outlet_id.is_(None))
    return (
        db.select(SyncActivity)
        .outerjoin(dependency, SyncActivity.waits_for_id == dependency.id)
        .where(
            SyncActivity.store_id == store_id, lane,
            SyncActivity.status == Status.PENDING,
            SyncActivity.due_at <= now,
            or_(SyncActivity.claimed_until.is_(None), SyncActivity.claimed_until < now),
            or_(SyncActivity.waits_for_id.is_(None), dependency.status == Status.SUCCESS),
        )
        .order_by(SyncActivity.source_at, SyncActivity.id)
    )


def claim(ids: list[int], worker: str, now) -> list[SyncActivity]:
    """Atomically take the rows no other worker holds; returns those this worker got."""
    if not ids:
        return []
    db.session.execute(
        update(SyncActivity)
        .where(SyncActivity.id.in_(ids), SyncActivity.status == Status.PENDING,
               or_(SyncActivity.claimed_until.is_(None), SyncActivity.claimed_until < now))
        .values(claimed_by=worker,
                claimed_until=now + timedelta(seconds=current_app.config["CLAIM_SECONDS"]))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return db.session.scalars(
        db.select(SyncActivity)
        .where(SyncActivity.id.in_(ids), SyncActivity.claimed_by == worker,
               SyncActivity.status == Status.PENDING)
        .order_by(SyncActivity.source_at, SyncActivity.id)
    ).all()


def run_lane(store_id: int, outlet_id: int | None, worker: str | None = None,
             keep_going=lambda: True) -> set:
    """Send every ready activity of the lane; returns the other lanes whose activities were
    waiting for one that succeeded here (the caller enqueues them). `keep_going` is asked
    before each batch (the lane lock is extended there)."""
    worker = worker or worker_name()
    store = db.session.get(Store, store_id)
    woken: set = set()
    client = None
    while keep_going():
        # Before every batch: an outlet deactivated while its lane runs stops at the next one.
        if outlet_id is not None and hold_inactive(store_id, outlet_id):
            return woken - {(store_id, outlet_id)}
        now = utcnow()
        ready = db.session.scalars(ready_query(store_id, outlet_id, now)
                                   .limit(current_app.config["SYNC_BATCH"])).all()
        ready = [a for a in ready if not _blocked_opname(a)]
        if not ready:
            return woken - {(store_id, outlet_id)}
        kind = ready[0].kind
        batch = claim([a.id for a in ready if a.kind == kind], worker, now)
        if not batch:
            return woken - {(store_id, outlet_id)}
        if client is None:
            try:
                client = client_for(store)
            except (NotConnected, ReconnectRequired) as error:
                # Not a failure of these documents: they wait for the owner to (re)connect.
                _release(batch, error)
                return set()
        ids = [a.id for a in batch]
        try:
            _send(store, client, kind, batch)
        except ReconnectRequired as error:
            _release(batch, error)
            return set()
        woken |= _lanes_waiting_on(ids)
    return woken - {(store_id, outlet_id)}


def inactive_reason(outlet_name: str) -> Said:
    return say("Outlet %(outlet)s is not active: activate it to send its documents.",
               outlet=outlet_name)


def hold_inactive(store_id: int, outlet_id: int) -> bool:
    """Whether the lane's outlet was deactivated; if so its pending rows are not sent but
    kept pending (nothing is wrong with them) and say why, until isacc.outlets.resume.
    An outlet never mapped is different: its rows are tried and fail, asking for a mapping."""
    # Columns, not the mapping object: read afresh on every pass, never from the session.
    found = db.session.execute(
        db.select(OutletMapping.active, Outlet.name)
        .join(Outlet, Outlet.id == OutletMapping.outlet_id)
        .where(OutletMapping.outlet_id == outlet_id)).first()
    if found is None or found.active:
        return False
    reason = inactive_reason(found.name)
    still_inactive = db.select(OutletMapping.id).where(
        OutletMapping.outlet_id == outlet_id, OutletMapping.active.is_(False)).exists()
    db.session.execute(
        update(SyncActivity)
        .where(SyncActivity.store_id == store_id, SyncActivity.outlet_id == outlet_id,
               SyncActivity.status == Status.PENDING,
               or_(SyncActivity.reason.is_(None), SyncActivity.reason != str(reason)),
               still_inactive)  # a reactivation committed meanwhile leaves the rows alone
        .values(**told(reason, say("Activate outlet %(outlet)s on its page under Outlets: "
                                   "its pending documents then go by themselves.",
                                   outlet=found.name)))
        .execution_options(synchronize_session=False))
    db.session.commit()
    return True


def _blocked_opname(activity: SyncActivity) -> bool:
    """A stock opname waits while an earlier stock movement of its outlet is not in Accurate;
    the row says which."""
    if activity.kind != ActivityKind.STOCK_OPNAME:
        return False
    earlier = db.session.scalar(
        db.select(SyncActivity).where(
            SyncActivity.store_id == activity.store_id,
            SyncActivity.outlet_id == activity.outlet_id,
            SyncActivity.kind.in_(STOCK_MOVES), SyncActivity.status != Status.SUCCESS,
            or_(SyncActivity.source_at < activity.source_at,
                and_(SyncActivity.source_at == activity.source_at,
                     SyncActivity.id < activity.id)),
        ).order_by(SyncActivity.source_at, SyncActivity.id).limit(1))
    if earlier is not None and activity.waits_for_id != earlier.id:
        activity.waits_for_id = earlier.id
        db.session.commit()
    return earlier is not None


def _lanes_waiting_on(ids: list[int]) -> set:
    """The lanes of pending rows that waited for one of `ids` which has now succeeded."""
    done = aliased(SyncActivity)
    rows = db.session.execute(
        db.select(SyncActivity.store_id, SyncActivity.outlet_id)
        .join(done, SyncActivity.waits_for_id == done.id)
        .where(done.id.in_(ids), done.status == Status.SUCCESS,
               SyncActivity.status == Status.PENDING)
        .distinct()).all()
    return {(row.store_id, row.outlet_id) for row in rows}


def _reload(ids: list[int]) -> None:
    """Read the rows again in one query: a commit expired them, and touching them one by one
    would cost a query per row."""
    db.session.scalars(db.select(SyncActivity).where(SyncActivity.id.in_(ids))).all()


def _release(batch: list[SyncActivity], error: AccurateError) -> None:
    for activity in batch:
        activity.claimed_by = activity.claimed_until = None
        tell(activity, error.reason, error.next_step)
    db.session.commit()


# ---- building and sending -------------------------------------------------------------------

SOURCES = {"customer": Customer, "sales_order": SalesOrder, "sales_payment": SalesPayment,
           "transfer": Transfer, "stock_opname": StockOpname,
           "stock_adjustment": StockAdjustment, "deposit": Deposit}
# What building each document reads from its source, loaded with the batch.
SOURCE_LOADS = {
    "sales_order": (selectinload(SalesOrder.lines), selectinload(SalesOrder.customer)),
    "sales_payment": (selectinload(SalesPayment.order).selectinload(SalesOrder.customer),),
    "transfer": (selectinload(Transfer.lines),),
    "stock_opname": (selectinload(StockOpname.lines),),
    "stock_adjustment": (selectinload(StockAdjustment.lines),),
}


def _preload(batch: list[SyncActivity]) -> dict:
    """The batch's sources with what their documents read, and the rows they wait for, in a
    few queries rather than a few per document (which was most of a worker's time). Keyed
    (source_kind, id); the rows waited for are held here so the session (whose identity map
    keeps only weak references) answers `activity.waits_for` without a query."""
    by_kind: dict[str, list[int]] = {}
    for activity in batch:
        by_kind.setdefault(activity.source_kind, []).append(activity.source_id)
    loaded = {}
    for kind, ids in by_kind.items():
        model = SOURCES[kind]
        for source in db.session.scalars(db.select(model).where(model.id.in_(ids))
                                         .options(*SOURCE_LOADS.get(kind, ()))):
            loaded[kind, source.id] = source
    waited_for = [a.waits_for_id for a in batch if a.waits_for_id]
    if waited_for:
        for row in db.session.scalars(db.select(SyncActivity)
                                      .where(SyncActivity.id.in_(waited_for))):
            loaded["activity", row.id] = row
    return loaded


def _source(activity: SyncActivity, loaded: dict | None = None):
    found = (loaded or {}).get((activity.source_kind, activity.source_id))
    return found or db.session.get(SOURCES[activity.source_kind], activity.source_id)


def payload_for(store: Store, activity: SyncActivity, loaded: dict | None = None) -> dict | None:
    """The Accurate payload of an activity (None: nothing to send, e.g. a count that matched);
    `loaded`: what _preload read for its batch."""
    source, number = _source(activity, loaded), activity.accurate_number
    after = activity.waits_for.accurate_number if activity.waits_for else None
    match activity.kind:
        case ActivityKind.CUSTOMER:
            return documents.customer(store, source, number)
        case ActivityKind.SALES_INVOICE:
            return documents.sales_invoice(store, source, number)
        case ActivityKind.SALES_RECEIPT:
            return documents.sales_receipt(store, source, number, after)
        case ActivityKind.TRANSFER_OUT:
            return documents.transfer_out(store, source, number)
        case ActivityKind.TRANSFER_IN:
            return documents.transfer_in(store, source, number, after)
        case ActivityKind.STOCK_OPNAME:
            return documents.stock_opname(store, source, number)
        case ActivityKind.STOCK_ADJUSTMENT:
            return documents.stock_adjustment(store, source, number)
        case ActivityKind.OTHER_DEPOSIT | ActivityKind.OTHER_PAYMENT:
            return documents.deposit(store, source, number)
    raise ValueError(f"no document for {activity.kind}")


def _send(store: Store, client: AccurateClient, kind: ActivityKind,
          batch: list[SyncActivity]) -> None:
    module = MODULES[kind]
    ids = [a.id for a in batch]
    to_save: list[tuple[SyncActivity, dict]] = []
    loaded = _preload(batch)
    for activity in batch:
        try:
            payload = payload_for(store, activity, loaded)
        except FinalError as problem:
            _fail(activity, problem)
            continue
        if payload is None:
            _succeed(activity, {}, note=say("Nothing to send: no differences were counted."))
            continue
        to_save.append((activity, payload))
    # Counted and committed before anything is sent: if this worker dies mid-call, the next
    # attempt knows the outcome is unknown and looks the number up first.
    uncertain = {a.id for a, _ in to_save if a.attempts > 0}
    for activity, _ in to_save:
        activity.attempts += 1
    db.session.commit()
    _reload(ids)
    try:
        # One look-up for every row whose earlier attempt may have saved it.
        found = client.find_numbers(module, [a.accurate_number for a, _ in to_save
                                             if a.id in uncertain and a.accurate_number])
        remaining = []
        for activity, payload in to_save:
            if activity.accurate_number in found:
                _succeed(activity, found[activity.accurate_number])
            elif activity.id in uncertain and not activity.accurate_number and \
                    (earlier := _unnumbered_customer(client, activity)):
                _succeed(activity, earlier)
            else:
                remaining.append((activity, payload))
        if len(remaining) == 1:
            activity, payload = remaining[0]
            results = [_save_one(client, module, payload)]
        elif remaining:
            results = client.bulk_save(module, [payload for _, payload in remaining])
        else:
            results = []
    except RetryableError as error:
        for activity, _ in to_save:
            if activity.status == Status.PENDING:
                _retry_later(activity, error)
        db.session.commit()
        return
    for (activity, _), result in zip(remaining, results, strict=True):
        if isinstance(result, FinalError):
            _resolve_refusal(client, module, activity, result)
        else:
            _succeed(activity, result)
    db.session.commit()


def _unnumbered_customer(client: AccurateClient, activity: SyncActivity) -> dict | None:
    """A customer Accurate numbered itself has no number of ours to look up: it is found by
    the marker its save wrote instead."""
    if activity.kind != ActivityKind.CUSTOMER:
        return None
    marker = documents.customer_marker(_source(activity))
    rows = client.list("customer", fields="id,customerNo,notes", filters={"keywords": marker})
    return next((row for row in rows if row.get("notes") == marker), None)


def _save_one(client: AccurateClient, module: str, payload: dict) -> dict | FinalError:
    try:
        return client.save(module, payload)
    except FinalError as error:
        return error


def _resolve_refusal(client, module, activity, error: FinalError) -> None:
    """A refused save whose number Accurate already has was saved by an earlier attempt whose
    answer was lost: adopt it rather than report a duplicate."""
    if activity.accurate_number and error.reason.says(DUPLICATE_NUMBER):
        found = client.find_by_number(module, activity.accurate_number)
        if found:
            _succeed(activity, found)
            return
    _fail(activity, error)


def _succeed(activity: SyncActivity, saved: dict, note: Said | None = None) -> None:
    activity.status = Status.SUCCESS
    activity.accurate_id = saved.get("id") or activity.accurate_id
    number = saved.get("number") or saved.get("customerNo") or saved.get("no")
    activity.accurate_number = number or activity.accurate_number
    tell(activity, note)
    activity.claimed_by = activity.claimed_until = None
    activity.finished_at = utcnow()
    if activity.kind == ActivityKind.CUSTOMER and activity.accurate_number:
        _source(activity).accurate_customer_no = activity.accurate_number


def _fail(activity: SyncActivity, error: AccurateError) -> None:
    activity.status = Status.FAILED
    tell(activity, error.reason, error.next_step, error.messages)
    activity.claimed_by = activity.claimed_until = None
    activity.finished_at = utcnow()


def _retry_later(activity: SyncActivity, error: RetryableError) -> None:
    config = current_app.config
    if activity.attempts >= config["RETRY_ATTEMPTS"]:
        _fail(activity, AccurateError(
            say("Accurate kept failing after %(attempts)s attempts: %(reason)s",
                attempts=activity.attempts, reason=error.reason),
            say("Check that Accurate is up, then refresh this row.")))
        return
    wait = backoff(activity.attempts, error.retry_after, cap=config["RETRY_CAP_SECONDS"])
    activity.due_at = utcnow() + timedelta(seconds=wait)
    tell(activity, error.reason, error.next_step)
    activity.claimed_by = activity.claimed_until = None
