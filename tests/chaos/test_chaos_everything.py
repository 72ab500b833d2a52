"""Chaos over every document type and both directions: iSeller events of every kind (sales
with and without a customer, transfers, stock opnames and adjustments, deposits) and
purchases entered in Accurate whose webhooks raise iSeller stock, through 3 RQ worker
processes under a supervisor, while Accurate fails 30 % of the time, a worker is SIGKILLed,
Redis is restarted (everything it held is gone) and, on PostgreSQL, every database
connection is dropped. Every document must end in Accurate exactly once and every purchase
in iSeller's stock exactly once.

Short in `make test`; the full run is
    ISACC_CHAOS_EVENTS=2000 ISACC_TEST_DB=postgresql .venv/bin/python -m pytest \\
        tests/chaos/test_chaos_everything.py -s
"""

import os
import shutil
import signal
import subprocess
import time
from collections import Counter

import psycopg
import pytest
import redis
import requests
from flask import current_app
from sqlalchemy import func
from sqlalchemy.orm import aliased

from bench.common import Sandbox, free_port
from isacc.accurate.client import NUMBER_FIELD
from isacc.accurate.errors import RetryableError
from isacc.extensions import db
from isacc.models import (
    OutletMapping,
    Product,
    ProductStock,
    Status,
    SyncActivity,
    WebhookLog,
)
from isacc.sync import lanes
from isacc.sync.send import MODULES
from isacc.webhooks import schedule
from jobs.worker import worker_command, worker_environment
from tests.accurate.conftest import DATABASE
from tests.sync.conftest import T0, Shop, setup_shop
from tests.webhooks.conftest import Isacc

EVENTS = int(os.environ.get("ISACC_CHAOS_EVENTS", "120"))
DEADLINE = float(os.environ.get("ISACC_CHAOS_SECONDS", "300"))
PURCHASE_EVERY = 10


class RedisServer:
    """A Redis of the test's own, so restarting it disturbs nothing else on the machine."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.start()

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603 - the machine's redis-server
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
        for _ in range(100):
            try:
                redis.Redis.from_url(self.url).ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def restart(self):
        self.process.kill()  # nothing on disk: the queue and every lock are gone
        self.process.wait()
        self.start()

    def stop(self):
        self.process.kill()
        self.process.wait()


class Supervisor:
    """What systemd or a process manager does in production: a worker that died is started
    again."""

    def __init__(self, env: dict, count: int):
        self.env = env
        self.workers = [self.start() for _ in range(count)]

    def start(self) -> subprocess.Popen:
        return subprocess.Popen(  # noqa: S603 - our interpreter, fixed arguments
            worker_command(self.env["REDIS_URL"]), env=self.env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)

    def look(self) -> None:
        self.workers = [w if w.poll() is None else self.start() for w in self.workers]

    def stop(self) -> None:
        for worker in self.workers:
            worker.kill()
            worker.wait()


def unfinished() -> int:
    db.session.expire_all()
    dependency = aliased(SyncActivity)
    sync = db.session.scalar(
        db.select(func.count()).select_from(SyncActivity)
        .outerjoin(dependency, SyncActivity.waits_for_id == dependency.id)
        .where(SyncActivity.status == Status.PENDING,
               (dependency.id.is_(None)) | (dependency.status != Status.FAILED)))
    webhooks = db.session.scalar(db.select(func.count()).select_from(WebhookLog).where(
        WebhookLog.status == Status.PENDING))
    return sync + webhooks


def iseller_event(n: int) -> tuple[str, dict]:
    """Event n of the run: every kind of document in turn."""
    match n % 7:
        case 0 | 1:
            return "sales-orders", {"order": {
                "id": f"o-{n}", "number": f"C-{n:05d}", "outlet_id": f"OUT-{n % 2 + 1}",
                "ordered_at": T0, "lines": [{"sku": "K-1", "name": "Kopi", "quantity": 1,
                                             "unit_price": 1000}],
                "payments": [{"method": "cash", "amount": 1000}]}}
        case 2:
            return "customers", {"customer": {"id": f"c-{n}", "name": f"Pelanggan {n}",
                                              "customer_code": f"CUST-{n:05d}"}}
        case 3:
            return "sales-orders", {"order": {
                "id": f"o-{n}", "number": f"C-{n:05d}", "outlet_id": "OUT-1",
                "ordered_at": T0, "customer_id": f"c-{n - 1}",
                "lines": [{"sku": "R-1", "name": "Roti", "quantity": 2, "unit_price": 500}],
                "payments": [{"method": "cash", "amount": 1000}]}}
        case 4:
            return "transfers", {"transfer": {
                "id": f"t-{n}", "number": f"TR-{n:05d}", "from_outlet_id": "OUT-1",
                "to_outlet_id": "OUT-2", "sent_at": T0,
                "lines": [{"sku": "K-1", "quantity": 1}]}}
        case 5 if n % 2:
            return "stock-adjustments", {"stock_adjustment": {
                "id": f"a-{n}", "number": f"ADJ-{n:05d}", "outlet_id": "OUT-2",
                "adjusted_at": T0, "lines": [{"sku": "R-1", "quantity_change": -1}]}}
        case 5:
            return "stock-opnames", {"stock_opname": {
                "id": f"s-{n}", "number": f"SO-{n:05d}", "outlet_id": "OUT-2",
                "counted_at": T0, "lines": [{"sku": "K-1", "system_quantity": 10,
                                             "counted_quantity": 9}]}}
        case _:
            return "deposits", {"deposit": {"id": f"d-{n}", "outlet_id": "OUT-1",
                                            "direction": "in" if n % 2 else "out",
                                            "amount": 5000, "deposited_at": T0}}


def drop_every_connection(url: str) -> None:
    """PostgreSQL closes every connection to the test database (a failover, a restart)."""
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE datname = current_database() AND pid <> pg_backend_pid()")


@pytest.fixture
def chaos_redis(app):
    server = RedisServer()
    for config in (app.config, current_app.config):
        config["REDIS_URL"] = server.url
    for flask_app in (app, current_app._get_current_object()):
        flask_app.extensions.pop("isacc_redis", None)
    yield server
    server.stop()


def test_every_document_type_and_every_purchase_arrive_exactly_once(
        app, client, chaos_redis, tmp_path):
    current_app.config.update(CLAIM_SECONDS=8, LANE_LOCK_SECONDS=8, RETRY_CAP_SECONDS=4)
    isacc = Isacc(app)  # serving before its first request: it hooks the app
    with Sandbox() as sandbox:
        store = setup_shop(client, sandbox)
        shop = Shop(client, store, sandbox)
        for sku in ("K-1", "R-1"):
            db.session.add(Product(store_id=store.id, iseller_id=f"p-{sku}", name=sku, sku=sku))
        db.session.commit()
        webhook_url = f"{isacc.url}/webhooks/accurate/{store.webhook_token}"
        sandbox.admin("webhook", {"url": webhook_url})
        database_url = current_app.config["SQLALCHEMY_DATABASE_URI"]
        env = worker_environment(current_app.config, redis_url=chaos_redis.url,
                                 accurate_url=sandbox.url, ISACC_INSTANCE_PATH=str(tmp_path),
                                 ISACC_CLAIM_SECONDS="8", ISACC_LANE_LOCK_SECONDS="8",
                                 ISACC_RETRY_CAP_SECONDS="4")
        sandbox.admin("faults", {"error_rate": 0.1, "status": 500, "drop_rate": 0.1,
                                 "commit_then_fail_rate": 0.1, "seed": 11})
        supervisor = Supervisor(env, 3)
        purchased = Counter()
        postgres = database_url.startswith("postgresql")
        try:
            for n in range(EVENTS):
                path, payload = iseller_event(n)
                shop.send(path, **payload)
                if n % PURCHASE_EVERY == 0:
                    sku, outlet = ("K-1", "Gudang Kemang") if n % 20 else ("R-1",
                                                                           "Gudang Senopati")
                    page = requests.post(
                        f"{sandbox.url}/sandbox/db/{DATABASE}/purchase", timeout=30,
                        data={"module": "purchase-invoice", "vendorNo": "V-001",
                              "branchName": "Jakarta", "transDate": time.strftime("%d/%m/%Y"),
                              "itemNo": sku, "quantity": "3", "unitPrice": "9000",
                              "warehouseName": outlet})
                    if page.status_code == 200:
                        purchased[sku, outlet] += 3
                if n == EVENTS // 3:
                    supervisor.workers[0].send_signal(signal.SIGKILL)
                if n == EVENTS // 2:
                    chaos_redis.restart()
                if n == 2 * EVENTS // 3 and postgres:
                    db.session.remove()
                    drop_every_connection(database_url)
                supervisor.look()
            started = time.monotonic()
            while unfinished() and time.monotonic() - started < DEADLINE:
                supervisor.look()
                lanes.dispatch_due()  # the scheduler's tick: sync lanes...
                schedule.tick()  # ...and webhook rows and notices
                time.sleep(1)
        finally:
            sandbox.admin("faults", {})
            supervisor.stop()
            isacc.stop()

        assert unfinished() == 0
        activities = db.session.scalars(db.select(SyncActivity)).all()
        counts = Counter(a.status for a in activities)
        assert counts[Status.FAILED] == 0, [(a.source_number, a.reason) for a in activities
                                            if a.status == Status.FAILED]
        expected = Counter(MODULES[a.kind] for a in activities)
        duplicates, lost, out = 0, 0, Counter()
        for module in sorted(set(expected)):
            numbers = numbers_in(shop.accurate, module)
            mine = {a.accurate_number for a in activities if MODULES[a.kind] == module}
            out[module] = sum(numbers[number] for number in mine)
            duplicates += sum(numbers[number] - 1 for number in mine if numbers[number] > 1)
            lost += sum(1 for number in mine if numbers[number] == 0)
        rows = db.session.scalars(db.select(WebhookLog)).all()
        stock = {(sku, warehouse): on_hand(sku, warehouse) for sku, warehouse in purchased}
        print(f"\nchaos (everything): {EVENTS} iSeller events in -> {sum(out.values())} "
              f"documents in Accurate {dict(out)}; duplicates {duplicates}, lost {lost}; "
              f"{sum(purchased.values())} units purchased in Accurate -> {len(rows)} webhook "
              f"rows, iSeller stock {stock}")
        assert duplicates == 0 and lost == 0
        assert all(row.status == Status.SUCCESS for row in rows), [
            (row.accurate_number, row.reason) for row in rows if row.status != Status.SUCCESS]
        assert stock == {key: float(units) for key, units in purchased.items()}


def numbers_in(accurate, module: str) -> Counter:
    """Every document number of a module in Accurate. Reading checks the result, not isacc:
    when Accurate asks to slow down (the run just ended at its limit), wait and read again."""
    field = NUMBER_FIELD.get(module, "number")
    for _ in range(10):
        try:
            return Counter(row[field] for row in accurate.list(module, fields=field))
        except RetryableError:
            time.sleep(2)
    raise AssertionError(f"Accurate kept refusing to list {module}")


def on_hand(sku: str, warehouse: str) -> float:
    """iSeller's stock on hand of `sku` at the outlet whose warehouse this is."""
    db.session.expire_all()
    outlet_id = db.session.scalar(db.select(OutletMapping.outlet_id).where(
        OutletMapping.warehouse_name == warehouse))
    found = db.session.scalar(db.select(ProductStock.quantity).join(Product).where(
        Product.sku == sku, ProductStock.outlet_id == outlet_id))
    return float(found or 0)
