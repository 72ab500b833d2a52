"""Chaos: orders through 3 RQ worker processes while Accurate fails 30 % of the time (500s,
dropped connections, documents saved but their answer lost), one worker is SIGKILLed, Redis
is emptied and the reconciler runs. Every valid order must end in Accurate exactly once.

Short in `make test`; the full run is
    ISACC_CHAOS_ORDERS=2000 .venv/bin/python -m pytest tests/chaos -s
"""

import os
import signal
import subprocess
import time
from collections import Counter

import pytest
from flask import current_app
from sqlalchemy import func
from sqlalchemy.orm import aliased

from bench.common import Sandbox
from isacc.extensions import db
from isacc.models import Status, SyncActivity
from isacc.sync import lanes
from jobs.worker import worker_command, worker_environment
from tests.conftest import post_event
from tests.sync.conftest import T0, Shop, setup_shop

ORDERS = int(os.environ.get("ISACC_CHAOS_ORDERS", "150"))
INVALID_EVERY = 25  # every 25th order sells an item Accurate does not have, on purpose
DEADLINE = float(os.environ.get("ISACC_CHAOS_SECONDS", "300"))


def start_worker(env) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our interpreter, fixed arguments
        worker_command(env["REDIS_URL"]), env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)


def statuses() -> Counter:
    db.session.expire_all()
    return Counter(db.session.scalars(db.select(SyncActivity.status)))


def unfinished() -> int:
    """Pending rows that can still move: not those waiting on a row that failed."""
    dependency = aliased(SyncActivity)
    return db.session.scalar(
        db.select(func.count()).select_from(SyncActivity)
        .outerjoin(dependency, SyncActivity.waits_for_id == dependency.id)
        .where(SyncActivity.status == Status.PENDING,
               (dependency.id.is_(None)) | (dependency.status != Status.FAILED)))


@pytest.fixture
def real_sandbox():
    with Sandbox() as sandbox:
        yield sandbox


def test_every_valid_order_ends_in_accurate_exactly_once(app, client, real_sandbox,
                                                         redis_client, tmp_path):
    # Short takeovers and backoffs, so a test minute holds what takes hours in production.
    current_app.config.update(CLAIM_SECONDS=8, LANE_LOCK_SECONDS=8, RETRY_CAP_SECONDS=4)
    store = setup_shop(client, real_sandbox)
    shop = Shop(client, store, real_sandbox)
    env = worker_environment(current_app.config, redis_url=current_app.config["REDIS_URL"],
                             accurate_url=real_sandbox.url, ISACC_INSTANCE_PATH=str(tmp_path),
                             ISACC_CLAIM_SECONDS="8", ISACC_LANE_LOCK_SECONDS="8",
                             ISACC_RETRY_CAP_SECONDS="4")
    real_sandbox.admin("faults", {"error_rate": 0.1, "status": 500, "drop_rate": 0.1,
                                  "commit_then_fail_rate": 0.1, "seed": 7})
    workers = [start_worker(env) for _ in range(3)]
    invalid = set()
    try:
        for n in range(ORDERS):
            sku = "NOPE" if n % INVALID_EVERY == 7 else ("K-1" if n % 2 else "R-1")
            if sku == "NOPE":
                invalid.add(f"C-{n:05d}")
            outlet = ("OUT-1", "OUT-2")[n % 2]
            answer = post_event(client, store, "sales-orders", {"event_id": f"c-{n}", "order": {
                "id": f"c-{n}", "number": f"C-{n:05d}", "outlet_id": outlet,
                "ordered_at": T0, "lines": [{"sku": sku, "name": sku, "quantity": 1,
                                             "unit_price": 1000}],
                "payments": [{"method": "cash", "amount": 1000}]}})
            assert answer.status_code == 202
            if n == ORDERS // 3:
                workers[0].send_signal(signal.SIGKILL)  # a worker dies mid-run
            if n == ORDERS // 2:
                redis_client.flushdb()  # the queue is lost; the rows are not
        started = time.monotonic()
        while unfinished() and time.monotonic() - started < DEADLINE:
            lanes.dispatch_due()  # the scheduler's tick, which is also the reconciler
            time.sleep(1)
    finally:
        real_sandbox.admin("faults", {})
        for worker in workers:
            worker.kill()
            worker.wait()

    counts = statuses()
    assert unfinished() == 0, counts
    failed = db.session.scalars(db.select(SyncActivity).where(
        SyncActivity.status == Status.FAILED)).all()
    waiting = db.session.scalars(db.select(SyncActivity).where(
        SyncActivity.status == Status.PENDING)).all()
    # Only what was made invalid on purpose failed: its invoice; its receipt waits for it.
    assert {a.source_number for a in failed} == invalid, [(a.source_number, a.reason)
                                                           for a in failed]
    assert all("Item NOPE is not in Accurate" in a.reason for a in failed)
    assert {a.waits_for.source_number for a in waiting} == invalid
    invoices = Counter(row["number"] for row in shop.accurate.list("sales-invoice",
                                                                   fields="number"))
    receipts = Counter(row["number"] for row in shop.accurate.list("sales-receipt",
                                                                   fields="number"))
    valid = ORDERS - len(invalid)
    print(f"\nchaos: {ORDERS} orders in, {sum(invoices.values())} invoices and "
          f"{sum(receipts.values())} receipts out, {len(invalid)} invalid on purpose")
    assert len(invoices) == valid and set(invoices.values()) == {1}  # none lost, no twice
    assert len(receipts) == valid and set(receipts.values()) == {1}
