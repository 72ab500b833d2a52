"""Making waiting activities due: when a register shift closes, and when the store's settings
change (a new sync mode applies to what is already pending)."""

from sqlalchemy import or_

from isacc.extensions import db
from isacc.models import (
    ActivityKind,
    Customer,
    Deposit,
    RegisterShift,
    SalesOrder,
    SalesPayment,
    Status,
    Store,
    SyncActivity,
)
from isacc.models.base import utcnow
from isacc.sync.plan import customer_number
from isacc.sync.schedule import due_at

SHIFT_SOURCES = {"sales_order": SalesOrder, "sales_payment": SalesPayment, "deposit": Deposit}


def _shift_of(activity: SyncActivity) -> RegisterShift | None:
    model = SHIFT_SOURCES.get(activity.source_kind)
    if model is None:
        return None
    source = db.session.get(model, activity.source_id)
    return source.order.shift if model is SalesPayment else source.shift


def release_shift(store: Store, shift: RegisterShift) -> list[SyncActivity]:
    """Everything of a closed shift that waited for the close becomes due now."""
    order_ids = db.select(SalesOrder.id).where(SalesOrder.shift_id == shift.id)
    payment_ids = db.select(SalesPayment.id).where(SalesPayment.order_id.in_(order_ids))
    deposit_ids = db.select(Deposit.id).where(Deposit.shift_id == shift.id)
    waiting = db.session.scalars(db.select(SyncActivity).where(
        SyncActivity.store_id == store.id, SyncActivity.status == Status.PENDING,
        SyncActivity.due_at.is_(None),
        or_(
            (SyncActivity.source_kind == "sales_order") & SyncActivity.source_id.in_(order_ids),
            (SyncActivity.source_kind == "sales_payment")
            & SyncActivity.source_id.in_(payment_ids),
            (SyncActivity.source_kind == "deposit") & SyncActivity.source_id.in_(deposit_ids),
        ),
    )).all()
    now = utcnow()
    for activity in waiting:
        activity.due_at = now
    return list(waiting)


def renumber_pending_customers(store: Store) -> None:
    """Customers not tried yet take the customer number the current customer-ID mapping
    gives (the switch may change after iSeller sent them, e.g. during set-up)."""
    for activity, customer in db.session.execute(
            db.select(SyncActivity, Customer).join(Customer, Customer.id == SyncActivity.source_id)
            .where(SyncActivity.store_id == store.id, SyncActivity.kind == ActivityKind.CUSTOMER,
                   SyncActivity.source_kind == "customer", SyncActivity.attempts == 0,
                   SyncActivity.status == Status.PENDING)):
        activity.accurate_number = customer_number(store, customer)


def replan_pending(store: Store) -> int:
    """Recompute when each pending activity may go under the store's current settings."""
    now = utcnow()
    changed = 0
    for activity in db.session.scalars(db.select(SyncActivity).where(
            SyncActivity.store_id == store.id, SyncActivity.status == Status.PENDING,
            SyncActivity.attempts == 0)):
        due = due_at(store, activity.kind, now, _shift_of(activity))
        already_due = activity.due_at is not None and activity.due_at <= now
        if due is not None and due <= now and already_due:
            continue  # still "now": keep its place in the queue
        if due != activity.due_at:
            activity.due_at = due
            changed += 1
    return changed
