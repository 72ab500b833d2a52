"""Storing an iSeller event: its records and their sync activities, in one transaction.

Every problem with an event (an unknown outlet, customer or shift...) is gathered before
anything is written, so a refused event leaves nothing behind.
"""

from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError

from isacc import channels
from isacc.extensions import db
from isacc.inbound import schemas
from isacc.models import (
    Customer,
    Deposit,
    DepositDirection,
    DepositPurpose,
    InboundEvent,
    Outlet,
    Payout,
    Product,
    ProductStock,
    RegisterShift,
    SalesOrder,
    SalesOrderLine,
    SalesPayment,
    ShiftStatus,
    StockAdjustment,
    StockAdjustmentLine,
    StockOpname,
    StockOpnameLine,
    Store,
    SyncActivity,
    Transfer,
    TransferLine,
)
from isacc.models.base import utcnow
from isacc.payment_methods import with_methods
from isacc.sync import plan
from isacc.sync.release import release_shift
from isacc.webhooks.apply import dialect_insert


class EventRefused(Exception):
    """The event names things isacc does not know; `problems` lists every one."""

    def __init__(self, problems: list[dict]):
        super().__init__("; ".join(p["message"] for p in problems))
        self.problems = problems


class EventConflict(Exception):
    """The event id was received before with another body: the same key, another event."""


# Tries at storing an event: after a unique key turned an insert down, the second look finds
# what the other event stored meanwhile, and answers as if it had been there all along.
LOOKS = 2


@dataclass
class Ingested:
    duplicate: bool = False
    activities: list[SyncActivity] = field(default_factory=list)


class _Lookup:
    """Finds a store's records by iSeller id, noting each one that is missing."""

    def __init__(self, store: Store):
        self.store = store
        self.problems: list[dict] = []

    def find(self, model, iseller_id: str | None, where: str, what: str):
        if iseller_id is None:
            return None
        found = db.session.scalar(db.select(model).where(
            model.store_id == self.store.id, model.iseller_id == iseller_id))
        if found is None:
            self.problems.append({"field": where,
                                  "message": f"unknown {what} {iseller_id!r}: send it first"})
        return found

    def products(self, lines, where: str) -> list:
        """The product of each line (None where the line names none)."""
        return [self.find(Product, line.product_id, f"{where}.{i}.product_id", "product")
                for i, line in enumerate(lines)]

    def check(self) -> None:
        if self.problems:
            raise EventRefused(self.problems)


def _planned(store: Store, record, planner) -> Ingested:
    """Store a document and plan its sync activities."""
    db.session.add(record)
    db.session.flush()
    return Ingested(activities=planner(store, record))


def ingest(store: Store, event_type: str, event: schemas.Event, *,
           body_digest: str | None = None, signature: str | None = None) -> Ingested:
    """Store the event and plan its activities; the caller commits. A repeated event_id (or
    a repeated record id for documents) changes nothing and says so; a repeated event_id
    with another `body_digest` raises EventConflict. The event keeps the request's
    `signature`, so that signature is used up by this transaction and nothing else.

    Two events stored at once may both pass the looks and then meet at a unique key: the
    loser rolls back and looks again, and then finds the winner's records."""
    for _ in range(LOOKS):
        try:
            return _ingest_once(store, event_type, event, body_digest, signature)
        except IntegrityError:
            db.session.rollback()
    raise EventConflict(f"event {event.event_id} met other events changing the same records "
                        f"at the same moment: send it again")


def _ingest_once(store: Store, event_type: str, event: schemas.Event,
                 body_digest: str | None, signature: str | None) -> Ingested:
    earlier = db.session.execute(db.select(InboundEvent.body_digest).where(
        InboundEvent.store_id == store.id, InboundEvent.event_id == event.event_id)).first()
    if earlier is not None:
        # Events stored before bodies had digests cannot be compared: taken as the same.
        if None not in (earlier.body_digest, body_digest) \
                and earlier.body_digest != body_digest:
            raise EventConflict(f"event {event.event_id} was already received with another "
                                f"body: a changed record needs a new event_id")
        return Ingested(duplicate=True)
    result = HANDLERS[event_type](store, event)
    db.session.add(InboundEvent(store_id=store.id, event_id=event.event_id,
                                event_type=event_type, body_digest=body_digest,
                                signature=signature))
    db.session.flush()
    return result


def _existing(store: Store, model, iseller_id: str):
    return db.session.scalar(db.select(model).where(
        model.store_id == store.id, model.iseller_id == iseller_id))


def _known(store: Store, model, data, where: str, lookup: _Lookup) -> bool:
    """Whether this document is stored already (a repeat); notes a problem when another
    document of its kind has its number. One look for both."""
    known = db.session.scalars(db.select(model.iseller_id).where(
        model.store_id == store.id,
        (model.iseller_id == data.id) | (model.number == data.number))).all()
    if data.id in known:
        return True
    if known:
        lookup.problems.append({"field": where,
                                "message": f"number {data.number} is already used"})
    return False


def _outlet(store: Store, event: schemas.OutletEvent) -> Ingested:
    data = event.outlet
    outlet = _existing(store, Outlet, data.id) or Outlet(store_id=store.id, iseller_id=data.id)
    outlet.name, outlet.address = data.name, data.address
    # Methods earlier sales used stay: their receipts need their mapping rows.
    outlet.payment_methods = with_methods(outlet.payment_methods, data.payment_methods)
    db.session.add(outlet)
    return Ingested()


PRODUCT_FIELDS = ("name", "sku", "category", "unit", "item_type", "price", "cost")


def _products(store: Store, event: schemas.ProductEvent) -> Ingested:
    """Every product and stock level of the event in two upserts (sent a thousand rows a
    statement), whatever their number: a statement and a flush per product took a largest
    event past gunicorn's time-out. A product or stock level named twice keeps its last
    values, as iSeller's order of them says."""
    products: dict[str, schemas.ProductData] = {}
    levels: dict[tuple[str, str], schemas.StockLevel] = {}
    first_named: dict[str, str] = {}
    for i, data in enumerate(event.products):
        products[data.id] = data
        for j, level in enumerate(data.stock):
            levels[(data.id, level.outlet_id)] = level
            first_named.setdefault(level.outlet_id, f"products.{i}.stock.{j}.outlet_id")
    outlets = dict(db.session.execute(db.select(Outlet.iseller_id, Outlet.id).where(
        Outlet.store_id == store.id, Outlet.iseller_id.in_(first_named))).all())
    lookup = _Lookup(store)
    for iseller_id, where in first_named.items():
        if iseller_id not in outlets:
            lookup.problems.append({"field": where,
                                    "message": f"unknown outlet {iseller_id!r}: send it first"})
    lookup.check()
    # Rows in key order, so two events upserting the same products lock them in one order.
    now = utcnow()
    rows = [{"store_id": store.id, "iseller_id": iseller_id, "created_at": now,
             "updated_at": now, **{name: getattr(data, name) for name in PRODUCT_FIELDS}}
            for iseller_id, data in sorted(products.items())]
    upsert = dialect_insert()(Product)
    ids = dict(db.session.execute(upsert.on_conflict_do_update(
        index_elements=["store_id", "iseller_id"],
        set_={name: upsert.excluded[name] for name in (*PRODUCT_FIELDS, "updated_at")})
        .returning(Product.iseller_id, Product.id), rows).all())
    rows = sorted(({"product_id": ids[product], "outlet_id": outlets[outlet],
                    "quantity": level.quantity, "incoming": 0, "updated_at": now}
                   for (product, outlet), level in levels.items()),
                  key=lambda row: (row["product_id"], row["outlet_id"]))
    if rows:
        upsert = dialect_insert()(ProductStock)
        db.session.execute(upsert.on_conflict_do_update(
            index_elements=["product_id", "outlet_id"],
            set_={"quantity": upsert.excluded.quantity, "updated_at": upsert.excluded.updated_at}),
            rows)
    # The statements went round the session: what it held of these rows is stale now.
    for held in list(db.session.identity_map.values()):
        if isinstance(held, Product | ProductStock):
            db.session.expire(held)
    return Ingested()


def _customer(store: Store, event: schemas.CustomerEvent) -> Ingested:
    data = event.customer
    customer = _existing(store, Customer, data.id) or Customer(store_id=store.id,
                                                               iseller_id=data.id)
    for name in ("name", "customer_code", "email", "phone"):
        setattr(customer, name, getattr(data, name))
    db.session.add(customer)
    db.session.flush()
    activity = plan.plan_customer(store, customer)
    return Ingested(activities=[activity] if activity else [])


def _shift(store: Store, event: schemas.ShiftEvent) -> Ingested:
    data = event.shift
    lookup = _Lookup(store)
    outlet = lookup.find(Outlet, data.outlet_id, "shift.outlet_id", "outlet")
    lookup.check()
    shift = _existing(store, RegisterShift, data.id) or RegisterShift(
        store_id=store.id, iseller_id=data.id, outlet_id=outlet.id, opened_at=data.opened_at,
        register_name=data.register_name)
    db.session.add(shift)
    if data.closed_at is None:
        return Ingested()
    shift.closed_at, shift.status = data.closed_at, ShiftStatus.CLOSED
    db.session.flush()
    return Ingested(activities=release_shift(store, shift))


def _sales_order(store: Store, event: schemas.OrderEvent) -> Ingested:
    data = event.order
    # The order itself, or another order with its number, in one look.
    known = db.session.scalars(db.select(SalesOrder.iseller_id).where(
        SalesOrder.store_id == store.id,
        (SalesOrder.iseller_id == data.id) | (SalesOrder.order_number == data.number))).all()
    if data.id in known:
        return Ingested(duplicate=True)
    lookup = _Lookup(store)
    outlet = lookup.find(Outlet, data.outlet_id, "order.outlet_id", "outlet")
    shift = lookup.find(RegisterShift, data.shift_id, "order.shift_id", "shift")
    customer = lookup.find(Customer, data.customer_id, "order.customer_id", "customer")
    products = lookup.products(data.lines, "order.lines")
    if known:
        lookup.problems.append({"field": "order.number",
                                "message": f"order number {data.number} is already used"})
    lookup.check()
    # A method first seen here gets its row on the outlet's mapping form.
    outlet.payment_methods = with_methods(outlet.payment_methods,
                                          [p.method for p in data.payments])
    order = SalesOrder(
        store_id=store.id, outlet_id=outlet.id, shift=shift, customer=customer,
        iseller_id=data.id, order_number=data.number, ordered_at=data.ordered_at,
        discount_total=data.discount_total, tax_inclusive=data.tax_inclusive,
        channel=channels.key(data.channel, data.channel_detail),
        service_charge=data.service_charge, service_charge_tax=data.service_charge_tax,
        rounding=data.rounding, tip=data.tip,
        tax_total=sum((line.tax for line in data.lines), 0), total=data.total,
        subtotal=sum((line.quantity * line.unit_price for line in data.lines), 0),
    )
    for line, product in zip(data.lines, products, strict=True):
        order.lines.append(SalesOrderLine(
            product_id=product.id if product else None, sku=line.sku, name=line.name,
            quantity=line.quantity, unit_price=line.unit_price, discount=line.discount,
            tax=line.tax, line_total=line.total_in(data.tax_inclusive)))
    for payment in data.payments:
        order.payments.append(SalesPayment(
            method=payment.method, amount=payment.amount, mdr_fee=payment.mdr_fee,
            reference=payment.reference, paid_at=payment.paid_at or data.ordered_at))
    if not channels.books(store, order.channel):
        # Kept, out of the books until the owner picks its channel (isacc.channels).
        db.session.add(order)
        db.session.flush()
        return Ingested()
    return _planned(store, order, plan.plan_sales_order)


def _transfer(store: Store, event: schemas.TransferEvent) -> Ingested:
    data = event.transfer
    lookup = _Lookup(store)
    if _known(store, Transfer, data, "transfer.number", lookup):
        return Ingested(duplicate=True)
    source = lookup.find(Outlet, data.from_outlet_id, "transfer.from_outlet_id", "outlet")
    target = lookup.find(Outlet, data.to_outlet_id, "transfer.to_outlet_id", "outlet")
    products = lookup.products(data.lines, "transfer.lines")
    lookup.check()
    transfer = Transfer(
        store_id=store.id, iseller_id=data.id, number=data.number, from_outlet_id=source.id,
        to_outlet_id=target.id if target else None, to_warehouse_name=data.to_warehouse_name,
        sent_at=data.sent_at, received_at=data.received_at,
        lines=[TransferLine(product_id=p.id if p else None, sku=line.sku,
                            quantity=line.quantity)
               for line, p in zip(data.lines, products, strict=True)],
    )
    return _planned(store, transfer, plan.plan_transfer)


def _stock_opname(store: Store, event: schemas.OpnameEvent) -> Ingested:
    data = event.stock_opname
    lookup = _Lookup(store)
    if _known(store, StockOpname, data, "stock_opname.number", lookup):
        return Ingested(duplicate=True)
    outlet = lookup.find(Outlet, data.outlet_id, "stock_opname.outlet_id", "outlet")
    products = lookup.products(data.lines, "stock_opname.lines")
    lookup.check()
    opname = StockOpname(
        store_id=store.id, iseller_id=data.id, number=data.number, outlet_id=outlet.id,
        counted_at=data.counted_at,
        lines=[StockOpnameLine(product_id=p.id if p else None, sku=line.sku,
                               system_quantity=line.system_quantity,
                               counted_quantity=line.counted_quantity, unit_cost=line.unit_cost)
               for line, p in zip(data.lines, products, strict=True)],
    )
    return _planned(store, opname, plan.plan_stock_opname)


def _stock_adjustment(store: Store, event: schemas.AdjustmentEvent) -> Ingested:
    data = event.stock_adjustment
    lookup = _Lookup(store)
    if _known(store, StockAdjustment, data, "stock_adjustment.number", lookup):
        return Ingested(duplicate=True)
    outlet = lookup.find(Outlet, data.outlet_id, "stock_adjustment.outlet_id", "outlet")
    products = lookup.products(data.lines, "stock_adjustment.lines")
    lookup.check()
    adjustment = StockAdjustment(
        store_id=store.id, iseller_id=data.id, number=data.number, outlet_id=outlet.id,
        adjusted_at=data.adjusted_at, reason=data.reason,
        lines=[StockAdjustmentLine(product_id=p.id if p else None, sku=line.sku,
                                   quantity_change=line.quantity_change,
                                   unit_cost=line.unit_cost)
               for line, p in zip(data.lines, products, strict=True)],
    )
    return _planned(store, adjustment, plan.plan_stock_adjustment)


def _deposit(store: Store, event: schemas.DepositEvent) -> Ingested:
    data = event.deposit
    if _existing(store, Deposit, data.id):
        return Ingested(duplicate=True)
    lookup = _Lookup(store)
    outlet = lookup.find(Outlet, data.outlet_id, "deposit.outlet_id", "outlet")
    shift = lookup.find(RegisterShift, data.shift_id, "deposit.shift_id", "shift")
    lookup.check()
    deposit = Deposit(
        store_id=store.id, iseller_id=data.id, outlet_id=outlet.id, shift=shift,
        direction=DepositDirection(data.direction), purpose=DepositPurpose(data.purpose),
        amount=data.amount,
        description=data.description, deposited_at=data.deposited_at,
    )
    return _planned(store, deposit, plan.plan_deposit)


def _payout(store: Store, event: schemas.PayoutEvent) -> Ingested:
    data = event.payout
    if _existing(store, Payout, data.id):
        return Ingested(duplicate=True)
    lookup = _Lookup(store)
    outlet = lookup.find(Outlet, data.outlet_id, "payout.outlet_id", "outlet")
    lookup.check()
    payout = Payout(store_id=store.id, iseller_id=data.id, outlet_id=outlet.id,
                    method=data.method, amount=data.amount, fees=data.fees,
                    paid_out_at=data.paid_out_at)
    return _planned(store, payout, plan.plan_payout)


HANDLERS = {
    "outlet": _outlet, "products": _products, "customer": _customer, "shift_open": _shift,
    "shift_close": _shift, "sales_order": _sales_order, "transfer": _transfer,
    "stock_opname": _stock_opname, "stock_adjustment": _stock_adjustment, "deposit": _deposit,
    "payout": _payout,
}
