"""Applying a webhook row: read the document Accurate named (detail.do), work out what it
does to each outlet's iSeller stock, and change that stock by the difference from what the
same document did before, in one transaction with the row's Success.

Exactly once: AppliedDocument keeps what each document did so far. Its version is bumped by
a conditional UPDATE in the same transaction as the stock change and the row's own
conditional Pending -> Success, so a second worker (a duplicate job, a retry after a crash,
another notice of the same document) loses that race, rolls back, and on its next look finds
nothing left to change.

Order: the document is read as Accurate has it now, so however its notices arrive, stock ends
as its latest version says; the lane still applies a store's rows oldest event first
(lane.py), so iSeller's notices follow Accurate's order.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from isacc.accurate.client import backoff
from isacc.accurate.connection import client_for
from isacc.accurate.errors import (
    AccurateError,
    FinalError,
    NotConnected,
    ReconnectRequired,
    RetryableError,
)
from isacc.extensions import db
from isacc.models import (
    ActivityKind,
    AppliedDocument,
    OutletMapping,
    Product,
    ProductStock,
    Status,
    Store,
    SyncActivity,
    WebhookLog,
)
from isacc.models.base import ZERO, utcnow
from isacc.outcomes import Outcome, as_accurate_error, outcome_of
from isacc.reasons import Said, say, told
from isacc.webhooks import notify
from isacc.webhooks.events import EVENTS

# Not connected, or Accurate wants the owner to reconnect: rows wait, untouched, this long
# between looks instead of failing one after another.
WAIT_FOR_CONNECTION = timedelta(minutes=10)
VERSION_RACES = 5


@dataclass
class Plan:
    """What a document does to iSeller stock, or why it cannot be applied."""

    # (product id, outlet id) -> (on hand, incoming)
    effect: dict[tuple[int, int], tuple[Decimal, Decimal]] = field(default_factory=dict)
    outlet_id: int | None = None
    note: Said | None = None
    problems: list[tuple[Said, Said]] = field(default_factory=list)

    def add(self, product_id: int, outlet_id: int, on_hand=ZERO, incoming=ZERO) -> None:
        now_on_hand, now_incoming = self.effect.get((product_id, outlet_id), (ZERO, ZERO))
        self.effect[(product_id, outlet_id)] = (now_on_hand + on_hand, now_incoming + incoming)


def dialect_insert():
    """INSERT with ON CONFLICT DO NOTHING for the database in use (both have it)."""
    return {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[db.engine.dialect.name]


def _warehouse(line: dict) -> str | None:
    return line.get("warehouseName") or (line.get("warehouse") or {}).get("name")


def _item_no(line: dict) -> str | None:
    return line.get("itemNo") or (line.get("item") or {}).get("no")


def _made_by_isacc(store: Store, event_type: str, number: str | None) -> bool:
    """isacc's own transfers (from iSeller) fire webhooks too; iSeller already has them."""
    return event_type == "ITEM_TRANSFER" and number is not None and db.session.scalar(
        db.select(SyncActivity.id).where(
            SyncActivity.store_id == store.id, SyncActivity.accurate_number == number,
            SyncActivity.kind.in_([ActivityKind.TRANSFER_OUT, ActivityKind.TRANSFER_IN]))
        .limit(1)) is not None


def plan(store: Store, event_type: str, document: dict | None) -> Plan:
    """What the document, as Accurate has it now (None: deleted), does to iSeller stock:
    purchase orders to incoming stock, goods received and transfers in to stock on hand,
    each line in the outlet whose mapping names its warehouse. Every problem is gathered."""
    if event_type == "ITEM":
        return _item(store, document)
    result = Plan()
    if document is None:
        result.note = say("Deleted in Accurate: what it had changed in iSeller stock is undone.")
        return result
    number = document.get("number")
    lines = [line for line in document.get("detailItem") or [] if isinstance(line, dict)]
    if event_type == "PURCHASE_INVOICE":
        # Goods billed for a receipt were counted with the receipt: Accurate's spec names it
        # on each line (detailItem[].receiveItemNumber); the invoice-wide field stays read.
        billed = [line for line in lines
                  if line.get("receiveItemNumber") or document.get("receiveItemNumber")]
        if billed:
            receipts = dict.fromkeys(str(line.get("receiveItemNumber")
                                         or document.get("receiveItemNumber"))
                                     for line in billed)
            result.note = say("Bills goods received with %(receipt)s: iSeller stock rose "
                              "with that receipt.", receipt=", ".join(receipts))
            lines = [line for line in lines if line not in billed]
            if not lines:
                return result
    if event_type == "ITEM_TRANSFER" and document.get("itemTransferType") != "TRANSFER_IN":
        result.note = say("A transfer out changes outlet stock when its goods are received.")
        return result
    if _made_by_isacc(store, event_type, number):
        result.note = say("isacc made this transfer from iSeller: iSeller stock already has it.")
        return result
    outlets = dict(db.session.execute(db.select(OutletMapping.warehouse_name,
                                                OutletMapping.outlet_id)
                                      .where(OutletMapping.store_id == store.id)).all())
    numbers = {_item_no(line) for line in lines}
    products: dict[str, list[int]] = {}
    for product_id, sku in db.session.execute(db.select(Product.id, Product.sku).where(
            Product.store_id == store.id, Product.sku.in_(numbers))):
        products.setdefault(sku, []).append(product_id)
    elsewhere, missing, shared = [], [], []
    for line in lines:
        warehouse = document.get("warehouseName") if event_type == "ITEM_TRANSFER" \
            else _warehouse(line)
        outlet_id = outlets.get(warehouse)
        if outlet_id is None:
            elsewhere.append(warehouse or "(none)")
            continue
        result.outlet_id = result.outlet_id or outlet_id
        item_no, found = _item_no(line), products.get(_item_no(line), [])
        if not found:
            missing.append(item_no)
            continue
        if len(found) > 1:
            shared.append(item_no)
            continue
        quantity = Decimal(str(line.get("quantity") or 0))
        if event_type == "PURCHASE_ORDER":
            result.add(found[0], outlet_id, incoming=quantity)
            continue
        # Goods received against an order stop being incoming as they arrive.
        result.add(found[0], outlet_id, on_hand=quantity,
                   incoming=-quantity if line.get("purchaseOrderNumber") else ZERO)
    for item_no in dict.fromkeys(missing):
        result.problems.append((
            say("Item %(sku)s has no SKU in iSeller: no product there carries SKU %(sku)s.",
                sku=item_no),
            say("Give the product SKU %(sku)s in iSeller, then refresh.", sku=item_no)))
    for item_no in dict.fromkeys(shared):
        result.problems.append((
            say("SKU %(sku)s belongs to more than one product in iSeller.", sku=item_no),
            say("Keep SKU %(sku)s on one product only, then refresh.", sku=item_no)))
    places = ", ".join(dict.fromkeys(elsewhere))
    if not result.effect and not result.problems and elsewhere:
        # Goods into a warehouse of no outlet (a central one) are no outlet's stock: done,
        # with nothing to do, not a failure in the owner's and support's queues.
        result.note = say("Warehouse %(warehouse)s is not the warehouse of any outlet, so no "
                          "iSeller stock changes.", warehouse=places) + say(
            "A warehouse without an outlet needs nothing; if the goods went to an outlet, "
            "choose this warehouse in its mapping for the documents that follow.")
    elif elsewhere:
        result.note = say("Lines into %(warehouse)s are not an outlet's stock and were left out.",
                          warehouse=places)
    return result


def _item(store: Store, item: dict | None) -> Plan:
    """An item changed in Accurate changes no stock (documents do); it only has to be a
    product in iSeller, found by SKU, or later documents with it will fail."""
    result = Plan()
    if item is None:
        result.note = say("Deleted in Accurate: iSeller keeps its product.")
        return result
    item_no = item.get("no")
    names = db.session.scalars(db.select(Product.name).where(
        Product.store_id == store.id, Product.sku == item_no)).all()
    if not names:
        result.problems.append((
            say("Item %(sku)s has no SKU in iSeller: no product there carries SKU %(sku)s.",
                sku=item_no),
            say("Give the product SKU %(sku)s in iSeller (or add it), then refresh.",
                sku=item_no)))
    elif len(names) > 1:
        result.problems.append((
            say("SKU %(sku)s belongs to more than one product in iSeller.", sku=item_no),
            say("Keep SKU %(sku)s on one product only, then refresh.", sku=item_no)))
    else:
        result.note = say("Item %(sku)s is product %(product)s in iSeller.", sku=item_no,
                          product=names[0])
    return result


def apply_row(row: WebhookLog) -> None:
    """Apply one pending row; it ends Success, Failed, or Pending with a later due_at."""
    store = row.store
    try:
        client = client_for(store)
    except (NotConnected, ReconnectRequired) as error:
        _finish(row, due_at=utcnow() + WAIT_FOR_CONNECTION,
                **told(error.reason, error.next_step))
        return
    row.attempts += 1  # counted first: a worker killed mid-call still used an attempt
    db.session.commit()
    module, _ = EVENTS[row.event_type]
    try:
        document = _read(client, module, row)
    except Exception as error:  # every error has its outcome (isacc/outcomes.py)
        _settle(row, error)
        return
    outcome = plan(store, row.event_type, document)
    if outcome.problems:
        _fail(row, Said.join(reason for reason, _ in outcome.problems),
              Said.join(step for _, step in outcome.problems), outlet_id=outcome.outlet_id)
        return
    number = (document or {}).get("number") or (document or {}).get("no") \
        or row.accurate_number
    _commit(row, store, number, outcome, supplier=_supplier(document))


def _supplier(document: dict | None) -> str | None:
    """The vendor a purchase came from, as iSeller's transfer names its supplier."""
    vendor = (document or {}).get("vendor")
    name = (vendor.get("name") if isinstance(vendor, dict) else None) \
        or (document or {}).get("vendorName") or (document or {}).get("vendorNo")
    return str(name)[:120] if name else None


def _read(client, module: str, row: WebhookLog) -> dict | None:
    """The document as Accurate has it now; None when it was deleted."""
    action = (row.payload.get("data") or [{}])[0].get("action", "WRITE")
    if action == "DELETE":
        return None
    try:
        return client.detail(module, id=row.accurate_id)
    except FinalError as error:
        if any("tidak ditemukan" in str(message) for message in error.messages):
            return None  # deleted after this notice was sent; its own notice may follow
        raise


def _applied_document(store_id: int, row: WebhookLog, number: str | None):
    db.session.execute(dialect_insert()(AppliedDocument).values(
        store_id=store_id, event_type=row.event_type, accurate_id=row.accurate_id,
        accurate_number=number, effect={}, version=0, updated_at=utcnow())
        .on_conflict_do_nothing(index_elements=["store_id", "event_type", "accurate_id"]))
    return db.session.execute(
        db.select(AppliedDocument.id, AppliedDocument.effect, AppliedDocument.version).where(
            AppliedDocument.store_id == store_id, AppliedDocument.event_type == row.event_type,
            AppliedDocument.accurate_id == row.accurate_id)).one()


def _difference(wanted: dict, before: dict) -> list[tuple[int, int, Decimal, Decimal]]:
    """(product, outlet, on-hand change, incoming change), in key order so concurrent
    transactions lock stock rows in the same order."""
    changes = []
    for key in sorted(set(wanted) | set(before), key=lambda k: tuple(map(int, k.split(":")))):
        new_on_hand, new_incoming = (Decimal(v) for v in wanted.get(key, ("0", "0")))
        old_on_hand, old_incoming = (Decimal(v) for v in before.get(key, ("0", "0")))
        if (new_on_hand, new_incoming) != (old_on_hand, old_incoming):
            product_id, outlet_id = map(int, key.split(":"))
            changes.append((product_id, outlet_id, new_on_hand - old_on_hand,
                            new_incoming - old_incoming))
    return changes


def _move_stock(product_id: int, outlet_id: int, on_hand: Decimal, incoming: Decimal):
    """Add to an outlet's stock of a product in place (no read-modify-write); returns the
    incoming change made and the new (on hand, incoming).

    Incoming stock never goes below zero: goods received against an order isacc never saw
    (entered before the webhook was set, or its notice lost) have no incoming stock to
    lower, so only what there is is lowered."""
    now = utcnow()
    db.session.execute(dialect_insert()(ProductStock).values(
        product_id=product_id, outlet_id=outlet_id, quantity=0, incoming=0, updated_at=now)
        .on_conflict_do_nothing(index_elements=["product_id", "outlet_id"]))
    where = (ProductStock.product_id == product_id, ProductStock.outlet_id == outlet_id)
    if incoming < 0:
        # Locked until the commit, so what is read is what the update lowers.
        there = db.session.scalar(db.select(ProductStock.incoming).where(*where)
                                  .with_for_update())
        incoming = max(incoming, -max(there, ZERO))
    db.session.execute(update(ProductStock).where(*where).values(
        quantity=ProductStock.quantity + on_hand, incoming=ProductStock.incoming + incoming,
        updated_at=now).execution_options(synchronize_session=False))
    return incoming, *db.session.execute(
        db.select(ProductStock.quantity, ProductStock.incoming).where(*where)).one()


def _commit(row: WebhookLog, store: Store, number: str | None, outcome: Plan, *,
            supplier: str | None) -> None:
    wanted = {f"{product}:{outlet}": [str(on_hand), str(incoming)]
              for (product, outlet), (on_hand, incoming) in outcome.effect.items()}
    row_id, owed_before = row.id, notify.owes(row.notice)
    for _ in range(VERSION_RACES):
        applied = _applied_document(store.id, row, number)
        before = applied.effect or {}
        changes = _difference(wanted, before)
        bumped = db.session.execute(
            update(AppliedDocument)
            .where(AppliedDocument.id == applied.id, AppliedDocument.version == applied.version)
            .values(effect=wanted, version=applied.version + 1, accurate_number=number,
                    updated_at=utcnow())
            .execution_options(synchronize_session=False))
        if bumped.rowcount != 1:
            db.session.rollback()  # another worker applied this document meanwhile: look again
            continue
        moved, kept = [], dict(wanted)
        for product, outlet, on_hand, incoming in changes:
            made, *now = _move_stock(product, outlet, on_hand, incoming)
            moved.append((product, outlet, on_hand, made, *now))
            if made != incoming:
                # The document keeps what it really did, so undoing it gives back only that.
                key = f"{product}:{outlet}"
                old_incoming = Decimal(before.get(key, ("0", "0"))[1])
                kept[key] = [kept.get(key, ("0", "0"))[0], str(old_incoming + made)]
        if kept != wanted:
            db.session.execute(
                update(AppliedDocument).where(AppliedDocument.id == applied.id)
                .values(effect=kept).execution_options(synchronize_session=False))
        notice = notify.build(row_id, number, supplier, moved, before=row.notice)
        note = _note(outcome, moved, clamped=kept != wanted, owed=owed_before,
                     to_iseller=any(on_hand for _, _, on_hand, *_ in moved))
        # A row applied again (refreshed after iSeller refused its transfer) changes nothing
        # the second time: the transfers it still owes go again.
        owed = {"notice": notice} if notice else {}
        done = db.session.execute(
            update(WebhookLog).where(WebhookLog.id == row_id, WebhookLog.status == Status.PENDING)
            .values(status=Status.SUCCESS, outlet_id=outcome.outlet_id or row.outlet_id,
                    accurate_number=number, **told(note), due_at=None,
                    finished_at=utcnow(), updated_at=utcnow(), **owed,
                    notice_due_at=utcnow() if notice or owed_before else None)
            .execution_options(synchronize_session=False))
        if done.rowcount == 1:
            db.session.commit()
        else:
            db.session.rollback()  # another worker finished this row first; its change stands
        return
    _retry_later(row, RetryableError(say("Other work on the same Accurate document kept "
                                         "getting in the way.")))


def _note(outcome: Plan, moved: list, *, clamped: bool, owed: bool,
          to_iseller: bool) -> Said | None:
    """What the row says it did; `owed`: iSeller is still owed this row's transfers (they go
    next, so its stock does not match yet)."""
    if not moved and owed:
        return outcome.note or notify.STILL_OWED
    note = outcome.note or (None if moved else say(
        "iSeller stock already matched this document; nothing changed."))
    if moved and not to_iseller:
        ordered = say("Only stock on order changed: isacc keeps it, and iSeller's stock "
                      "changes when the goods are received.")
        note = note + ordered if note else ordered
    if not clamped:
        return note
    kept_at_zero = say("Incoming stock was lowered only down to 0: this document receives "
                       "more than isacc saw ordered (an order entered before isacc was "
                       "connected, or whose notice never came).")
    return note + kept_at_zero if note else kept_at_zero


def _settle(row: WebhookLog, error: BaseException) -> None:
    """The row's outcome for an error reading its document, from the one table the sync
    engine uses too: a refused token or session, a limiter slot never had, a lost lock or
    an unreachable database are tried again later, never a row failed for good."""
    outcome, readable = outcome_of(error), as_accurate_error(error)
    if outcome is Outcome.WAIT_FOR_OWNER:
        _finish(row, due_at=utcnow() + WAIT_FOR_CONNECTION,
                **told(readable.reason, readable.next_step))
    elif outcome is Outcome.RETRY_LATER:
        _retry_later(row, readable)
    else:
        _fail(row, readable.reason, readable.next_step, accurate=readable.messages)


def _finish(row: WebhookLog, **values) -> None:
    """Write a pending row's outcome, unless another worker already finished it."""
    db.session.execute(
        update(WebhookLog).where(WebhookLog.id == row.id, WebhookLog.status == Status.PENDING)
        .values(updated_at=utcnow(), **values).execution_options(synchronize_session=False))
    db.session.commit()


def _fail(row: WebhookLog, reason: Said, next_step: Said, *, outlet_id: int | None = None,
          accurate: list[str] | None = None) -> None:
    _finish(row, status=Status.FAILED, **told(reason, next_step, accurate), due_at=None,
            finished_at=utcnow(), outlet_id=outlet_id or row.outlet_id)


def _retry_later(row: WebhookLog, error: AccurateError) -> None:
    config = current_app.config
    if row.attempts >= config["RETRY_ATTEMPTS"]:
        _fail(row, say("Accurate kept failing after %(attempts)s attempts: %(reason)s",
                       attempts=row.attempts, reason=error.reason),
              say("Check that Accurate is up, then refresh this row."))
        return
    wait = backoff(row.attempts, getattr(error, "retry_after", None),
                   cap=config["RETRY_CAP_SECONDS"])
    _finish(row, due_at=utcnow() + timedelta(seconds=wait),
            **told(error.reason, error.next_step))
