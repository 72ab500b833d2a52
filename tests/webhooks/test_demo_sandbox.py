"""`make run`'s sandbox and isacc together: a purchase entered on the sandbox's page reaches
the demo store's webhook log at once, and a sandbox with nowhere to send says so."""

import time

import pytest
import requests
from flask import current_app

from isacc.accurate import connection
from isacc.demo import build_demo
from isacc.devserver import demo_webhook_url
from isacc.extensions import db
from isacc.models import WebhookLog
from isacc.sandbox.__main__ import arguments
from isacc.sandbox.settings import WEBHOOK_URL_ENV
from tests.accurate.conftest import DATABASE, grant, sandbox_config
from tests.conftest import SandboxServer

TODAY = time.strftime("%d/%m/%Y")


def buy(sandbox, item: str = "K-1") -> requests.Response:
    return requests.post(f"{sandbox.url}/sandbox/db/{DATABASE}/purchase", timeout=10, data={
        "module": "purchase-invoice", "vendorNo": "V-001", "branchName": "Jakarta",
        "transDate": TODAY, "itemNo": item, "quantity": "3", "unitPrice": "9000",
        "warehouseName": "Gudang Kemang"})


def connect(store, sandbox) -> None:
    """The demo owner connects the store to the sandbox's Kopi Nusantara, as in `make run`."""
    current_app.config.update(sandbox_config(sandbox))
    connection.save_token(store, grant(current_app.config))
    connection.choose_database(store, DATABASE, "Kopi Nusantara")
    connection.client_for(store).save("item", {"no": "K-1", "name": "Arabika Gayo",
                                               "itemType": "INVENTORY"})


@pytest.fixture
def demo_sandbox(app, isacc, tmp_path, monkeypatch):
    """The demo store, and a sandbox started as the launcher starts it."""
    store = build_demo()
    host, port = isacc.url.removeprefix("http://").split(":")
    monkeypatch.setenv(WEBHOOK_URL_ENV, demo_webhook_url(host, port))
    args = arguments(["--data-dir", str(tmp_path / "sandbox")])
    sandbox = SandboxServer(args.data_dir, {"WEBHOOK_URL": args.webhook_url})
    connect(store, sandbox)
    yield store, sandbox
    sandbox.stop()


def test_a_sandbox_purchase_reaches_the_demo_store_at_once(demo_sandbox, isacc):
    store, sandbox = demo_sandbox
    page = buy(sandbox)
    assert page.status_code == 200 and "Webhook dikirim." in page.text
    assert "tidak dikirim" not in page.text
    # The item connect() saved, then the purchase: each notice recorded at once.
    answers = isacc.wait_for_answers(2)
    assert [(status, answer["recorded"]) for status, answer in answers] == [(200, 1)] * 2
    db.session.expire_all()
    rows = db.session.scalars(db.select(WebhookLog).where(WebhookLog.store_id == store.id))
    found = {row.event_type: row.accurate_number for row in rows}
    assert found["ITEM"] == "K-1" and found["PURCHASE_INVOICE"].startswith("PI.")


def test_a_sandbox_without_a_webhook_url_says_the_webhook_was_not_sent(app, tmp_path):
    sandbox = SandboxServer(tmp_path / "sandbox")
    try:
        store = build_demo()
        connect(store, sandbox)
        page = buy(sandbox)
        assert page.status_code == 200 and "Tersimpan: PI." in page.text
        assert "Webhook dikirim" not in page.text
        assert "Webhook tidak dikirim: alamat webhook belum diatur" in page.text
        # Nothing reached isacc: only the hourly catch-up from the history would find it.
        db.session.expire_all()
        assert db.session.scalar(db.select(db.func.count(WebhookLog.id))) == 0
    finally:
        sandbox.stop()
