"""Carrying due sync activities to Accurate: in order per outlet, exactly once.

A lane is one outlet of one store (customers have a lane of their own per store). One worker
at a time works a lane, oldest document first; any number of lanes run at once on any number
of workers, and the shared limiter keeps them all inside Accurate's rate limit.

Exactly once: every document carries its number from the start, and a marker of its row
(documents.mark); an attempt is counted, and its outcome marked unknown, before it is sent,
so after a crash, a time-out or a lost answer the next attempt looks the number up and adopts
what it finds only when the marker proves it isacc's. A worker's claim on a row is an atomic
conditional UPDATE, renewed while it sends (lease.py), and outcomes are written only where the
claim is still its own (send.py), so two workers never both send or settle a row.
"""

import os
import secrets
import socket
from datetime import timedelta
from functools import partial

from flask import current_app
from sqlalchemy import or_, update
from sqlalchemy.orm import aliased, selectinload

from isacc.accurate.connection import client_for
from isacc.extensions import db
from isacc.models import (
    ActivityKind,
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
from isacc.reasons import Said, say, told
from isacc.sync import documents, opname, send
from isacc.sync.lease import Lease
from isacc.sync.opname import STOCK_MOVES
from isacc.sync.send import SOURCES, source

_names: dict[int, str] = {}


def worker_name() -> str:
    """This process's name on the rows it claims. Host and pid alone repeat across
    containers (every container's first process is pid 1 on a host named alike), so a
    random part makes two of them never share a claim."""
    pid = os.getpid()
    if pid not in _names:
        _names[pid] = f"{socket.gethostname()[:40]}:{pid}:{secrets.token_hex(4)}"
    return _names[pid]


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


def next_batch(ready: list[SyncActivity]) -> list[SyncActivity]:
    """The documents to send in one call: the oldest ready one's kind, as many as are ready,
    except that a stock movement never overtakes an earlier one of another kind."""
    kind = ready[0].kind
    batch = []
    for activity in ready:
        if activity.kind == kind:
            batch.append(activity)
        # None of the stock movements overtakes an earlier one of another kind (stock may not
        # go negative); a stock opname also waits for those of its items (isacc.sync.opname).
        elif kind in STOCK_MOVES and activity.kind in STOCK_MOVES:
            break
    return batch


def run_lane(store_id: int, outlet_id: int | None, worker: str | None = None,
             keep_going=lambda: True, lock=None) -> set:
    """Send every ready activity of the lane; returns the other lanes whose activities were
    waiting for one that succeeded here (the caller enqueues them). `keep_going` is asked
    before each batch; `lock`, the lane's lock, is renewed with the batch's claims while it
    is sent."""
    worker = worker or worker_name()
    store = db.session.get(Store, store_id)
    woken: set = set()
    client = None
    opname.look_again(store_id, outlet_id)
    while keep_going():
        # Before every batch: an outlet deactivated while its lane runs stops at the next one.
        if outlet_id is not None and hold_inactive(store_id, outlet_id):
            break
        now = utcnow()
        ready = db.session.scalars(ready_query(store_id, outlet_id, now)
                                   .limit(current_app.config["SYNC_BATCH"])).all()
        ready = [a for a in ready if not opname.waits(a)]
        if not ready:
            break
        batch = claim([a.id for a in next_batch(ready)], worker, now)
        if not batch:
            break
        ids = [a.id for a in batch]
        loaded = _preload(batch)
        with Lease(ids, worker, lock) as lease:
            if client is None:
                try:
                    client = client_for(store)
                except Exception as error:  # noqa: BLE001 - not connected, reconnect...
                    # Not a failure of these documents: they wait, and nothing was counted.
                    send.Pass(store, None, batch, worker, lease).settle_error(
                        error, batch, sent=False)
                    break
            done = send.send(store, client, batch, worker, lease,
                             partial(payload_for, store, loaded=loaded))
        woken |= _lanes_waiting_on(ids)
        if done.stop:
            break
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


# ---- building ----------------------------------------------------------------------------------

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
        for record in db.session.scalars(db.select(model).where(model.id.in_(ids))
                                         .options(*SOURCE_LOADS.get(kind, ()))):
            loaded[kind, record.id] = record
    waited_for = [a.waits_for_id for a in batch if a.waits_for_id]
    if waited_for:
        for row in db.session.scalars(db.select(SyncActivity)
                                      .where(SyncActivity.id.in_(waited_for))):
            loaded["activity", row.id] = row
    return loaded


def payload_for(store: Store, activity: SyncActivity, loaded: dict | None = None) -> dict | None:
    """The Accurate payload of an activity (None: nothing to send, e.g. a count that matched);
    `loaded`: what _preload read for its batch."""
    record, number = source(activity, loaded), activity.accurate_number
    after = activity.waits_for.accurate_number if activity.waits_for else None
    match activity.kind:
        case ActivityKind.CUSTOMER:
            return documents.customer(store, record, number)
        case ActivityKind.SALES_INVOICE:
            return documents.sales_invoice(store, record, number)
        case ActivityKind.SALES_RECEIPT:
            return documents.sales_receipt(store, record, number, after)
        case ActivityKind.TRANSFER_OUT:
            return documents.transfer_out(store, record, number)
        case ActivityKind.TRANSFER_IN:
            return documents.transfer_in(store, record, number, after)
        case ActivityKind.STOCK_OPNAME:
            return documents.stock_opname(store, record, number)
        case ActivityKind.STOCK_ADJUSTMENT:
            return documents.stock_adjustment(store, record, number)
        case ActivityKind.OTHER_DEPOSIT | ActivityKind.OTHER_PAYMENT | \
                ActivityKind.BANK_TRANSFER:
            return documents.deposit(store, record, number)
        case ActivityKind.PAYOUT:
            return documents.payout(store, record, number)
    raise ValueError(f"no document for {activity.kind}")


