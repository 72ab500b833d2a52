"""What the benchmarks share: a sandbox in its own process, and a connected client."""

import os
import socket
import subprocess
import sys
import tempfile
import time
from urllib.parse import parse_qs, urlsplit

import requests

from isacc.accurate import account, oauth
from isacc.accurate.client import DatabaseAccess
from isacc.sandbox.testing import give_access

DATABASE = 101
REDIRECT = "http://127.0.0.1/callback"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sandbox:
    """`python -m isacc.sandbox` on a free port with a throw-away data folder."""

    def __enter__(self):
        self.folder = tempfile.TemporaryDirectory()
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
            [sys.executable, "-m", "isacc.sandbox", "--port", str(port), "--data-dir",
             self.folder.name, "--redirect-uri", REDIRECT],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ))
        for _ in range(100):
            try:
                requests.get(f"{self.url}/sandbox/admin/stats", timeout=1)
                return self
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("the sandbox did not start")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.folder.cleanup()

    def admin(self, path: str, body: dict | None = None) -> dict:
        method = requests.post if body is not None else requests.get
        return method(f"{self.url}/sandbox/admin/{path}", json=body, timeout=10).json()

    def connect(self) -> DatabaseAccess:
        config = {"ACCURATE_ACCOUNT_URL": self.url, "ACCURATE_CLIENT_ID": "isacc-sandbox",
                  "ACCURATE_CLIENT_SECRET": "isacc-sandbox-secret"}
        url, _ = oauth.authorization_url(config, REDIRECT)
        code = parse_qs(urlsplit(give_access(url)).query)["code"][0]
        token = oauth.exchange_code(config, REDIRECT, code)
        host, session = account.open_database(config, token.access_token, DATABASE)
        return DatabaseAccess(DATABASE, host, token.access_token, session)
