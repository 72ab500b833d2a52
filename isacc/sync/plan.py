"""Which Accurate documents an iSeller record becomes: one sync activity each, with the number
it will carry in Accurate (decided now, so a retry can look it up) and what it waits for."""

from isacc.extensions import db
from isacc.models import (
    ActivityKind,
    Customer,
    Deposit,
    DepositPurpose,
    Payout,
    SalesOrder,
    Status,
    StockAdjustment,
    StockOpname,
    Store,
    SyncActivity,
    Transfer,
)
from isacc.models.base import utcnow
from isacc.sync.schedule import due_at


def _activity(store: Store, kind: ActivityKind, source, *, number: str | None,
              outlet_id: int | None, source_at, source_number: str | None,
              waits_for: SyncActivity | None = None, shift=None) -> SyncActivity:
    activity = SyncActivity(
        store_id=store.id, outlet_id=outlet_id, kind=kind,
        source_kind=source.__tablename__, source_id=source.id, source_number=source_number,
        source_at=source_at, status=Status.PENDING, accurate_number=number,
        waits_for=waits_for, due_at=due_at(store, kind, utcnow(), shift),
    )
    db.session.add(activity)
    return activity


def customer_number(store: Store, customer: Customer) -> str | None:
    """The customerNo isacc gives the customer, or None to let Accurate number it."""
    if store.customer_id_mapping and customer.customer_code:
        return customer.customer_code
    return None


def customer_activity(customer: Customer) -> SyncActivity | None:
    return db.session.scalar(db.select(SyncActivity).where(
        SyncActivity.store_id == customer.store_id, SyncActivity.kind == ActivityKind.CUSTOMER,
        SyncActivity.source_kind == "customer", SyncActivity.source_id == customer.id))


def plan_customer(store: Store, customer: Customer) -> SyncActivity | None:
    """A customer activity, unless the customer is already in Accurate or on its way."""
    if customer.accurate_customer_no or customer_activity(customer) is not None:
        return None
    return _activity(store, ActivityKind.CUSTOMER, customer,
                     number=customer_number(store, customer), outlet_id=None,
                     source_at=customer.created_at or utcnow(),
                     # A customer without a code is known by its name, cut to fit the label.
                     source_number=(customer.customer_code or customer.name)[:64])


def plan_sales_order(store: Store, order: SalesOrder) -> list[SyncActivity]:
    """The sales invoice, then a sales receipt per payment (each waits for the invoice)."""
    waits_for = None
    if order.customer is not None and not order.customer.accurate_customer_no:
        synced = customer_activity(order.customer) or plan_customer(store, order.customer)
        waits_for = synced if synced.status != Status.SUCCESS else None
    invoice = _activity(store, ActivityKind.SALES_INVOICE, order, number=order.order_number,
                        outlet_id=order.outlet_id, source_at=order.ordered_at,
                        source_number=order.order_number, waits_for=waits_for,
                        shift=order.shift)
    activities = [invoice]
    for n, payment in enumerate(order.payments, start=1):
        activities.append(_activity(
            store, ActivityKind.SALES_RECEIPT, payment, number=f"{order.order_number}-{n}",
            outlet_id=order.outlet_id, source_at=payment.paid_at,
            source_number=f"{order.order_number}-{n}", waits_for=invoice, shift=order.shift))
    return activities


def plan_transfer(store: Store, transfer: Transfer) -> list[SyncActivity]:
    """Transfer out from the sending outlet, then transfer in, which waits for it."""
    out = _activity(store, ActivityKind.TRANSFER_OUT, transfer, number=f"{transfer.number}-OUT",
                    outlet_id=transfer.from_outlet_id, source_at=transfer.sent_at,
                    source_number=transfer.number)
    into = _activity(store, ActivityKind.TRANSFER_IN, transfer, number=f"{transfer.number}-IN",
                     outlet_id=transfer.to_outlet_id or transfer.from_outlet_id,
                     source_at=transfer.received_at or transfer.sent_at,
                     source_number=transfer.number, waits_for=out)
    return [out, into]


# Stock opnames and stock adjustments both become Accurate item adjustments, while iSeller
# numbers each kind on its own ("0001" may be both): each gets a number space of its own, as
# transfers' two ends do (-OUT, -IN).
def opname_number(number: str) -> str:
    return f"{number}-OPN"


def adjustment_number(number: str) -> str:
    return f"{number}-ADJ"


def plan_stock_opname(store: Store, opname: StockOpname) -> list[SyncActivity]:
    return [_activity(store, ActivityKind.STOCK_OPNAME, opname,
                      number=opname_number(opname.number),
                      outlet_id=opname.outlet_id, source_at=opname.counted_at,
                      source_number=opname.number)]


def plan_stock_adjustment(store: Store, adjustment: StockAdjustment) -> list[SyncActivity]:
    return [_activity(store, ActivityKind.STOCK_ADJUSTMENT, adjustment,
                      number=adjustment_number(adjustment.number),
                      outlet_id=adjustment.outlet_id, source_at=adjustment.adjusted_at,
                      source_number=adjustment.number)]


# A register cash movement's Accurate document (documents.deposit).
DEPOSIT_KINDS = {DepositPurpose.BANK: ActivityKind.BANK_TRANSFER,
                 DepositPurpose.EXPENSE: ActivityKind.OTHER_PAYMENT,
                 DepositPurpose.TOP_UP: ActivityKind.OTHER_DEPOSIT}


def plan_deposit(store: Store, deposit: Deposit) -> list[SyncActivity]:
    kind = DEPOSIT_KINDS[deposit.purpose]
    number = f"DEP-{deposit.iseller_id}"
    return [_activity(store, kind, deposit, number=number, outlet_id=deposit.outlet_id,
                      source_at=deposit.deposited_at, source_number=number,
                      shift=deposit.shift)]


def plan_payout(store: Store, payout: Payout) -> list[SyncActivity]:
    number = f"PAYOUT-{payout.iseller_id}"
    return [_activity(store, ActivityKind.PAYOUT, payout, number=number,
                      outlet_id=payout.outlet_id, source_at=payout.paid_out_at,
                      source_number=number)]
