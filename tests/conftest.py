"""Test fixtures: a real database (SQLite file or PostgreSQL, by ISACC_TEST_DB) built by the
migrations, the real Redis, and an app per test.

A missing service fails the run loudly: a skipped suite would look green while testing
nothing.
"""

import os
import re
import secrets
import uuid

import psycopg
import pytest
import redis
from flask_migrate import upgrade

from isacc import create_app
from isacc.extensions import db
from isacc.models import (
    Outlet,
    OutletPaymentAccount,
    Product,
    Role,
    Status,
    Store,
    SyncActivity,
    WebhookLog,
)
from isacc.models.activity import ActivityKind
from isacc.models.base import utcnow
from isacc.sandbox.settings import SEED_PAYMENT_ACCOUNTS
from isacc.users import create_user

TEST_DB = os.environ.get("ISACC_TEST_DB", "sqlite")
PG_ADMIN_URL = os.environ.get("ISACC_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
PASSWORD = "correct horse battery"
REDIS_HOST_URL = "redis://127.0.0.1:6379"
# Test runs empty their Redis database between tests, so two runs at once (a developer's
# and a clean-clone check) must not share one: each run claims a free database among these,
# by a key in database 0 that expires should the run die without letting go.
TEST_REDIS_DATABASES = range(10, 16)
CLAIM = "isacc-tests:redis-db:{}"
_claimed: tuple[redis.Redis, str, str] | None = None


def _redis_test_url() -> str:
    """ISACC_TEST_REDIS_URL if set (processes a run starts inherit it), else a claimed one."""
    global _claimed
    if os.environ.get("ISACC_TEST_REDIS_URL"):
        return os.environ["ISACC_TEST_REDIS_URL"]
    claims, token = redis.Redis.from_url(f"{REDIS_HOST_URL}/0"), uuid.uuid4().hex
    try:
        free = next((n for n in TEST_REDIS_DATABASES
                     if claims.set(CLAIM.format(n), token, nx=True, ex=2 * 3600)), None)
    except redis.RedisError:
        free = TEST_REDIS_DATABASES[0]  # the redis_client fixture stops the run, loudly
    else:
        if free is None:
            raise pytest.UsageError("every test Redis database (10-15) is claimed by another "
                                    "run: wait for it, or set ISACC_TEST_REDIS_URL")
        _claimed = (claims, CLAIM.format(free), token)
    os.environ["ISACC_TEST_REDIS_URL"] = f"{REDIS_HOST_URL}/{free}"
    return os.environ["ISACC_TEST_REDIS_URL"]


REDIS_TEST_URL = _redis_test_url()


def pytest_unconfigure(config):
    if _claimed is not None:
        claims, key, token = _claimed
        if claims.get(key) == token.encode():
            claims.delete(key)
        os.environ.pop("ISACC_TEST_REDIS_URL", None)


def pytest_report_header(config):
    return f"isacc database: {TEST_DB}; redis: {REDIS_TEST_URL}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if TEST_DB == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'isacc.sqlite3'}"
        return
    if TEST_DB != "postgresql":
        raise pytest.UsageError(f"ISACC_TEST_DB must be sqlite or postgresql, not {TEST_DB!r}")
    name = f"isacc_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        pytest.exit(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {error}", returncode=3)
    admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    yield f"{base.replace('postgresql://', 'postgresql+psycopg://', 1)}/{name}"
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture(scope="session")
def redis_client():
    client = redis.Redis.from_url(REDIS_TEST_URL)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.exit(f"Redis is not reachable at {REDIS_TEST_URL}: {error}", returncode=3)
    return client


@pytest.fixture(scope="session")
def test_config(database_url, tmp_path_factory):
    from cryptography.fernet import Fernet

    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": REDIS_TEST_URL,
        "SECRET_KEY": secrets.token_hex(16),
        "ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        # Live tables poll faster than in use, so browser tests see changes quickly.
        "LIVE_POLL_SECONDS": 1,
    }


@pytest.fixture(scope="session")
def migrated(test_config):
    """The schema, built once per run by the migrations (so they are tested too)."""
    app = create_app(test_config)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return test_config


@pytest.fixture
def app(migrated, redis_client):
    """The app under test. The test's own code runs in the context of a twin app on the
    same database: Flask reuses a pushed context of the same app for requests, which would
    let `g` (and the signed-in user) leak from one request into the next."""
    app = create_app(migrated)
    twin = create_app(migrated)
    redis_client.flushdb()
    with twin.app_context():
        yield app
        db.session.remove()
        # Empty every table, children first, so each test starts from nothing.
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        db.engine.dispose()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


# ---- building data -------------------------------------------------------------------------

def make_store(name: str, **fields) -> Store:
    store = Store(
        name=name,
        iseller_id=fields.pop("iseller_id", f"shop-{uuid.uuid4().hex[:8]}"),
        inbound_key=fields.pop("inbound_key", secrets.token_urlsafe(24)),
        webhook_token=secrets.token_urlsafe(24),
        **fields,
    )
    db.session.add(store)
    db.session.flush()
    return store


def make_user(role: Role, store: Store | None = None, email: str | None = None):
    return create_user(
        email=email or f"{role.value}-{uuid.uuid4().hex[:6]}@example.test",
        password=PASSWORD, role=role, name=role.value, store=store,
    )


def stock_store(store: Store) -> dict:
    """One of everything a store page can show by id; returns their ids."""
    outlet = Outlet(store_id=store.id, iseller_id=f"o-{store.id}", name=f"{store.name} outlet")
    product = Product(store_id=store.id, iseller_id=f"p-{store.id}", name="Kopi", sku="K-1")
    db.session.add_all([outlet, product])
    db.session.flush()
    activity = SyncActivity(
        store_id=store.id, outlet_id=outlet.id, kind=ActivityKind.SALES_INVOICE,
        source_kind="sales_order", source_id=1, source_number=f"INV-{store.id}",
        source_at=utcnow(), status=Status.FAILED, reason="Item K-1 is not in Accurate",
    )
    webhook = WebhookLog(
        store_id=store.id, outlet_id=outlet.id, event_type="PURCHASE_INVOICE",
        dedupe_key=f"w-{store.id}", accurate_number=f"PI-{store.id}", payload={},
        status=Status.SUCCESS,
    )
    db.session.add_all([activity, webhook])
    db.session.flush()
    return {"store_id": store.id, "outlet_id": outlet.id, "product_id": product.id,
            "activity_id": activity.id, "webhook_id": webhook.id, "kind": "missing"}


def seed_payment_accounts() -> list[OutletPaymentAccount]:
    """The payment method rows of an outlet mapped with the sandbox's SEED_MAPPING."""
    return [OutletPaymentAccount(payment_method=method, account_no=account,
                                 accurate_type=kind, fee_account_no=fee)
            for method, (account, kind, fee) in SEED_PAYMENT_ACCOUNTS.items()]


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, "page has no CSRF meta tag"
    return match.group(1)


def login(client, email: str, password: str = PASSWORD):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def post_event(client, store: Store, path: str, payload: dict, *, timestamp: int | None = None,
               key_store: Store | None = None):
    """POST a signed event to the inbound API, as iSeller does."""
    import json

    from isacc.inbound.signing import signed_headers

    body = json.dumps(payload, default=str).encode()
    headers = signed_headers(key_store or store, body, timestamp)
    headers["X-Isacc-Store"] = store.iseller_id
    return client.post(f"/api/v1/{path}", data=body, headers=headers)


@pytest.fixture
def live_server(app):
    """isacc over real HTTP: for a browser, or for a sandbox to send its webhooks to."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


class SandboxServer:
    """The Accurate sandbox on a free local port, over real HTTP."""

    def __init__(self, data_dir, config=None, create=None):
        import threading

        from werkzeug.serving import make_server

        from isacc.sandbox import create_sandbox_app

        self.data_dir = data_dir
        self.app = (create or create_sandbox_app)({"DATA_DIR": str(data_dir),
                                                   **(config or {})})
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def admin(self, path: str, body: dict | None = None):
        import requests

        method = requests.post if body is not None else requests.get
        answer = method(f"{self.url}/sandbox/admin/{path}", json=body, timeout=10)
        answer.raise_for_status()
        return answer.json()

    def violations(self, database_id: int = 101) -> int:
        return self.admin("stats").get(str(database_id), {}).get("violations", 0)

    def trial_balance(self, database_id: int = 101, as_of=None) -> dict:
        """The sandbox's books up to `as_of` (a date; every date when None): account no ->
        balance, debit minus credit, in rupiah."""
        from decimal import Decimal

        import requests

        params = {"database": database_id, **({"asOf": as_of.isoformat()} if as_of else {})}
        answer = requests.get(f"{self.url}/sandbox/admin/trial-balance", params=params,
                              timeout=10)
        answer.raise_for_status()
        books = answer.json(parse_float=Decimal, parse_int=Decimal)
        return {no: row["balance"] for no, row in books["accounts"].items()}

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def sandbox(tmp_path):
    server = SandboxServer(tmp_path / "sandbox")
    yield server
    server.stop()


class IsellerSandbox(SandboxServer):
    """The iSeller sandbox on a free local port, over real HTTP."""

    def __init__(self, data_dir, config=None):
        from isacc.isellersandbox import create_iseller_sandbox_app

        super().__init__(data_dir, config, create=create_iseller_sandbox_app)

    def violations(self, database_id: int = 0) -> int:
        """Requests the sandbox refused for what they asked (unknown parameters, bad
        values): none, from a client that follows iseller-api.md."""
        return self.admin("stats")["refused"]


@pytest.fixture
def iseller(tmp_path):
    server = IsellerSandbox(tmp_path / "iseller")
    yield server
    server.stop()
