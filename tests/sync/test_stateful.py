"""Exactly once, whatever the order of things (#15): a hypothesis state machine drives the
real engine against the real sandbox (over HTTP) with the real Redis and database.

Its rules ingest iSeller events of every kind (sales with and without a customer and a
payment, customers, transfers, stock opnames and adjustments numbered alike, deposits) at
times out of their arrival order, deliver some of them twice, let a person enter documents
in Accurate under the numbers isacc will use, run workers, interrupt a worker mid-batch
(before or after Accurate saved it: its process stalls past its claims and lane lock, the
lock alone is lost, Redis is emptied, the token expires or is revoked) while another worker
comes along, let backoffs pass, expire and revoke Accurate's tokens (the owner reconnects),
switch faults on (5xx, 429, dropped connections, saved-then-500, refusals of whole calls
such as 403 for a missing scope), refresh failed rows as the owner does, and empty Redis.
After every step: each isacc document is in Accurate at most once, every document a row
claims is that row's own (a person's document is never adopted), no row is pending without a
due time or a reason, and every failed row says why and what to do. At the end, with faults
off, the workers run until quiet and every document that can go is in Accurate exactly once;
the only failures are the numbers a person took, and the only rows left pending wait for
those.

Accurate's rate limit is raised for the run (on both sides): it only slows the steps down.
`make test` runs a few examples; a long run:
    ISACC_STATEFUL_EXAMPLES=2000 ISACC_STATEFUL_STEPS=8 ISACC_TEST_DB=postgresql \\
        .venv/bin/python -m pytest tests/sync/test_stateful.py -s
"""

import logging
import os
import threading
import time
from collections import Counter
from datetime import timedelta

from flask import current_app
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from isacc.accurate import connection
from isacc.accurate.client import AccurateClient
from isacc.accurate.limiter import Limits, SharedLimiter
from isacc.extensions import db
from isacc.models import ActivityKind, Outlet, Status, Store, SyncActivity
from isacc.models.base import utcnow
from isacc.redis_conn import get_redis
from isacc.sandbox.modules import MODULES as SANDBOX_MODULES
from isacc.sandbox.modules import save as sandbox_save
from isacc.sandbox.settings import SEED_CASH_ACCOUNT, SEED_MAPPING
from isacc.sync import documents, lanes
from isacc.sync.engine import ready_query, run_lane, worker_name
from isacc.sync.refresh import refresh
from isacc.sync.send import MODULES
from tests.accurate.conftest import DATABASE, grant, sandbox_config
from tests.conftest import SandboxServer, post_event
from tests.sync.conftest import setup_shop

EXAMPLES = int(os.environ.get("ISACC_STATEFUL_EXAMPLES", "10"))
STEPS = int(os.environ.get("ISACC_STATEFUL_STEPS", "20"))

FAST = {"RATE_PER_SECOND": 1000, "MAX_IN_FLIGHT": 100}
FAST_LIMITS = Limits(rate=1000, max_in_flight=100)
NOT_OURS = "that isacc did not make"
DAY = "2026-11-24"
OUTLETS = ("OUT-1", "OUT-2")
LANES = ("OUT-1", "OUT-2", None)  # None: the store's customers
POOL = st.integers(1, 3)  # small, so numbers meet: an opname and an adjustment "0001"
FAULTS = ("error_500", "error_503", "error_429", "drop", "commit_then_fail")
REFUSED_MODULES = ("", "customer", "sales-invoice", "sales-receipt", "item-transfer",
                   "item-adjustment", "other-deposit", "other-payment")
REFUSED_ACTIONS = ("", "save", "bulk-save", "list")
REFUSED_STATUSES = (403, 401, 404, 400, 200, 429, 503)
MID_BATCH = ("stalled", "lock lost", "redis emptied", "token expired", "access revoked")
OTHER_WORKER = "another-host:1:other"


def lane_lock(store_id: int, outlet_id: int | None) -> str:
    return f"isacc:lane:{store_id}:{outlet_id if outlet_id is not None else 'store'}:lock"


def person_record(module: str, number: str) -> dict:
    """A document a person types into Accurate under `number`, without isacc's marker."""
    by_hand = "typed in Accurate by the owner"
    line = {"itemNo": "R-1", "quantity": 1, "warehouseName": "Gudang Kemang"}
    match module:
        case "customer":
            return {"customerNo": number, "name": "Pelanggan pemilik", "notes": by_hand}
        case "sales-invoice":
            return {"number": number, "transDate": "24/11/2026", "customerNo": "WALKIN",
                    "branchName": "Jakarta", "description": by_hand,
                    "detailItem": [{**line, "unitPrice": 999}]}
        case "item-adjustment":
            return {"number": number, "transDate": "24/11/2026", "branchName": "Jakarta",
                    "description": by_hand, "detailItem": [
                        {**line, "itemAdjustmentType": "ADJUSTMENT_IN", "unitCost": 9000}]}
        case "item-transfer":
            return {"number": number, "itemTransferType": "TRANSFER_OUT",
                    "transDate": "24/11/2026", "branchName": "Jakarta",
                    "warehouseName": "Gudang Kemang", "referenceWarehouseName": "Gudang Senopati",
                    "description": by_hand, "detailItem": [{"itemNo": "R-1", "quantity": 1}]}
        case "bank-transfer":
            return {"number": number, "transDate": "24/11/2026", "branchName": "Jakarta",
                    "description": by_hand, "fromBankNo": SEED_CASH_ACCOUNT,
                    "toBankNo": SEED_MAPPING["cash_drop_account_no"], "fromBankAmount": 1000}
        case _:  # other-deposit, other-payment
            return {"number": number, "transDate": "24/11/2026", "bankNo": SEED_CASH_ACCOUNT,
                    "branchName": "Jakarta", "payee": "Pemilik", "description": by_hand,
                    "detailAccount": [{"accountNo": SEED_MAPPING["cash_expense_account_no"],
                                       "amount": 1000, "expenseName": by_hand}]}


def describe(totals: Counter) -> str:
    return ", ".join(f"{n} {what}" for what, n in totals.items())


def at(minute: int) -> str:
    return f"{DAY}T10:{minute:02d}:00+07:00"


# What every example starts from again: the connected store with its mapped outlets (and the
# users' tables); every other row is the example's own.
KEPT = {"store", "accurate_connection", "outlet", "outlet_mapping", "outlet_payment_account",
        "user_account"}


class Fixtures:
    """What the examples share: one sandbox and one connected shop, set up once (the set-up
    was most of an example's time); each example leaves them as it found them."""

    def __init__(self, app, client, redis_client, sandbox):
        self.app, self.client, self.redis, self.sandbox = app, client, redis_client, sandbox
        self.store_id = setup_shop(client, sandbox).id
        app.config.update(sandbox_config(sandbox))  # for the other worker's app
        self.accurate = sandbox.app.extensions["sandbox"].databases[DATABASE]
        self.seeded = {module: {d["id"] for d in self.accurate.all(module)}
                       for module in set(MODULES.values())}
        self.totals = Counter()  # what the examples came to, printed at the end

    def clean(self) -> None:
        """Back to the shop as set up: the example's rows, documents, faults and Redis gone."""
        self.sandbox.admin("faults", {})
        for module, seeded in self.seeded.items():
            for document in self.accurate.all(module):
                if document["id"] not in seeded:
                    self.accurate.delete(module, document["id"])
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                if table.name not in KEPT:
                    conn.execute(table.delete())
        self.redis.flushdb()


class Trading(RuleBasedStateMachine):
    """One shop's day: iSeller events in, workers out to Accurate, and everything that can
    go wrong in between."""

    fixtures: Fixtures  # set by the test

    def __init__(self):
        super().__init__()
        self.sandbox = self.fixtures.sandbox
        self.store = db.session.get(Store, self.fixtures.store_id)
        self.accurate = self.fixtures.accurate
        self.outlet_ids = {o.iseller_id: o.id for o in db.session.scalars(
            db.select(Outlet).where(Outlet.store_id == self.store.id))}
        self.deliveries: list[tuple[str, dict]] = []
        self.used: dict[str, dict[str, str]] = {}  # kind -> number -> iSeller id
        self.customers: list[str] = []
        self.person: dict[tuple[str, str], int] = {}  # (module, number) -> Accurate id
        self.sent = 0
        self.stamp = 0
        self.revoked = False

    # ---- iSeller events --------------------------------------------------------------------

    def deliver(self, path: str, payload: dict):
        """POST the event, signed afresh (as iSeller signs a redelivery): each delivery's
        timestamp differs from every other's, so none is refused as a replay."""
        self.sent += 1
        self.stamp = max(self.stamp + 1, int(time.time()))
        return post_event(self.fixtures.client, self.store, path, payload,
                          timestamp=self.stamp)

    def accepted(self, path: str, payload: dict) -> None:
        answer = self.deliver(path, payload)
        assert answer.status_code == 202, (answer.status_code, answer.get_json())
        self.deliveries.append((path, payload))

    def event_id(self) -> str:
        return f"e-{self.sent}-{len(self.deliveries)}"

    @rule(number=POOL, outlet=st.sampled_from(OUTLETS), minute=st.integers(0, 59),
          quantity=st.integers(1, 3), paid=st.booleans(), with_customer=st.booleans(),
          data=st.data())
    def order(self, number, outlet, minute, quantity, paid, with_customer, data):
        number = f"S-{number}"
        order_id = f"o-{len(self.deliveries)}-{self.sent}"
        total = quantity * 1000
        order = {"id": order_id, "number": number, "outlet_id": outlet,
                 "ordered_at": at(minute),
                 "lines": [{"sku": "K-1", "name": "Kopi", "quantity": quantity,
                            "unit_price": 1000}],
                 "payments": [{"method": "cash", "amount": total}] if paid else []}
        if with_customer and self.customers:
            order["customer_id"] = data.draw(st.sampled_from(self.customers))
        payload = {"event_id": self.event_id(), "order": order}
        if number in self.used.setdefault("order", {}):
            answer = self.deliver("sales-orders", payload)
            assert answer.status_code == 422, answer.get_json()  # the number is taken
            return
        self.accepted("sales-orders", payload)
        self.used["order"][number] = order_id

    @rule(n=POOL, coded=st.booleans())
    def customer(self, n, coded):
        """A customer with a code keeps it as its number in Accurate; one without is
        numbered by Accurate (and found again by its name and isacc's marker)."""
        data = {"id": f"c-{n}", "name": f"Pelanggan {n}", "customer_code": f"CUST-{n}"} \
            if coded else {"id": f"u-{n}", "name": f"Tamu {n}"}
        self.accepted("customers", {"event_id": self.event_id(), "customer": data})
        if data["id"] not in self.customers:
            self.customers.append(data["id"])

    def once(self, kind: str, number: str, path: str, payload: dict) -> None:
        """A document whose number was used already arrives again as a duplicate."""
        numbers = self.used.setdefault(kind, {})
        if number in numbers:
            return
        self.accepted(path, payload)
        numbers[number] = number

    @rule(n=POOL, backwards=st.booleans(), minute=st.integers(0, 59))
    def transfer(self, n, backwards, minute):
        source, target = OUTLETS[::-1] if backwards else OUTLETS
        self.once("transfer", f"TR-{n}", "transfers", {
            "event_id": self.event_id(), "transfer": {
                "id": f"t-{n}", "number": f"TR-{n}", "from_outlet_id": source,
                "to_outlet_id": target, "sent_at": at(minute),
                "lines": [{"sku": "K-1", "quantity": 1}]}})

    @rule(n=POOL, outlet=st.sampled_from(OUTLETS), counted=st.integers(8, 12),
          minute=st.integers(0, 59))
    def stock_opname(self, n, outlet, counted, minute):
        self.once("opname", f"000{n}", "stock-opnames", {
            "event_id": self.event_id(), "stock_opname": {
                "id": f"s-{n}", "number": f"000{n}", "outlet_id": outlet,
                "counted_at": at(minute),
                "lines": [{"sku": "R-1", "system_quantity": 10, "counted_quantity": counted}]}})

    @rule(n=POOL, outlet=st.sampled_from(OUTLETS), change=st.sampled_from([-2, -1, 1, 3]),
          minute=st.integers(0, 59))
    def stock_adjustment(self, n, outlet, change, minute):
        self.once("adjustment", f"000{n}", "stock-adjustments", {
            "event_id": self.event_id(), "stock_adjustment": {
                "id": f"a-{n}", "number": f"000{n}", "outlet_id": outlet,
                "adjusted_at": at(minute),
                "lines": [{"sku": "K-1", "quantity_change": change}]}})

    @rule(n=POOL, outlet=st.sampled_from(OUTLETS), into=st.booleans(),
          minute=st.integers(0, 59))
    def deposit(self, n, outlet, into, minute):
        # Out: to the bank (a bank transfer) or for an expense (an other payment), by n.
        self.once("deposit", f"d-{n}", "deposits", {
            "event_id": self.event_id(), "deposit": {
                "id": f"d-{n}", "outlet_id": outlet, "direction": "in" if into else "out",
                "purpose": "top_up" if into else ("expense" if n % 2 else "bank"),
                "amount": 5000, "deposited_at": at(minute)}})

    @precondition(lambda self: self.deliveries)
    @rule(data=st.data())
    def delivered_again(self, data):
        path, payload = data.draw(st.sampled_from(self.deliveries))
        answer = self.deliver(path, payload)
        assert answer.status_code == 200, answer.get_json()
        assert answer.get_json()["status"] == "duplicate"

    # ---- a person in Accurate ----------------------------------------------------------------

    @rule(kind=st.sampled_from(["customer", "invoice", "opname", "adjustment", "transfer",
                                "deposit"]), n=POOL, planned=st.booleans(), data=st.data())
    def person_enters(self, kind, n, planned, data):
        """A person types a document under a number isacc will use: one of a row not yet in
        Accurate (`planned`), or one an event may bring later."""
        module, number = {
            "customer": ("customer", f"CUST-{n}"), "invoice": ("sales-invoice", f"S-{n}"),
            "opname": ("item-adjustment", f"000{n}-OPN"),
            "adjustment": ("item-adjustment", f"000{n}-ADJ"),
            "transfer": ("item-transfer", f"TR-{n}-OUT"),
            "deposit": ("other-deposit", f"DEP-d-{n}")}[kind]
        waiting = sorted({(MODULES[r.kind], r.accurate_number) for r in self.rows()
                          if r.status != Status.SUCCESS and r.accurate_number
                          and r.kind != ActivityKind.SALES_RECEIPT})
        if planned and waiting:
            module, number = data.draw(st.sampled_from(waiting))
        answer = sandbox_save(self.accurate, SANDBOX_MODULES[module],
                              person_record(module, number))
        if answer["s"]:  # refused when the number is in Accurate already
            self.person[module, number] = answer["r"]["id"]

    # ---- workers and time --------------------------------------------------------------------

    @rule(lane=st.sampled_from(LANES))
    def worker_runs(self, lane):
        outlet_id = self.outlet_ids[lane] if lane else None
        lanes.work_lane(self.store.id, outlet_id)
        db.session.expire_all()
        left = db.session.scalars(db.select(SyncActivity.id).where(
            SyncActivity.claimed_by == worker_name())).all()
        assert not left, f"rows left claimed by a worker that returned: {left}"

    @rule(lane=st.sampled_from(LANES), what=st.sampled_from(MID_BATCH),
          answered=st.booleans())
    def worker_interrupted(self, lane, what, answered):
        """While a worker's batch is on its way (`answered`: Accurate has saved it, the
        answer not read yet) something happens to it, and another worker comes along."""
        outlet_id = self.outlet_ids[lane] if lane else None
        real_call = AccurateClient.call
        happened = []

        def meanwhile():
            happened.append(what)
            if what == "stalled" and not self.sending_unnumbered():
                # The worker's process stood still past its claims and its lane lock (the
                # heartbeat with it): both lapse, as they would.
                db.session.execute(db.update(SyncActivity).where(
                    SyncActivity.claimed_by.is_not(None))
                    .values(claimed_until=utcnow() - timedelta(seconds=1)))
                db.session.commit()
                self.fixtures.redis.delete(lane_lock(self.store.id, outlet_id))
            elif what == "stalled":
                # A customer Accurate numbers has no number to be refused under: a worker
                # stalled on its way to save it and then saving anyway makes a second one,
                # however soon it checks its claim. Only its lock lapses here.
                self.fixtures.redis.delete(lane_lock(self.store.id, outlet_id))
            elif what == "lock lost":
                self.fixtures.redis.delete(lane_lock(self.store.id, outlet_id))
            elif what == "redis emptied":
                self.fixtures.redis.flushdb()
            elif what == "token expired":
                self.tokens_expire()
            elif what == "access revoked":
                self.access_revoked()
            self.other_worker(outlet_id)

        def call(client, module, action, **kwargs):
            if action not in ("save", "bulk-save") or happened:
                return real_call(client, module, action, **kwargs)
            if not answered:
                meanwhile()
                return real_call(client, module, action, **kwargs)
            try:
                return real_call(client, module, action, **kwargs)
            finally:
                meanwhile()

        AccurateClient.call = call
        try:
            self.worker_runs(lane)
        finally:
            AccurateClient.call = real_call

    def sending_unnumbered(self) -> bool:
        return db.session.scalar(db.select(SyncActivity.id).where(
            SyncActivity.claimed_by.is_not(None), SyncActivity.kind == ActivityKind.CUSTOMER,
            SyncActivity.accurate_number.is_(None)).limit(1)) is not None

    def other_worker(self, outlet_id):
        """A worker of another process works the lane, to its end, if it gets its lock."""
        errors = []

        def work():
            with self.fixtures.app.app_context():
                try:
                    lock = get_redis().lock(lane_lock(self.store.id, outlet_id),
                                            timeout=current_app.config["LANE_LOCK_SECONDS"],
                                            thread_local=False)
                    if lock.acquire(blocking=False):
                        try:
                            run_lane(self.store.id, outlet_id, worker=OTHER_WORKER, lock=lock)
                        finally:
                            lock.release()
                except BaseException as error:  # noqa: BLE001 - reported to the test
                    errors.append(error)
                finally:
                    db.session.remove()

        thread = threading.Thread(target=work)
        thread.start()
        thread.join(timeout=120)
        assert not thread.is_alive() and not errors, errors
        left = db.session.scalars(db.select(SyncActivity.id).where(
            SyncActivity.claimed_by == OTHER_WORKER)).all()
        assert not left, f"rows left claimed by the other worker: {left}"

    @rule()
    def time_passes(self):
        """Every backoff runs out."""
        now = utcnow()
        db.session.execute(db.update(SyncActivity).where(
            SyncActivity.status == Status.PENDING, SyncActivity.due_at > now)
            .values(due_at=now - timedelta(seconds=1)))
        db.session.commit()

    @rule()
    def redis_emptied(self):
        self.fixtures.redis.flushdb()

    # ---- Accurate misbehaving ----------------------------------------------------------------

    @rule(fault=st.sampled_from(FAULTS), rate=st.sampled_from([0.3, 1.0]),
          seed=st.integers(0, 99))
    def faults_on(self, fault, rate, seed):
        settings = {"seed": seed}
        if fault.startswith("error_"):
            settings.update(error_rate=rate, status=int(fault[6:]))
        else:
            settings[f"{fault}_rate"] = rate
        self.sandbox.admin("faults", settings)

    @rule(module=st.sampled_from(REFUSED_MODULES), action=st.sampled_from(REFUSED_ACTIONS),
          status=st.sampled_from(REFUSED_STATUSES), count=st.integers(1, 3))
    def calls_refused(self, module, action, status, count):
        self.sandbox.admin("faults", {"refuse_module": module, "refuse_action": action,
                                      "refuse_status": status, "refuse_count": count})

    @rule()
    def faults_off(self):
        self.sandbox.admin("faults", {})

    @rule()
    def tokens_expire(self):
        self.sandbox.admin("expire-tokens", {})

    @rule()
    def access_revoked(self):
        self.sandbox.admin("revoke", {})
        self.revoked = True

    @precondition(lambda self: self.revoked)
    @rule()
    def owner_reconnects(self):
        connection.save_token(self.store, grant(current_app.config))
        connection.choose_database(self.store, DATABASE, "Kopi Nusantara")
        self.revoked = False

    @rule()
    def owner_refreshes(self):
        failed = db.session.scalars(db.select(SyncActivity.id).where(
            SyncActivity.store_id == self.store.id,
            SyncActivity.status == Status.FAILED)).all()
        refresh(self.store, list(failed))
        db.session.commit()

    # ---- what must always hold -----------------------------------------------------------------

    def rows(self) -> list[SyncActivity]:
        db.session.expire_all()
        return db.session.scalars(db.select(SyncActivity).where(
            SyncActivity.store_id == self.store.id).order_by(SyncActivity.id)).all()

    def in_accurate(self) -> dict[str, list[dict]]:
        return {module: self.accurate.all(module) for module in set(MODULES.values())}

    @invariant()
    def guarantees(self):
        rows = self.rows()
        self.every_row_says_where_it_stands(rows)
        self.accurate_holds_each_document_once_and_only_isaccs(rows)

    def every_row_says_where_it_stands(self, rows):
        for row in rows:
            if row.status == Status.PENDING:
                assert row.due_at is not None or row.reason, f"row {row.id} pending, silent"
            if row.status == Status.FAILED:
                assert row.reason and row.next_step, f"row {row.id} failed without why"

    def accurate_holds_each_document_once_and_only_isaccs(self, rows):
        held = self.in_accurate()
        for row in rows:
            module = MODULES[row.kind]
            marked = [d for d in held[module] if documents.is_marked(module, d, row.id)]
            assert len(marked) <= 1, f"row {row.id} ({row.accurate_number}) in Accurate " \
                                     f"{len(marked)} times"
            if row.status == Status.SUCCESS and row.accurate_id is not None:
                assert [d["id"] for d in marked] == [row.accurate_id], \
                    f"row {row.id} claims Accurate {module} {row.accurate_id}, not its own"
        for (module, number), document_id in self.person.items():
            found = self.accurate.get(module, document_id)
            assert found is not None and "[isacc" not in str(
                found.get(documents.marked_field(module))), f"{number}: a person's, changed"

    # ---- the end of the day --------------------------------------------------------------------

    def teardown(self):
        try:
            self.quiet_and_check()
        finally:
            self.fixtures.clean()

    def quiet_and_check(self):
        """Faults off, the owner mends what is theirs, workers run until nothing is ready:
        every document that can go is in Accurate exactly once."""
        self.faults_off()
        if self.revoked:
            self.owner_reconnects()
        for _ in range(10):
            rows = self.rows()
            failed = [r.id for r in rows if r.status == Status.FAILED and NOT_OURS not in r.reason]
            refresh(self.store, failed)
            db.session.commit()
            self.time_passes()
            busy = [lane for lane in LANES if db.session.scalars(ready_query(
                self.store.id, self.outlet_ids[lane] if lane else None, utcnow()).limit(1))
                .first()]
            if not busy and not failed:
                break
            for lane in busy:
                self.worker_runs(lane)
        rows = self.rows()
        by_id = {row.id: row for row in rows}

        def blocked(row) -> bool:
            waited = by_id.get(row.waits_for_id)
            return waited is not None and (waited.status == Status.FAILED or blocked(waited))

        held = self.in_accurate()
        for row in rows:
            module = MODULES[row.kind]
            if row.status == Status.FAILED:
                assert NOT_OURS in row.reason, (row.id, row.reason)
                assert (module, row.accurate_number) in self.person, \
                    f"row {row.id}: {row.accurate_number} refused as not isacc's, wrongly"
            elif row.status == Status.PENDING:
                assert blocked(row), f"row {row.id} {row.kind} still pending: {row.reason}"
            else:
                marked = [d for d in held[module] if documents.is_marked(module, d, row.id)]
                expected = [] if row.accurate_id is None else [row.accurate_id]
                assert [d["id"] for d in marked] == expected, (row.id, row.accurate_number)
        totals = self.fixtures.totals
        totals["examples"] += 1
        totals["rows"] += len(rows)
        totals["documents in Accurate"] += sum(1 for r in rows if r.accurate_id is not None)
        totals["refused: a person's number"] += sum(1 for r in rows if r.status == Status.FAILED)
        totals["waiting for those"] += sum(1 for r in rows if r.status == Status.PENDING)
        if totals["examples"] % 100 == 0:  # a long run shows how far it got
            print(f"\nstateful, {time.strftime('%H:%M:%S')}: {describe(totals)}", flush=True)
        ours = {documents.marker(row.id) for row in rows}
        for module, found in held.items():
            for document in found:
                text = str(document.get(documents.marked_field(module)) or "")
                if "[isacc" in text:
                    assert any(mark in text for mark in ours), f"{module} {text}: no row's"


def test_the_guarantees_hold_in_any_order_of_events_and_failures(
        app, client, redis_client, tmp_path, monkeypatch):
    sandbox = SandboxServer(tmp_path / "sandbox", FAST)
    # Backoffs and retry budgets short, so the steps meet their ends.
    current_app.config.update(RETRY_ATTEMPTS=3, RETRY_CAP_SECONDS=1, LANE_TURN_SECONDS=5)
    monkeypatch.setattr(connection, "_limiter", lambda: SharedLimiter(get_redis(), FAST_LIMITS))
    app.config.update(RETRY_ATTEMPTS=3, RETRY_CAP_SECONDS=1, LANE_TURN_SECONDS=5)
    # The sandbox's request log would bury a failure's steps.
    monkeypatch.setattr(logging.getLogger("werkzeug"), "level", logging.WARNING)
    try:
        Trading.fixtures = Fixtures(app, client, redis_client, sandbox)
        run_state_machine_as_test(Trading, settings=settings(
            max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None, database=None,
            suppress_health_check=list(HealthCheck)))
    finally:
        sandbox.stop()
    print(f"\nstateful: {describe(Trading.fixtures.totals)}")
