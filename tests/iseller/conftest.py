"""The iSeller sandbox on a free local port, over real HTTP."""

import threading

import pytest
import requests
from werkzeug.serving import make_server

from isacc.isellersandbox import create_iseller_sandbox_app
from isacc.isellersandbox.settings import DEFAULTS

REDIRECT = DEFAULTS["REDIRECT_URIS"][0]


class IsellerSandbox:
    def __init__(self, data_dir):
        self.app = create_iseller_sandbox_app({"DATA_DIR": str(data_dir)})
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def admin(self, path: str, body: dict | None = None) -> dict:
        method = requests.post if body is not None else requests.get
        answer = method(f"{self.url}/sandbox/admin/{path}", json=body, timeout=10)
        answer.raise_for_status()
        return answer.json()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def iseller(tmp_path):
    server = IsellerSandbox(tmp_path / "iseller")
    yield server
    server.stop()
