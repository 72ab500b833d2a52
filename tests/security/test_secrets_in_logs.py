"""No secret reaches a log line (#15, finding 12), even when a request fails: Flask's
"Exception on <path>" line and the server's access line both name the webhook URL, whose
last part is the store's secret token."""

import logging
import threading
from unittest.mock import patch

import pytest
import requests
from werkzeug.serving import make_server

from isacc.extensions import db
from tests.conftest import make_store

FORMAT = logging.Formatter("%(name)s %(levelname)s %(message)s")


@pytest.fixture
def served(app):
    """isacc over real HTTP, so the server's own access lines are logged too."""
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a 500 is answered and logged, as in production
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def logged(caplog) -> str:
    return "\n".join(FORMAT.format(record) for record in caplog.records)


def test_a_failing_webhook_request_logs_its_url_without_the_token(served, caplog):
    caplog.set_level(logging.INFO)
    store = make_store("Toko A")
    db.session.commit()
    token = store.webhook_token
    with patch("isacc.webhooks.receive._store_for", side_effect=RuntimeError("boom")):
        answer = requests.post(f"{served}/webhooks/accurate/{token}", json=[], timeout=10)
    assert answer.status_code == 500
    text = logged(caplog)
    # The lines are there (the test would pass on silence otherwise), the token is not.
    assert "Exception on /webhooks/accurate/" in text and "RuntimeError: boom" in text
    assert "POST /webhooks/accurate/" in text  # the access line
    assert token not in text
    assert token[:12] not in text


def test_secrets_in_any_logger_are_scrubbed(app, caplog):
    token = "Zq9w-secret-token-value"
    # Flask's own logger, a child of it, a library's, the server's.
    for name in ("isacc", "isacc.scrubbing.child", "a.library", "werkzeug"):
        caplog.set_level(logging.INFO, logger=name)
        logging.getLogger(name).info("POST /webhooks/accurate/%s 500", token)
    logging.getLogger("isacc").info("token call: code=%s&state=x refresh_token=%s", token,
                                    token)
    logging.getLogger("isacc").info("headers: Authorization: Bearer %s", token)
    text = logged(caplog)
    assert token not in text and text.count("/webhooks/accurate/") == 4
