"""A shop connected to the sandbox (tests/sync/conftest.py) whose webhooks reach isacc over
real HTTP, RQ on the real Redis; connected to the iSeller sandbox too where a test writes
stock into iSeller (tests/webhooks/test_stock_to_iseller.py)."""

import threading
import time
from datetime import UTC, datetime

import pytest
import requests
from flask import request
from rq import SimpleWorker
from werkzeug.serving import make_server

from isacc.accurate import account, oauth
from isacc.accurate.client import AccurateClient, DatabaseAccess
from isacc.extensions import db
from isacc.models import OutletMapping, Product, ProductStock, WebhookLog
from isacc.webhooks import lane
from isacc.webhooks.events import EVENTS, format_stamp
from tests.accurate.conftest import DATABASE, grant, sandbox_config
from tests.sync.conftest import setup_shop

TODAY = time.strftime("%d/%m/%Y")
PURCHASING = "receive_item_save receive_item_delete purchase_order_save purchase_invoice_save"


def work() -> None:
    """What an RQ worker does: run every queued job, here."""
    SimpleWorker([lane.queue()], connection=lane.queue().connection).work(
        burst=True, with_scheduler=False)


class Isacc:
    """isacc served over HTTP, so the sandbox can POST its webhooks to it."""

    def __init__(self, app):
        self.answers: list[tuple[int, dict]] = []
        # Webhook requests under way: a row is committed, then its lane enqueued, before the
        # answer, so a test that saw the row waits for this to be 0 before working.
        self.in_flight = 0
        counting = threading.Lock()

        @app.before_request
        def arrived():
            if request.path.startswith("/webhooks/"):
                with counting:
                    self.in_flight += 1
                request.environ["isacc.test.counted"] = True

        @app.teardown_request
        def answered(_error):
            if request.environ.pop("isacc.test.counted", False):
                with counting:
                    self.in_flight -= 1

        @app.after_request
        def keep(response):
            if request.path.startswith("/webhooks/") and response.is_json:
                self.answers.append((response.status_code, response.get_json()))
            return response

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wait_for_answers(self, count: int) -> list:
        for _ in range(100):
            if len(self.answers) >= count:
                return self.answers
            time.sleep(0.05)
        raise AssertionError(f"expected {count} webhook(s) at isacc, got {len(self.answers)}")

    def stop(self):
        self.server.shutdown()
        self.thread.join(timeout=5)


class Webshop:
    """The connected store, its iSeller products, and the sandbox's purchase page."""

    today = TODAY

    def __init__(self, store, sandbox, isacc, isacc_client):
        self.store, self.sandbox, self.isacc = store, sandbox, isacc
        self.isacc_client = isacc_client

    def sandbox_client(self) -> AccurateClient:
        """A person's own Accurate access, which (unlike isacc's) may save and delete
        receipts."""
        config = sandbox_config(self.sandbox)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(oauth, "SCOPES", oauth.SCOPES + " " + PURCHASING)
            token = grant(config)
        host, session = account.open_database(config, token.access_token, DATABASE)
        return AccurateClient(DatabaseAccess(DATABASE, host, token.access_token, session))

    @staticmethod
    def next_second() -> None:
        """Accurate stamps notices to the second: wait for the next one."""
        time.sleep(1.05 - time.time() % 1)

    def deliver(self, event_type: str, accurate_id: int, number: str, action: str) -> None:
        """A notice Accurate would send and the sandbox does not (a delete)."""
        _, prefix = EVENTS[event_type]
        answer = requests.post(self.webhook_url, timeout=10, json=[{
            "databaseId": DATABASE, "type": event_type, "uuid": f"manual-{time.time()}",
            "timestamp": format_stamp(datetime.now(UTC)),
            "data": [{f"{prefix}Id": accurate_id, f"{prefix}No": number, "action": action}]}])
        assert answer.status_code == 200, answer.text

    @property
    def webhook_url(self) -> str:
        return f"{self.isacc.url}/webhooks/accurate/{self.store.webhook_token}"

    def product(self, sku: str) -> Product:
        product = Product(store_id=self.store.id, iseller_id=f"p-{sku}", name=sku, sku=sku)
        db.session.add(product)
        db.session.commit()
        return product

    def purchase(self, module="purchase-invoice", item="K-1", quantity=12,
                 warehouse="Gudang Kemang"):
        page = requests.post(f"{self.sandbox.url}/sandbox/db/{DATABASE}/purchase", timeout=10,
                             data={"module": module, "vendorNo": "V-001",
                                   "branchName": "Jakarta", "transDate": TODAY, "itemNo": item,
                                   "quantity": str(quantity), "unitPrice": "9000",
                                   "warehouseName": warehouse})
        assert page.status_code == 200, page.text

    def rows(self, *types: str) -> list[WebhookLog]:
        """The store's webhook log, oldest first; only these event types when given (the
        scheduler's catch-up also brings the ITEM notices of the items setup_shop saved)."""
        db.session.expire_all()
        query = db.select(WebhookLog).where(WebhookLog.store_id == self.store.id)
        if types:
            query = query.where(WebhookLog.event_type.in_(types))
        return db.session.scalars(query.order_by(WebhookLog.id)).all()

    def wait_for_rows(self, count: int) -> list[WebhookLog]:
        """The rows once there are `count`, and the requests that made them answered (their
        lanes enqueued)."""
        for _ in range(100):
            rows = self.rows()
            if len(rows) >= count and self.isacc.in_flight == 0:
                return rows
            time.sleep(0.05)
        raise AssertionError(f"expected {count} webhook row(s), got {len(self.rows())}")

    def stock(self, sku: str, warehouse: str = "Gudang Kemang") -> tuple:
        """(on hand, incoming) of the product at the outlet whose warehouse this is."""
        db.session.expire_all()
        outlet_id = db.session.scalar(db.select(OutletMapping.outlet_id).where(
            OutletMapping.store_id == self.store.id, OutletMapping.warehouse_name == warehouse))
        found = db.session.execute(
            db.select(ProductStock.quantity, ProductStock.incoming).join(Product).where(
                Product.sku == sku, Product.store_id == self.store.id,
                ProductStock.outlet_id == outlet_id)).first()
        return (float(found[0]), float(found[1])) if found else (0.0, 0.0)


@pytest.fixture
def isacc(app):
    server = Isacc(app)
    yield server
    server.stop()


@pytest.fixture
def webshop(app, client, sandbox, isacc):
    store = setup_shop(client, sandbox)
    shop = Webshop(store, sandbox, isacc, client)
    sandbox.admin("webhook", {"url": shop.webhook_url})
    return shop
