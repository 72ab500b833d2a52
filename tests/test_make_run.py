"""`make run`'s launcher, from an empty instance folder to a signed-in overview, over HTTP."""

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from isacc import devserver
from isacc.demo import DEMO_STORE_ID, build_demo
from isacc.extensions import db
from isacc.isellersandbox.__main__ import arguments as iseller_arguments
from isacc.models import Store
from isacc.sandbox.__main__ import arguments
from isacc.sandbox.settings import WEBHOOK_URL_ENV
from tests.conftest import REDIS_TEST_URL

# The launcher prints its banner before `flask run` has imported the app and bound its port; on a
# loaded machine (two cores shared with other suites) that alone has taken over ten seconds.
STARTUP_SECONDS = 60


def answer_within(session, url, seconds):
    """The first answer `url` gives within `seconds`, polling while nothing listens yet."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return session.get(url, timeout=5)
        except (requests.ConnectionError, requests.Timeout):
            if time.monotonic() > deadline:
                pytest.fail(f"nothing answered at {url} within {seconds} s")
            time.sleep(0.2)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(("redis_url", "says"), [
    (REDIS_TEST_URL, "a sync worker and the scheduler run beside the web app"),
    ("redis://127.0.0.1:1/0", "a local worker (no queue"),  # no Redis: it still works
])
def test_launcher_serves_login_and_the_printed_owner_login_reaches_the_overview(
        tmp_path, redis_url, says):
    port, sandbox_port, iseller_port = free_port(), free_port(), free_port()
    sandbox = f"http://127.0.0.1:{sandbox_port}"
    iseller = f"http://127.0.0.1:{iseller_port}"
    env = dict(os.environ, ISACC_INSTANCE_PATH=str(tmp_path), ISACC_PORT=str(port),
               REDIS_URL=redis_url, ACCURATE_ACCOUNT_URL=sandbox, ISELLER_OAUTH_URL=iseller)
    env.pop("DATABASE_URL", None)  # make run's default: the embedded SQLite file
    launcher = subprocess.Popen([sys.executable, "-m", "isacc.devserver"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                start_new_session=True)
    try:
        printed = []
        for line in launcher.stdout:
            printed.append(line)
            if "Press Ctrl-C" in line:
                break
        output = "".join(printed)
        assert f"http://127.0.0.1:{port}/" in output and says in output
        owner = re.search(r"owner\s+(\S+)\s+password: (\S+)", output)
        assert owner, output
        base = f"http://127.0.0.1:{port}"
        session = requests.Session()
        login_page = answer_within(session, f"{base}/login", STARTUP_SECONDS)
        assert login_page.status_code == 200 and "Sign in" in login_page.text
        token = re.search(r'name="csrf-token" content="([^"]+)"', login_page.text).group(1)
        overview = session.post(f"{base}/login", timeout=5, data={
            "email": owner.group(1), "password": owner.group(2), "csrf_token": token})
        assert overview.status_code == 200
        assert re.search(r"/stores/\d+/$", overview.url)
        assert "Kopi Nusantara" in overview.text and "Set-up" in overview.text
        assert (tmp_path / "isacc.sqlite3").exists()
        # The Accurate sandbox runs beside it, where isacc is configured to find Accurate.
        assert f"Accurate sandbox at {sandbox}" in output
        assert answer_within(requests.Session(), f"{sandbox}/sandbox/admin/stats",
                             STARTUP_SECONDS).ok
        # Its OAuth client has isacc's callback on this port registered, as an application
        # registers its callback in Accurate's developer area.
        registered = requests.get(f"{sandbox}/sandbox/admin/redirect-uris", timeout=5).json()
        assert f"{base}/connect/callback" in registered["redirect_uris"]
        # Its books already hold the demo's items, so connecting shows sales going through.
        assert "KN-0001" in requests.get(f"{sandbox}/sandbox/db/101", timeout=5).text
        # The iSeller sandbox too, its store the demo's: isacc's callback registered, the
        # demo's products on sale at its till.
        assert f"iSeller sandbox at {iseller}" in output and f"{iseller}/till" in output
        registered = answer_within(requests.Session(), f"{iseller}/sandbox/admin/redirect-uris",
                                   STARTUP_SECONDS).json()
        assert f"{base}/connect/iseller/callback" in registered["redirect_uris"]
        catalogue = requests.get(f"{iseller}/sandbox/admin/products", timeout=5).json()
        assert {"sku": "KN-0001", "product_id": "P0001"}.items() <= next(
            p for p in catalogue["products"] if p["sku"] == "KN-0001").items()
        launcher.send_signal(signal.SIGTERM)
        launcher.wait(timeout=10)
        # Stopping the launcher stops everything it started.
        for url in (f"{base}/login", f"{sandbox}/sandbox/admin/stats",
                    f"{iseller}/sandbox/admin/redirect-uris"):
            with pytest.raises(requests.ConnectionError):
                requests.get(url, timeout=2)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(launcher.pid, signal.SIGKILL)


class Child:
    """A started process that is not: what the launcher asked for is kept."""

    started: list = []

    def __init__(self, argv, env=None):
        self.argv, self.env = argv, env
        Child.started.append(self)

    def wait(self):
        return 0

    def terminate(self):
        pass


def test_the_launchers_sandbox_sends_its_webhooks_to_the_demo_store(app, monkeypatch, capsys,
                                                                    tmp_path):
    monkeypatch.setattr(devserver, "DEMO_ITEMS", tmp_path / "demo-items.xlsx")
    monkeypatch.setattr(devserver, "DEMO_PRODUCTS", tmp_path / "demo-iseller-products.json")
    monkeypatch.setattr(devserver, "create_app", lambda: app)
    monkeypatch.setattr(devserver, "upgrade", lambda: None)  # the test database is migrated
    monkeypatch.setattr(devserver, "redis_available", lambda: False)
    monkeypatch.setattr(devserver.subprocess, "Popen", Child)
    monkeypatch.setattr(devserver.signal, "signal", lambda *args: None)
    monkeypatch.setitem(app.config, "ACCURATE_ACCOUNT_URL", "http://127.0.0.1:5999")
    monkeypatch.setenv("ISACC_HOST", "0.0.0.0")  # noqa: S104 - never bound: no child starts
    monkeypatch.setenv("ISACC_PORT", "5123")
    monkeypatch.setattr(Child, "started", [])
    assert devserver.main() == 0
    [sandbox] = [c for c in Child.started if c.argv[1:3] == ["-m", "isacc.sandbox"]]
    token = db.session.scalar(db.select(Store.webhook_token).where(
        Store.iseller_id == DEMO_STORE_ID))
    url = f"http://127.0.0.1:5123/webhooks/accurate/{token}"
    # In the environment, not on the command line, where every user could read the token.
    assert sandbox.env[WEBHOOK_URL_ENV] == url and token not in " ".join(sandbox.argv)
    # ...where the sandbox's command line finds it.
    monkeypatch.setenv(WEBHOOK_URL_ENV, sandbox.env[WEBHOOK_URL_ENV])
    assert arguments(sandbox.argv[3:]).webhook_url == url
    assert "/sandbox/db/101/purchase reach the demo store" in capsys.readouterr().out
    # ...and starts with the demo's items, as after an export imported into Accurate.
    assert arguments(sandbox.argv[3:]).seed_items == str(tmp_path / "demo-items.xlsx")
    # ...and has isacc's callback registered, where the printed address sends the owner back.
    assert arguments(sandbox.argv[3:]).redirect_uri == ["http://127.0.0.1:5123/connect/callback"]
    assert (tmp_path / "demo-items.xlsx").stat().st_size > 0
    # The iSeller sandbox starts with the demo's products and isacc's iSeller callback.
    [till] = [c for c in Child.started if c.argv[1:3] == ["-m", "isacc.isellersandbox"]]
    given = iseller_arguments(till.argv[3:])
    assert given.redirect_uri == ["http://127.0.0.1:5123/connect/iseller/callback"]
    seeded = json.loads(Path(given.seed_products).read_text())
    assert len(seeded) > 40 and all(p["sku"] and p["product_id"] for p in seeded)


@pytest.mark.parametrize(("host", "base"), [
    ("127.0.0.1", "http://127.0.0.1:5000"),
    ("0.0.0.0", "http://127.0.0.1:5000"),  # noqa: S104 - a URL is made, nothing is bound
    ("::", "http://[::1]:5000"), ("192.168.1.5", "http://192.168.1.5:5000"),
])
def test_the_demo_webhook_url_is_reachable_from_this_machine(app, client, host, base):
    store = build_demo()
    url = devserver.demo_webhook_url(host, "5000")
    assert url == f"{base}/webhooks/accurate/{store.webhook_token}"
    # isacc knows the token: the demo store is found, and only its missing connection
    # stops the notice (an unknown token would be 401).
    path = url.removeprefix(base)
    answer = client.post(path, json=[{"databaseId": 101, "type": "PURCHASE_INVOICE",
                                      "uuid": "u", "timestamp": "25/11/2026 10:15:00",
                                      "data": [{"purchaseInvoiceId": 1,
                                                "purchaseInvoiceNo": "PI.1",
                                                "action": "WRITE"}]}])
    assert answer.status_code == 403 and "not connected" in answer.get_json()["error"]


def test_without_redis_the_web_app_and_local_worker_are_told_and_this_process_is_not(
        app, monkeypatch, tmp_path):
    """`make run` without Redis gives its web app and local worker in-process limits
    (ISACC_WITHOUT_REDIS in their environment) and leaves its own environment alone."""
    monkeypatch.setattr(devserver, "DEMO_ITEMS", tmp_path / "demo-items.xlsx")
    monkeypatch.setattr(devserver, "DEMO_PRODUCTS", tmp_path / "demo-iseller-products.json")
    monkeypatch.setattr(devserver, "create_app", lambda: app)
    monkeypatch.setattr(devserver, "upgrade", lambda: None)
    monkeypatch.setattr(devserver, "redis_available", lambda: False)
    monkeypatch.setattr(devserver.subprocess, "Popen", Child)
    monkeypatch.setattr(devserver.signal, "signal", lambda *args: None)
    monkeypatch.setenv("ISACC_PORT", "5124")
    monkeypatch.delenv("ISACC_WITHOUT_REDIS", raising=False)
    monkeypatch.setattr(Child, "started", [])
    assert devserver.main() == 0
    web = next(c for c in Child.started if c.argv[1:3] == ["-m", "flask"])
    worker = next(c for c in Child.started if c.argv[1:3] == ["-m", "isacc.local_worker"])
    assert web.env["ISACC_WITHOUT_REDIS"] == worker.env["ISACC_WITHOUT_REDIS"] == "1"
    assert "ISACC_WITHOUT_REDIS" not in os.environ
