"""Writing the stock Accurate changed into iSeller, as iSeller's own Accurate add-on does: a
purchase received in Accurate becomes a Transfer In at the outlet [C f7], through the ERP
API's CreateTransfer [S c.2]; stock that went down (a receipt lowered or deleted) a transfer
out to the supplier ("returnsupplier").

The transfers a webhook row owes are written onto the row (its `notice`) in the same
transaction as its stock change, one per outlet and direction, each with a reference_code
made of the Accurate number and the row id, so it names this change alone. Stock on order
(purchase orders) is isacc's own count: iSeller's stock changes when the goods arrive.

Exactly once: before a row's transfers are sent its attempt is counted, each of them is
marked sent and the row is marked as being sent until a lane lock's time from now, in one
conditional UPDATE committed first: a second worker (the lane lock lapsed, a duplicate job)
either loses that UPDATE or sees the mark and leaves the row. A transfer marked sent by an earlier
attempt (a time-out, a dropped connection, a 5xx, a worker killed mid-call) may be in iSeller
already, so it is looked up with GetTransfer by its reference_code before it is sent again,
and one found is done: one look-up too many, never a transfer too many."""

import copy
from datetime import timedelta
from decimal import Decimal

import redis
from flask import current_app
from sqlalchemy import update

from isacc.accurate.errors import AccurateError, FinalError, ReconnectRequired
from isacc.extensions import db
from isacc.models import Outlet, Product, Status, WebhookLog
from isacc.models.base import utcnow
from isacc.reasons import Said, say, tell

# A minute after the first refusal, doubling up to an hour: iSeller being down for a while
# is expected, and the transfer keeps until it is back.
FIRST_RETRY_SECONDS, RETRY_CAP_SECONDS = 60, 3600
# Not connected to iSeller, or iSeller wants the owner to connect again: look again this often.
WAIT_FOR_CONNECTION = timedelta(minutes=10)
NOT_TOLD = say("iSeller has not accepted this stock change yet (%(problem)s); isacc tells it "
               "again by itself.")
NOT_CONNECTED = say("Connect to iSeller so isacc can write this stock change.")
# A row applied again (refreshed) whose transfers iSeller has not got yet: they go next.
STILL_OWED = say("Applied again and nothing changed; iSeller is still owed this stock change, "
                 "which goes next.")
CONNECT_STEP = say("Connect to iSeller from the Connect page; the change goes by itself then.")
# [S c.2] the one out_type known: a return to the supplier (K5's goods returns).
OUT_TYPE = "returnsupplier"


def _quantity(value: Decimal) -> int | float:
    """12, 2.5: a JSON number, whole when it is whole."""
    return int(value) if value == value.to_integral_value() else float(value)


def build(row_id: int, number: str | None, supplier: str | None, moved: list,
          before: dict | None = None) -> dict | None:
    """The row's transfers: those of `before` (what the row already had) and the
    CreateTransfer bodies (without outlet_code, named at sending) for stock moves (product,
    outlet, on-hand change, incoming change, on hand, incoming); None when no stock on hand
    moved."""
    groups: dict[tuple[int, bool], list[tuple[int, Decimal]]] = {}
    for product, outlet, on_hand_change, *_ in moved:
        if on_hand_change:
            groups.setdefault((outlet, on_hand_change > 0), []).append(
                (product, abs(on_hand_change)))
    if not groups:
        return None
    products = dict(db.session.execute(db.select(Product.id, Product.sku).where(
        Product.id.in_({p for lines in groups.values() for p, _ in lines}))).all())
    base = f"{number}/row {row_id}" if number else f"row {row_id}"
    transfers = list((before or {}).get("transfers", []))
    alone = not transfers and len(groups) == 1
    for i, ((outlet, into), lines) in enumerate(sorted(groups.items()), start=len(transfers) + 1):
        body = {"type": "in" if into else "out", **({} if into else {"out_type": OUT_TYPE}),
                "status": "completed",
                # Unique per transfer: a row's second one (another outlet, the other
                # direction, a later change of the same row) is numbered.
                "reference_code": base if alone else f"{base}/{i}",
                "products": [{"sku": products[p], "quantity": _quantity(q)} for p, q in lines],
                "tags": [number] if number else []}
        if supplier:
            body["supplier_name"] = supplier
        # isacc's outlet, named in iSeller's terms when sent (it may be connected later).
        transfers.append({"outlet": outlet, "body": body, "sent": False, "done": False})
    return {"transfers": transfers}


def owes(notice: dict | None) -> bool:
    """Whether a row's notice still has a transfer iSeller has not got."""
    return any(not t["done"] for t in (notice or {}).get("transfers", []))


def _ours(row: WebhookLog) -> bool:
    """The row's reason is one of this module's (so it may be replaced by the next one)."""
    said = Said.from_json((row.wording or {}).get("reason"))
    return not row.reason or said.says(NOT_TOLD) or said.says(NOT_CONNECTED) or \
        said.says(STILL_OWED) or bool((row.wording or {}).get("iseller"))


def _tell(row: WebhookLog, reason: Said, next_step: Said | None = None) -> None:
    if _ours(row):
        tell(row, reason, next_step)
        row.wording = {**(row.wording or {}), "iseller": True}


def _outlet_codes(session, store) -> dict[str, str]:
    """iSeller outlet id -> outlet_code, from GetStoreInfo [C b.7]: ERP calls name outlets
    by code, isacc knows them by id [C c.3]."""
    info = session.call(store, "GetStoreInfo").get("store_info") or {}
    return {str(o.get("outlet_id")): str(o.get("outlet_code"))
            for o in info.get("active_outlets") or [] if o.get("outlet_code")}


def _being_sent(row: WebhookLog) -> bool:
    """Another worker is sending the row (its mark has not run out)."""
    return row.notice.get("sending_until", 0) > utcnow().timestamp()


def _claim(row: WebhookLog, owed: list[int]) -> bool:
    """Count the attempt, mark the owed transfers sent and the row being sent, committed
    before any is sent; False when another worker is sending it (the row is its now)."""
    if _being_sent(row):
        return False
    now = utcnow().timestamp()
    notice = copy.deepcopy(row.notice)
    notice["sending_until"] = now + current_app.config["LANE_LOCK_SECONDS"]
    for i in owed:
        notice["transfers"][i]["sent"] = True
    claimed = db.session.execute(
        update(WebhookLog).where(WebhookLog.id == row.id,
                                 WebhookLog.notice_attempts == row.notice_attempts)
        .values(notice_attempts=row.notice_attempts + 1, notice=notice)
        .execution_options(synchronize_session=False)).rowcount == 1
    db.session.commit()
    db.session.refresh(row)
    return claimed


def _let_go(row: WebhookLog) -> None:
    """This worker is no longer sending the row."""
    if row.notice and "sending_until" in row.notice:
        row.notice = {k: v for k, v in row.notice.items() if k != "sending_until"}


def _done(row: WebhookLog, i: int) -> None:
    notice = copy.deepcopy(row.notice)
    notice["transfers"][i]["done"] = True
    row.notice = notice
    db.session.commit()


def _found(session, store, body: dict) -> bool:
    """Whether iSeller holds a transfer with this body's reference_code at its outlet."""
    found = session.erp_call(store, "GetTransfer", {"reference_code": body["reference_code"],
                                                    "outlet_code": body["outlet_code"]})
    return any(isinstance(t, dict) and t.get("reference_code") == body["reference_code"]
               for t in found.get("transfers") or [])


def send_notice(row_id: int) -> bool:
    """Send a row's owed transfers; True once iSeller has every one (or nothing is owed)."""
    # Imported here: isacc.iseller.session reaches isacc.sync.ingest, which imports apply.py,
    # which imports this module.
    from isacc.iseller import session

    row = db.session.get(WebhookLog, row_id)
    if row is None or row.notice_due_at is None:
        return True
    if not owes(row.notice):
        row.notice_due_at = None
        db.session.commit()
        return True
    if _being_sent(row):
        return False
    store = row.store
    if store.iseller is None:
        _wait(row, NOT_CONNECTED, CONNECT_STEP)
        return False
    transfers = row.notice["transfers"]
    owed = [i for i, t in enumerate(transfers) if not t["done"]]
    unsure = {i for i in owed if transfers[i]["sent"]}
    outlets = {o.id: o for o in db.session.scalars(db.select(Outlet).where(
        Outlet.id.in_({transfers[i]["outlet"] for i in owed})))}
    claimed = False  # only the worker that marked the row takes its mark off
    try:
        codes = _outlet_codes(session, store)
        for i in owed:
            outlet = outlets[transfers[i]["outlet"]]
            if outlet.iseller_id not in codes:
                raise FinalError(
                    say("Outlet %(outlet)s is not an active outlet in iSeller, so its stock "
                        "cannot be written there.", outlet=outlet.name),
                    say("Check the outlet in iSeller, then refresh this row."))
        if not _claim(row, owed):
            return False
        claimed = True
        for i in owed:
            body = {"outlet_code": codes[outlets[transfers[i]["outlet"]].iseller_id],
                    **row.notice["transfers"][i]["body"]}
            if i not in unsure or not _found(session, store, body):
                session.erp_call(store, "CreateTransfer", body)
            _done(row, i)
    except ReconnectRequired as error:
        db.session.rollback()
        _wait(row, error.reason, error.next_step, let_go=claimed)
        return False
    except FinalError as error:
        db.session.rollback()
        _fail(row, error, let_go=claimed)
        return False
    except (AccurateError, redis.RedisError) as error:
        db.session.rollback()
        _retry_later(row, getattr(error, "reason", None) or say("isacc's queue could not be "
                                                                "reached"), let_go=claimed)
        return False
    row.notified_at, row.notice_due_at = utcnow(), None
    _let_go(row)
    if _ours(row):
        tell(row, None)
    db.session.commit()
    return True


def _wait(row: WebhookLog, reason: Said, next_step: Said, *, let_go: bool = False) -> None:
    """Not connected: the transfers wait, untouched and uncounted, until the owner connects
    (connecting brings them forward: isacc.iseller.connection.save_grant)."""
    row.notice_due_at = utcnow() + WAIT_FOR_CONNECTION
    if let_go:
        _let_go(row)
    _tell(row, reason, next_step)
    db.session.commit()


def _retry_later(row: WebhookLog, problem: Said, *, let_go: bool) -> None:
    db.session.refresh(row)
    doublings = min(max(row.notice_attempts - 1, 0), 6)
    wait = min(RETRY_CAP_SECONDS, FIRST_RETRY_SECONDS * 2 ** doublings)
    row.notice_due_at = utcnow() + timedelta(seconds=wait)
    if let_go:
        _let_go(row)
    _tell(row, NOT_TOLD.filled(problem=problem))
    db.session.commit()


def _fail(row: WebhookLog, error: AccurateError, *, let_go: bool) -> None:
    """iSeller refused the transfer (an unknown SKU, an unknown outlet): sending it again
    changes nothing, so the row fails with why, keeping what it still owes; Refresh on the
    webhook log sends it again once the cause is fixed."""
    db.session.refresh(row)
    if let_go:
        _let_go(row)
    tell(row, error.reason, error.next_step)
    row.wording = {**row.wording, "iseller": True}
    row.status, row.notice_due_at, row.finished_at = Status.FAILED, None, utcnow()
    db.session.commit()
