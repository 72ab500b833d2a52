"""`make run`'s launcher, from an empty instance folder to a signed-in overview, over HTTP."""

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

from tests.conftest import REDIS_TEST_URL


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
    port, sandbox_port = free_port(), free_port()
    sandbox = f"http://127.0.0.1:{sandbox_port}"
    env = dict(os.environ, ISACC_INSTANCE_PATH=str(tmp_path), ISACC_PORT=str(port),
               REDIS_URL=redis_url, ACCURATE_ACCOUNT_URL=sandbox)
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
        for _ in range(100):
            try:
                login_page = session.get(f"{base}/login", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
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
        for _ in range(100):
            try:
                assert requests.get(f"{sandbox}/sandbox/admin/stats", timeout=2).ok
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        else:
            pytest.fail("the sandbox did not start")
        launcher.send_signal(signal.SIGTERM)
        launcher.wait(timeout=10)
        # Stopping the launcher stops everything it started.
        for url in (f"{base}/login", f"{sandbox}/sandbox/admin/stats"):
            with pytest.raises(requests.ConnectionError):
                requests.get(url, timeout=2)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(launcher.pid, signal.SIGKILL)
