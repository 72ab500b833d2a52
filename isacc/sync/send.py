"""Sending one claimed batch of a lane, by the connector recipe: build the payloads, count
the attempt, look up what an earlier attempt may have saved, save, settle the refusals.

Each step is a plain function; `Pass` carries the rows still unsettled between them and
records every outcome as soon as it is known (committed at once, so a later failure of the
same pass loses nothing), and only for rows this worker still holds: a claim another worker
took over after a long pause is that worker's to write. Every exception lands in one outcome
(isacc.outcomes); none escapes with rows left claimed and silent.
"""

from collections.abc import Callable
from datetime import timedelta

from flask import current_app
from sqlalchemy import update

from isacc.accurate import scopes
from isacc.accurate.client import AccurateClient, backoff
from isacc.accurate.errors import (
    DUPLICATE_NUMBER,
    AccurateError,
    FinalError,
    SessionExpired,
    TokenInvalid,
    on_connect_page,
)
from isacc.accurate.limiter import LimiterTimeout
from isacc.extensions import db
from isacc.models import (
    ActivityKind,
    Customer,
    Deposit,
    Payout,
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
from isacc.outcomes import Outcome, as_accurate_error, outcome_of
from isacc.products import shared_sku_named
from isacc.reasons import Said, say, tell
from isacc.sync import documents
from isacc.sync.lease import Lease

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
    ActivityKind.BANK_TRANSFER: "bank-transfer",
    ActivityKind.PAYOUT: "bank-transfer",
}

Settle = Callable[[SyncActivity], None]
# How long a document waiting for its outlet's mapping waits before it is built again anyway.
OWNER_RECHECK = timedelta(hours=1)


def not_ours(number: str) -> FinalError:
    return FinalError(
        say("Accurate already has a document numbered %(number)s that isacc did not make.",
            number=number),
        say("Open that document in Accurate: if it was entered by hand for this same sale, "
            "delete it there; otherwise give it another number. Then refresh this row."))


class LeaseLost(Exception):
    """The worker's claim or lane lock went to another worker: stop before the next call."""


class Pass:
    """One batch on its way: payloads of the rows not settled yet, and how each row stood
    before this pass (whether an earlier attempt's outcome was unknown)."""

    def __init__(self, store: Store, client: AccurateClient, batch: list[SyncActivity],
                 worker: str, lease: Lease):
        self.store, self.client, self.worker, self.lease = store, client, worker, lease
        self.module = MODULES[batch[0].kind]
        self.pending: dict[int, tuple[SyncActivity, dict]] = {}
        self.was_unknown = {a.id for a in batch if a.outcome_unknown}
        self.counted: set[int] = set()
        self.stop = False  # the lane stops after this pass (waits for the owner, lease lost)

    # ---- recording outcomes ------------------------------------------------------------------

    def record(self, settled: list[tuple[SyncActivity, Settle]]) -> None:
        """Write outcomes for the rows this worker still holds, and commit."""
        if not settled:
            return
        ids = [activity.id for activity, _ in settled]
        for activity_id in ids:
            self.pending.pop(activity_id, None)
        self.lease.drop(ids)
        held = still_held(ids, self.worker)
        for activity, settle in settled:
            if activity.id in held:
                settle(activity)
        db.session.commit()
        reload(list(self.pending))

    def rows(self) -> list[SyncActivity]:
        return [activity for activity, _ in self.pending.values()]

    def check_lease(self) -> None:
        if self.lease.lost.is_set():
            raise LeaseLost()

    # ---- what becomes of a row ---------------------------------------------------------------

    def succeed(self, saved: dict, note: Said | None = None) -> Settle:
        def settle(activity: SyncActivity) -> None:
            activity.status = Status.SUCCESS
            activity.accurate_id = saved.get("id") or activity.accurate_id
            number = saved.get("number") or saved.get("customerNo") or saved.get("no")
            activity.accurate_number = number or activity.accurate_number
            activity.outcome_unknown = False
            tell(activity, note)
            _finish(activity)
            if activity.kind == ActivityKind.CUSTOMER and activity.accurate_number:
                source(activity).accurate_customer_no = activity.accurate_number
        return settle

    def fail(self, error: AccurateError, *, unknown: bool = False) -> Settle:
        error = shared_sku_named(self.store.id, error)

        def settle(activity: SyncActivity) -> None:
            activity.status = Status.FAILED
            activity.outcome_unknown = unknown
            tell(activity, error.reason, error.next_step, error.messages)
            _finish(activity)
        return settle

    def retry_later(self, error: AccurateError, *, unknown: bool) -> Settle:
        """Back off and try again; past the budget, Failed. `unknown`: this pass may have
        saved it (the next attempt looks it up first)."""
        def settle(activity: SyncActivity) -> None:
            config = current_app.config
            was_unknown = activity.id in self.was_unknown or unknown
            if activity.attempts >= config["RETRY_ATTEMPTS"]:
                self.fail(AccurateError(
                    say("Accurate kept failing after %(attempts)s attempts: %(reason)s",
                        attempts=activity.attempts, reason=error.reason),
                    say("Check that Accurate is up, then refresh this row.")),
                    unknown=was_unknown)(activity)
                return
            wait = backoff(activity.attempts, getattr(error, "retry_after", None),
                           cap=config["RETRY_CAP_SECONDS"])
            activity.due_at = utcnow() + timedelta(seconds=wait)
            activity.outcome_unknown = was_unknown
            tell(activity, error.reason, error.next_step)
            activity.claimed_by = activity.claimed_until = None
        return settle

    def wait_for_owner(self, error: AccurateError) -> Settle:
        """Pending with the reason, due again as soon as the owner mends it; no attempt
        counted, since nothing was sent that Accurate took."""
        def settle(activity: SyncActivity) -> None:
            if activity.id in self.counted:
                activity.attempts -= 1
            activity.outcome_unknown = activity.id in self.was_unknown
            tell(activity, error.reason, error.next_step)
            activity.claimed_by = activity.claimed_until = None
        return settle

    def park(self, error: AccurateError) -> Settle:
        """Pending with the reason, not tried again until the owner mends the mapping
        (isacc.outlets.release_waiting makes it due) or, as a safety net, OWNER_RECHECK."""
        def settle(activity: SyncActivity) -> None:
            activity.due_at = utcnow() + OWNER_RECHECK
            tell(activity, error.reason, error.next_step)
            activity.claimed_by = activity.claimed_until = None
        return settle

    def let_go(self) -> Settle:
        """The lease was lost: leave the row for whoever holds it now (if anyone), due."""
        def settle(activity: SyncActivity) -> None:
            activity.outcome_unknown = True  # one look-up too many, never a save too many
            activity.claimed_by = activity.claimed_until = None
        return settle

    def settle_error(self, error: BaseException, rows: list[SyncActivity], *,
                     sent: bool) -> None:
        """Every unsettled row of `rows` gets the one outcome `error` has. `sent`: the call
        that failed may have reached Accurate."""
        if isinstance(error, LeaseLost):
            self.stop = True
            self.record([(a, self.let_go()) for a in rows])
            return
        outcome = outcome_of(error, documents=len(rows))
        readable = on_connect_page(as_accurate_error(error), self.store.id)
        if outcome is Outcome.SPLIT_BATCH:
            one_by_one(self, rows)
        elif outcome is Outcome.FAIL_DOCUMENT:
            self.record([(a, self.fail(readable)) for a in rows])
        elif outcome is Outcome.WAIT_FOR_OWNER:
            self.stop = True
            self.record([(a, self.wait_for_owner(readable)) for a in rows])
        else:
            # Refused tokens and sessions, and a slot never had, sent nothing Accurate took.
            refused = isinstance(error, TokenInvalid | SessionExpired | LimiterTimeout)
            unknown = sent and not refused and getattr(error, "unknown_outcome", True)
            self.record([(a, self.retry_later(readable, unknown=unknown)) for a in rows])


def _finish(activity: SyncActivity) -> None:
    activity.claimed_by = activity.claimed_until = None
    activity.finished_at = utcnow()


def still_held(ids: list[int], worker: str) -> set[int]:
    """The rows of `ids` this worker still holds, locked until the commit (PostgreSQL locks
    the rows, SQLite the database), so no other worker can claim them in between."""
    with db.session.no_autoflush:
        return set(db.session.scalars(
            update(SyncActivity)
            .where(SyncActivity.id.in_(ids), SyncActivity.claimed_by == worker,
                   SyncActivity.status == Status.PENDING)
            .values(claimed_by=worker)
            .returning(SyncActivity.id)
            .execution_options(synchronize_session=False)))


def reload(ids: list[int]) -> None:
    """Read the rows again in one query: a commit expired them, and touching them one by one
    would cost a query per row."""
    if ids:
        db.session.scalars(db.select(SyncActivity).where(SyncActivity.id.in_(ids))).all()


# The iSeller record behind each activity, by its source_kind.
SOURCES = {"customer": Customer, "sales_order": SalesOrder, "sales_payment": SalesPayment,
           "transfer": Transfer, "stock_opname": StockOpname,
           "stock_adjustment": StockAdjustment, "deposit": Deposit, "payout": Payout}


def source(activity: SyncActivity, loaded: dict | None = None):
    """The activity's iSeller record: from `loaded` (what a batch preloaded) or the database."""
    found = (loaded or {}).get((activity.source_kind, activity.source_id))
    return found or db.session.get(SOURCES[activity.source_kind], activity.source_id)


# ---- the steps -------------------------------------------------------------------------------

def send(store: Store, client: AccurateClient, batch: list[SyncActivity], worker: str,
         lease: Lease, build: Callable[[SyncActivity], dict | None]) -> Pass:
    """Send one claimed batch of one kind; returns the pass (`stop`: the lane should stop)."""
    current = Pass(store, client, batch, worker, lease)
    unapproved = scopes.missing_for(store.accurate, current.module)
    if unapproved:
        # Accurate would refuse it: the rows wait for the owner, and nothing is sent.
        current.settle_error(scopes.not_approved(unapproved), batch, sent=False)
        return current
    build_payloads(current, batch, build)
    if not current.pending:
        return current
    count_attempts(current)
    steps = ((look_up, False), (save_and_settle, True))
    for step, sends in steps:
        if not current.pending:
            break
        try:
            current.check_lease()
            step(current)
        except Exception as error:  # noqa: BLE001 - each error has its outcome (outcomes.py)
            current.settle_error(error, current.rows(), sent=sends)
            break
    return current


def build_payloads(current: Pass, batch: list[SyncActivity], build) -> None:
    """Every payload, marked as isacc's; a document that cannot be built fails with every
    reason at once, and one with nothing to send succeeds."""
    settled = []
    for activity in batch:
        try:
            payload = build(activity)
        except Exception as error:  # noqa: BLE001 - outcome by the table, like any other
            outcome = outcome_of(error)
            if outcome is Outcome.FAIL_DOCUMENT:
                settled.append((activity, current.fail(as_accurate_error(error))))
            elif outcome is Outcome.WAIT_FOR_OWNER:
                # This document alone waits (an account its mapping lacks): the lane goes on.
                settled.append((activity, current.park(as_accurate_error(error))))
            else:
                settled.append((activity, current.retry_later(as_accurate_error(error),
                                                              unknown=False)))
            continue
        if payload is None:
            settled.append((activity, current.succeed(
                {}, note=say("Nothing to send: no differences were counted."))))
            continue
        documents.mark(current.module, payload, activity.id)
        current.pending[activity.id] = (activity, payload)
    current.record(settled)


def count_attempts(current: Pass) -> None:
    """Counted and committed before anything is sent, with the outcome marked unknown: if
    this worker dies mid-call, the next attempt looks the number up first."""
    held = set(db.session.scalars(
        update(SyncActivity)
        .where(SyncActivity.id.in_(list(current.pending)),
               SyncActivity.claimed_by == current.worker,
               SyncActivity.status == Status.PENDING)
        .values(attempts=SyncActivity.attempts + 1, outcome_unknown=True)
        .returning(SyncActivity.id)
        .execution_options(synchronize_session=False)))
    db.session.commit()
    taken = set(current.pending) - held  # claimed by another worker since: theirs now
    for activity_id in taken:
        del current.pending[activity_id]
    current.lease.drop(taken)
    current.counted = held
    reload(list(current.pending))


def look_up(current: Pass) -> None:
    """Rows whose earlier attempt may have saved them: what Accurate holds under their number
    is adopted only when it carries this row's marker, and fails them otherwise."""
    unsure = [a for a in current.rows() if a.id in current.was_unknown]
    if not unsure:
        return
    field = documents.marked_field(current.module)
    numbered = [a for a in unsure if a.accurate_number]
    found = current.client.find_numbers(current.module, [a.accurate_number for a in numbered],
                                        fields=field)
    settled = []
    for activity in numbered:
        document = found.get(activity.accurate_number)
        if document is None:
            continue
        if documents.is_marked(current.module, document, activity.id):
            settled.append((activity, current.succeed(document)))
        else:
            settled.append((activity, current.fail(not_ours(activity.accurate_number))))
    current.record(settled)
    for activity in [a for a in unsure if not a.accurate_number]:
        earlier = unnumbered_customer(current, activity)
        if earlier is not None:
            current.record([(activity, current.succeed(earlier))])


def unnumbered_customer(current: Pass, activity: SyncActivity) -> dict | None:
    """A customer Accurate numbered itself has no number of ours to look up: it is found by
    its name (which Accurate's `keywords` surely searches), then known by its marker."""
    if activity.kind != ActivityKind.CUSTOMER:
        return None
    rows = current.client.list("customer", fields="id,customerNo,name,notes",
                               filters={"keywords": source(activity).name})
    return next((row for row in rows
                 if documents.is_marked("customer", row, activity.id)), None)


def save_and_settle(current: Pass) -> None:
    """Save what is left, one call for one document or bulk-save for several; successes are
    recorded before any refusal is looked into."""
    remaining = list(current.pending.values())
    if len(remaining) == 1:
        activity, payload = remaining[0]
        try:
            results = [current.client.save(current.module, payload)]
        except FinalError as refused:
            if outcome_of(refused) is not Outcome.FAIL_DOCUMENT:
                raise  # waiting for the owner is not this document's failure
            results = [refused]
    else:
        results = current.client.bulk_save(current.module, [p for _, p in remaining])
    refused = []
    saved = []
    for (activity, _), result in zip(remaining, results, strict=True):
        if isinstance(result, FinalError):
            refused.append((activity, result))
        else:
            saved.append((activity, current.succeed(result)))
    current.record(saved)
    settle_refusals(current, refused)


def settle_refusals(current: Pass, refused: list[tuple[SyncActivity, FinalError]]) -> None:
    """A refusal for a number Accurate already has: isacc's own earlier attempt (its answer
    lost) is adopted by its marker; anything else under that number is not ours."""
    taken, plain = [], []
    for activity, error in refused:
        duplicate = activity.accurate_number and error.reason.says(DUPLICATE_NUMBER)
        (taken if duplicate else plain).append((activity, error))
    # Plain refusals in one write; each number taken needs a call, recorded as it returns.
    current.record([(activity, current.fail(error)) for activity, error in plain])
    for activity, _ in taken:
        found = current.client.find_by_number(current.module, activity.accurate_number,
                                              fields=documents.marked_field(current.module))
        if found and documents.is_marked(current.module, found, activity.id):
            current.record([(activity, current.succeed(found))])
        else:
            current.record([(activity, current.fail(not_ours(activity.accurate_number)))])


def one_by_one(current: Pass, rows: list[SyncActivity]) -> None:
    """A whole batch call was refused: each document alone, so only a bad one fails."""
    for activity in rows:
        if activity.id not in current.pending:
            continue
        _, payload = current.pending[activity.id]
        try:
            current.check_lease()
            try:
                result = current.client.save(current.module, payload)
            except FinalError as refused:
                if outcome_of(refused) is not Outcome.FAIL_DOCUMENT:
                    raise
                settle_refusals(current, [(activity, refused)])
                continue
            current.record([(activity, current.succeed(result))])
        except Exception as error:  # noqa: BLE001 - each error has its outcome (outcomes.py)
            if isinstance(error, LeaseLost) or \
                    outcome_of(error) is Outcome.WAIT_FOR_OWNER:
                current.settle_error(error, current.rows(), sent=True)  # all of them wait
                return
            current.settle_error(error, [activity], sent=True)

