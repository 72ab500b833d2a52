"""A shop for the sync benchmarks: its own PostgreSQL database, the sandbox in its own
process (Accurate's limit of 8 requests a second and 8 in flight enforced), a store
connected to it with mapped outlets and items in stock, and RQ worker processes."""

import os
import subprocess
import time
import uuid
from urllib.parse import parse_qs, urlsplit

import psycopg
import redis
from flask_migrate import upgrade
from sqlalchemy import func

from bench.common import REDIRECT, Sandbox
from isacc import create_app
from isacc.accurate import connection, oauth
from isacc.extensions import db
from isacc.inbound.schemas import EVENTS
from isacc.models import Outlet, OutletMapping, OutletPaymentAccount, Status, Store, SyncActivity
from isacc.sandbox.settings import SEED_CASH_ACCOUNT, SEED_MAPPING
from isacc.sandbox.testing import give_access
from isacc.sync import lanes
from isacc.sync.ingest import ingest
from jobs.worker import worker_command, worker_environment

ADMIN_URL = os.environ.get("ISACC_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("ISACC_BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
DATABASE = 101
ITEMS = ("K-1", "R-1", "T-1")
PRICE = 25000


class BenchShop:
    def __init__(self, outlets: int):
        self.outlet_count = outlets
        self.workers: list[subprocess.Popen] = []
        self.events = 0

    def __enter__(self):
        self.db_name = f"isacc_bench_{uuid.uuid4().hex[:8]}"
        self.admin_db = psycopg.connect(ADMIN_URL, autocommit=True)
        self.admin_db.execute(f'CREATE DATABASE "{self.db_name}"')
        base = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
        self.sandbox = Sandbox().__enter__()
        redis.Redis.from_url(REDIS_URL).flushdb()
        self.app = create_app({
            "SQLALCHEMY_DATABASE_URI": f"{base}/{self.db_name}", "REDIS_URL": REDIS_URL,
            "ACCURATE_ACCOUNT_URL": self.sandbox.url, "ACCURATE_CLIENT_ID": "isacc-sandbox",
            "ACCURATE_CLIENT_SECRET": "isacc-sandbox-secret"})
        self.context = self.app.app_context()
        self.context.push()
        upgrade()
        self._connect_store()
        return self

    def __exit__(self, *exc):
        self.stop_workers()
        db.session.remove()
        db.engine.dispose()
        self.context.pop()
        self.sandbox.__exit__(*exc)
        self.admin_db.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        self.admin_db.close()

    def _connect_store(self) -> None:
        self.store = store = Store(name="Bench", iseller_id="bench",
                                   inbound_key=uuid.uuid4().hex, webhook_token=uuid.uuid4().hex)
        db.session.add(store)
        db.session.commit()
        config = self.app.config
        url, _ = oauth.authorization_url(config, REDIRECT)
        code = parse_qs(urlsplit(give_access(url)).query)["code"][0]
        connection.save_token(store, oauth.exchange_code(config, REDIRECT, code))
        connection.choose_database(store, DATABASE, "Kopi Nusantara")
        accurate = connection.client_for(store)
        warehouses = [f"Gudang Bench {n}" for n in range(self.outlet_count)]
        for name in warehouses:
            accurate.save("warehouse", {"name": name})
        for sku in ITEMS:
            # Accurate's schema requires the type (the sandbox checks it since #16).
            accurate.save("item", {"no": sku, "name": sku, "itemType": "INVENTORY",
                                   "detailOpenBalance": [
                {"quantity": 10_000_000, "unitCost": 9000, "warehouseName": name}
                for name in warehouses]})
        for n, warehouse in enumerate(warehouses):
            self.send("outlets", {"outlet": {"id": f"OUT-{n}", "name": f"Outlet {n}",
                                             "payment_methods": ["cash"]}})
            outlet = db.session.scalar(db.select(Outlet).where(Outlet.iseller_id == f"OUT-{n}"))
            db.session.add(OutletMapping(
                store_id=store.id, outlet_id=outlet.id, active=True, warehouse_name=warehouse,
                **SEED_MAPPING, payment_accounts=[OutletPaymentAccount(
                    payment_method="cash", account_no=SEED_CASH_ACCOUNT,
                    accurate_type="CASH_OTHER")]))
        db.session.commit()

    def send(self, path: str, payload: dict):
        """Store an iSeller event as the inbound API does (validated, planned, committed)."""
        self.events += 1
        event_type, schema = EVENTS[path]
        result = ingest(self.store, event_type,
                        schema.model_validate({"event_id": f"e-{self.events}", **payload}))
        db.session.commit()
        return result

    def order(self, number: str, outlet: int,
              ordered_at: str = "2026-11-24T10:15:00+07:00") -> dict:
        lines = [{"sku": sku, "name": sku, "quantity": 1 + n, "unit_price": PRICE}
                 for n, sku in enumerate(ITEMS[:2])]
        total = sum(line["quantity"] * PRICE for line in lines)
        return {"order": {"id": f"o-{number}", "number": number, "outlet_id": f"OUT-{outlet}",
                          "ordered_at": ordered_at, "lines": lines,
                          "payments": [{"method": "cash", "amount": total}]}}

    def start_workers(self, count: int, **env_extra) -> None:
        env = worker_environment(self.app.config, redis_url=REDIS_URL,
                                 accurate_url=self.sandbox.url, **env_extra)
        self.workers += [subprocess.Popen(  # noqa: S603 - our interpreter, fixed arguments
            worker_command(REDIS_URL), env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
            for _ in range(count)]
        time.sleep(3)  # workers import the app before they take jobs

    def stop_workers(self) -> None:
        for worker in self.workers:
            worker.terminate()
        for worker in self.workers:
            worker.wait(timeout=30)
        self.workers = []

    def enqueue_every_lane(self) -> None:
        for n in range(self.outlet_count):
            outlet_id = db.session.scalar(db.select(Outlet.id).where(
                Outlet.iseller_id == f"OUT-{n}"))
            lanes.enqueue_lane(self.store.id, outlet_id)

    def pending(self) -> int:
        db.session.expire_all()
        return db.session.scalar(db.select(func.count()).select_from(SyncActivity).where(
            SyncActivity.status == Status.PENDING))

    def wait_until_sent(self) -> None:
        """Until the workers have finished every pending document (Success or Failed)."""
        while self.pending():
            time.sleep(0.2)

    def counts(self) -> dict:
        db.session.expire_all()
        return dict(db.session.execute(db.select(SyncActivity.status, func.count())
                                       .group_by(SyncActivity.status)).all())

    def violations(self) -> int:
        return self.sandbox.admin("stats").get(str(DATABASE), {}).get("violations", 0)
