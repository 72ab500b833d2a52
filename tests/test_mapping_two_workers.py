"""The mapping form under gunicorn with two web processes, as production runs it: a warehouse
added a moment ago through one process is accepted by both."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from flask import current_app

from isacc.accurate import connection
from isacc.extensions import db
from isacc.models import Outlet, Role
from tests.accurate.conftest import DATABASE, grant, sandbox_config
from tests.conftest import PASSWORD, csrf_from, make_store, make_user
from tests.test_make_run import STARTUP_SECONDS, answer_within, free_port
from tests.test_outlet_mapping import form_values

ROOT = Path(__file__).resolve().parent.parent
# Every other request is made while one process is held busy (one_process_held), so both
# answer within a few tries; the bound fails a process that never answers.
TRIES = 40


@pytest.fixture
def two_workers(app, sandbox, tmp_path):
    """isacc under `gunicorn -w 2` on the test's database and Redis; yields its address and
    its access log, which names the process that answered each request."""
    port, log = free_port(), tmp_path / "access.log"
    env = dict(os.environ, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               REDIS_URL=app.config["REDIS_URL"], SECRET_KEY=app.config["SECRET_KEY"],
               ENCRYPTION_KEYS=app.config["ENCRYPTION_KEYS"],
               ISACC_INSTANCE_PATH=str(tmp_path), **sandbox_config(sandbox))
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--access-logfile", str(log), "--access-logformat", "%(p)s %(m)s %(U)s",
         # Its default socket is one per user: two test runs at once would share it.
         "--no-control-socket", "app:create_app()"], cwd=ROOT, env=env, start_new_session=True)
    try:
        yield f"http://127.0.0.1:{port}", log
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)


@contextlib.contextmanager
def one_process_held(base: str):
    """One of the two processes kept busy reading a request that is not finished, so the
    next request is answered by the other: which process the kernel hands a connection to
    is its choice, and it may hand them all to the same one (it did, 40 times in a row)."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as held:
        held.sendall(b"GET /login HTTP/1.1\r\nHost: isacc\r\n")  # no blank line: unfinished
        time.sleep(0.2)  # accepted by a process before the next connection comes
        yield


def answered_by(log: Path, method: str, path: str, seen: int) -> set[str]:
    """The processes that have answered `seen` requests `method path` so far (the log line
    is written just after the answer, so it is waited for)."""
    deadline = time.monotonic() + 5
    while True:
        lines = [line.split() for line in log.read_text().splitlines()] if log.exists() else []
        pids = [pid for pid, m, p in lines if m == method and p == path]
        if len(pids) >= seen or time.monotonic() > deadline:
            return set(pids)
        time.sleep(0.05)


def test_the_mapping_form_with_two_workers_accepts_a_warehouse_added_a_moment_ago(
        app, sandbox, two_workers):
    base, log = two_workers
    current_app.config.update(sandbox_config(sandbox))
    store = make_store("Toko A")
    outlet = Outlet(store_id=store.id, iseller_id="O1", name="Kemang", payment_methods=["cash"])
    db.session.add(outlet)
    owner = make_user(Role.OWNER, store)
    db.session.commit()
    connection.save_token(store, grant(current_app.config))
    connection.choose_database(store, DATABASE, "Kopi Nusantara")
    form_path = f"/stores/{store.id}/outlets/{outlet.id}"

    browser = requests.Session()
    login_page = answer_within(browser, f"{base}/login", STARTUP_SECONDS)
    signed_in = browser.post(f"{base}/login", timeout=10, data={
        "email": owner.email, "password": PASSWORD, "csrf_token": csrf_from(login_page.text)})
    assert signed_in.ok and "Sign in" not in signed_in.text
    # Both processes show the form, so both have read (and kept) Accurate's lists.
    for tries in range(1, TRIES + 1):
        with one_process_held(base) if tries % 2 == 0 else contextlib.nullcontext():
            html = browser.get(f"{base}{form_path}", timeout=10).text
        assert "Gudang Kemang" in html
        if len(answered_by(log, "GET", form_path, tries)) == 2:
            break
    else:
        pytest.fail(f"one process answered all {TRIES} form requests")

    added = browser.post(f"{base}{form_path}/places/warehouse", timeout=10,
                         data={"new_warehouse": "Gudang Kemang Baru"},
                         headers={"X-CSRFToken": csrf_from(html), "HX-Request": "true"})
    assert '<option value="Gudang Kemang Baru" selected>' in added.text

    values = dict(form_values(html), warehouse_name="Gudang Kemang Baru",
                  csrf_token=csrf_from(html))
    for tries in range(1, TRIES + 1):
        with one_process_held(base) if tries % 2 == 0 else contextlib.nullcontext():
            saved = browser.post(f"{base}{form_path}/mapping", data=values, timeout=10)
        assert "is not in Accurate" not in saved.text
        assert "Outlet Kemang is mapped and active." in saved.text
        if len(answered_by(log, "POST", f"{form_path}/mapping", tries)) == 2:
            break
    else:
        pytest.fail(f"one process answered all {TRIES} saves")
