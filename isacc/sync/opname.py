"""What a stock opname waits for: the earlier stock movements of its outlet that move an item
it counts (a sale, a transfer either way, an adjustment, an earlier count of one of them),
until they are in Accurate. A movement of other items never holds a count back.

Waiting keeps Accurate's stock at the count from the moment the count is in: a count sends
the counted differences, so one sent before such a movement is right only once that movement
is in too, and off the count by what it moves until then. When that movement has failed, the
owner may accept this (`send_anyway`): the choice is kept on each failed row the count went
past, keyed by the count's row, and lasts while that row stays failed (a refresh rewrites its
wording, and a count still waiting then waits for it again, as it can now go first)."""

from datetime import datetime

from sqlalchemy import and_, or_
from sqlalchemy.orm import aliased

from isacc.extensions import db
from isacc.models import (
    ActivityKind,
    SalesOrderLine,
    Status,
    StockAdjustmentLine,
    StockOpnameLine,
    SyncActivity,
    TransferLine,
)

# The lines of each stock movement's source (by the activity's source_kind): the column that
# names the source, and the SKU. Both ends of a transfer read the transfer's lines; each end
# sits in the lane of the outlet whose stock it moves (a transfer in, in the receiving one's).
# A transfer in to a warehouse that is no outlet sits in the sender's lane and is waited for
# there too, though it moves nothing there: it follows its transfer out, waited for anyway.
MOVE_LINES = {
    "sales_order": (SalesOrderLine.order_id, SalesOrderLine.sku),
    "transfer": (TransferLine.transfer_id, TransferLine.sku),
    "stock_adjustment": (StockAdjustmentLine.adjustment_id, StockAdjustmentLine.sku),
    "stock_opname": (StockOpnameLine.opname_id, StockOpnameLine.sku),
}
# What moves an outlet's stock.
STOCK_MOVES = {ActivityKind.SALES_INVOICE, ActivityKind.TRANSFER_OUT, ActivityKind.TRANSFER_IN,
               ActivityKind.STOCK_ADJUSTMENT, ActivityKind.STOCK_OPNAME}
# On a failed row's wording: the counts sent past it, {"<opname row id>": "<when>"}.
SENT_PAST = "counts_sent_past"


def _earlier_moves_of_counted_items(opname: SyncActivity):
    """The earlier movements of the count's outlet, not yet in Accurate, that move one of the
    SKUs it counts, oldest first. One query however many lines either side has: the SKUs are
    read by a subquery, and each movement's lines by an EXISTS on its own line table."""
    counted_line = aliased(StockOpnameLine)
    counted = db.select(counted_line.sku).where(counted_line.opname_id == opname.source_id)
    moves_a_counted_item = or_(*(
        and_(SyncActivity.source_kind == source_kind,
             db.select(names).where(names == SyncActivity.source_id, sku.in_(counted))
             .correlate(SyncActivity).exists())
        for source_kind, (names, sku) in MOVE_LINES.items()))
    return (
        db.select(SyncActivity)
        .where(SyncActivity.store_id == opname.store_id,
               SyncActivity.outlet_id == opname.outlet_id,
               SyncActivity.kind.in_(STOCK_MOVES), SyncActivity.status != Status.SUCCESS,
               or_(SyncActivity.source_at < opname.source_at,
                   and_(SyncActivity.source_at == opname.source_at,
                        SyncActivity.id < opname.id)),
               moves_a_counted_item)
        .order_by(SyncActivity.source_at, SyncActivity.id))


def _sent_past(opname: SyncActivity):
    """Whether the owner sent this count past the (failed) row."""
    return SyncActivity.wording[(SENT_PAST, str(opname.id))].as_string().is_not(None)


def holding_back(opname: SyncActivity) -> SyncActivity | None:
    """The earliest row the count waits for: pending, or failed and not sent past."""
    return db.session.scalar(_earlier_moves_of_counted_items(opname).where(
        or_(SyncActivity.status == Status.PENDING, ~_sent_past(opname))).limit(1))


def waits(activity: SyncActivity) -> bool:
    """Whether a stock opname must wait; if so its row points at what it waits for (the row
    then says which), and a reason left by an earlier attempt gives way to that."""
    if activity.kind != ActivityKind.STOCK_OPNAME:
        return False
    earlier = holding_back(activity)
    if earlier is not None and (activity.waits_for_id != earlier.id or activity.reason):
        activity.waits_for_id = earlier.id
        activity.reason = activity.next_step = activity.wording = None
        db.session.commit()
    return earlier is not None


def look_again(store_id: int, outlet_id: int | None) -> None:
    """Counts of the lane pointing at a failed row are not ready, so nothing else looks at
    them: point each at what holds it back now (nothing, for a count pointed at a failure of
    other items when every movement of the outlet held counts back)."""
    failed = aliased(SyncActivity)
    counts = db.session.scalars(
        db.select(SyncActivity).join(failed, SyncActivity.waits_for_id == failed.id)
        .where(SyncActivity.store_id == store_id, SyncActivity.outlet_id == outlet_id,
               SyncActivity.kind == ActivityKind.STOCK_OPNAME,
               SyncActivity.status == Status.PENDING, failed.status == Status.FAILED)).all()
    for count in counts:
        earlier = holding_back(count)
        count.waits_for_id = earlier.id if earlier is not None else None
    if counts:
        db.session.commit()


def can_send_anyway(activity: SyncActivity) -> bool:
    """A pending count waiting for a failed movement of its items."""
    return (activity.kind == ActivityKind.STOCK_OPNAME and activity.status == Status.PENDING
            and activity.waits_for is not None and activity.waits_for.status == Status.FAILED)


def send_anyway(opname: SyncActivity, now: datetime) -> bool:
    """The owner's choice: the count stops waiting for the failed movements of its items
    (every one failed now, not only the one it names). It still waits for pending ones, and
    for a movement that fails later. False when it was not waiting for a failed one."""
    if not can_send_anyway(opname):
        return False
    failed = db.session.scalars(_earlier_moves_of_counted_items(opname)
                                .where(SyncActivity.status == Status.FAILED)).all()
    for row in failed:
        wording = row.wording or {}
        # New dicts, so the change is seen and saved.
        row.wording = {**wording, SENT_PAST: {**wording.get(SENT_PAST, {}),
                                              str(opname.id): now.isoformat()}}
    db.session.flush()
    earlier = holding_back(opname)
    opname.waits_for_id = earlier.id if earlier is not None else None
    return True
