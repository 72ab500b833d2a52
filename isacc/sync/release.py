"""Making waiting activities due: when a register shift closes, and when the store's settings
change (a new sync mode applies to what is already pending)."""

from sqlalchemy import func, or_, update
from sqlalchemy.orm import aliased

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


def shifts_query():
    """(activity id, its register shift) for activities whose source was taken in a shift: a
    sales order, one of its payments, or a deposit. Callers add which activities; one query
    however many there are."""
    paid = aliased(SalesOrder)
    of = SyncActivity.source_id
    return (
        db.select(SyncActivity.id, RegisterShift).select_from(SyncActivity)
        .outerjoin(SalesOrder, (SyncActivity.source_kind == "sales_order") & (SalesOrder.id == of))
        .outerjoin(SalesPayment,
                   (SyncActivity.source_kind == "sales_payment") & (SalesPayment.id == of))
        .outerjoin(paid, paid.id == SalesPayment.order_id)
        .outerjoin(Deposit, (SyncActivity.source_kind == "deposit") & (Deposit.id == of))
        .join(RegisterShift, RegisterShift.id == func.coalesce(
            SalesOrder.shift_id, paid.shift_id, Deposit.shift_id))
    )


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
    gives (the switch may change after iSeller sent them, e.g. during set-up). A row a
    worker holds keeps its number: the worker may already have sent it, and a retry looks
    the sent number up."""
    now = utcnow()
    untouched = (SyncActivity.outcome_unknown.is_(False), SyncActivity.status == Status.PENDING,
                 or_(SyncActivity.claimed_until.is_(None), SyncActivity.claimed_until < now))
    for activity_id, customer in db.session.execute(
            db.select(SyncActivity.id, Customer).join(
                Customer, Customer.id == SyncActivity.source_id)
            .where(SyncActivity.store_id == store.id, SyncActivity.kind == ActivityKind.CUSTOMER,
                   SyncActivity.source_kind == "customer", *untouched)).all():
        # Checked again in the UPDATE itself: a worker's claim between the read and here wins.
        db.session.execute(
            update(SyncActivity).where(SyncActivity.id == activity_id, *untouched)
            .values(accurate_number=customer_number(store, customer))
            .execution_options(synchronize_session="fetch"))


def replan_pending(store: Store) -> int:
    """Recompute when each pending activity may go under the store's current settings."""
    now = utcnow()
    changed = 0
    untried = (SyncActivity.store_id == store.id, SyncActivity.status == Status.PENDING,
               SyncActivity.attempts == 0)
    shifts = dict(db.session.execute(shifts_query().where(*untried)).all())
    for activity in db.session.scalars(db.select(SyncActivity).where(*untried)):
        due = due_at(store, activity.kind, now, shifts.get(activity.id))
        already_due = activity.due_at is not None and activity.due_at <= now
        if due is not None and due <= now and already_due:
            continue  # still "now": keep its place in the queue
        if due != activity.due_at:
            activity.due_at = due
            changed += 1
    return changed
