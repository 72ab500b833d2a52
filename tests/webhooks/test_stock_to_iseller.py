"""Stock Accurate changed reaches iSeller as iSeller's own add-on writes it [C f7]: a Transfer
In at the outlet through the ERP API's CreateTransfer, a return to the supplier when stock
went down; exactly once, whatever is delivered twice, refused or lost on the way. Over real
HTTP: the Accurate sandbox fires the webhooks, the iSeller sandbox keeps the stock, and its
GetProducts inventories are what is checked."""

import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from flask import current_app

from isacc.extensions import db
from isacc.isellersandbox.settings import DEFAULTS, OUTLETS
from isacc.isellersandbox.testing import grant_access
from isacc.models import Outlet, Role, Status, Store
from isacc.models.base import utcnow
from isacc.webhooks import notify, schedule
from isacc.webhooks.refresh import refresh_webhooks
from tests.conftest import login, make_user
from tests.iseller.test_connect_iseller import back_to_isacc, start
from tests.webhooks.conftest import work

# The iSeller outlets setup_shop's OUT-1 and OUT-2 stand for (Kemang and Senopati).
ISELLER_OUTLETS = {"OUT-1": OUTLETS[0]["outlet_id"], "OUT-2": OUTLETS[1]["outlet_id"]}
# iSeller's products are the ones isacc knows (Webshop.product's ids): connecting brings the
# catalogue in by GetProducts, which then finds them, not two products per SKU.
CATALOGUE = [{"product_id": "p-K-1", "sku": "K-1", "name": "Kopi K-1", "price": 20000,
              "stock": {"KMG": 5, "SNP": 5}},
             {"product_id": "p-R-1", "sku": "R-1", "name": "Roti R-1", "price": 15000,
              "stock": {"KMG": 5, "SNP": 5}}]


class Iseller:
    """The iSeller sandbox as the merchant and a test see it: its stock by GetProducts, its
    transfers by GetTransfer, over a token of its own."""

    def __init__(self, sandbox):
        self.sandbox = sandbox
        self.token = requests.post(f"{sandbox.url}/oauth/token", timeout=10, data={
            "grant_type": "client_credentials", "client_id": DEFAULTS["CLIENT_ID"],
            "client_secret": DEFAULTS["CLIENT_SECRET"]}).json()["access_token"]

    def _post(self, path: str, **kwargs) -> dict:
        answer = requests.post(f"{self.sandbox.url}{path}", timeout=10,
                               headers={"Authorization": f"Bearer {self.token}"}, **kwargs)
        assert answer.status_code == 200 and answer.json()["status"] is True, answer.text
        return answer.json()

    def stock(self, sku: str, outlet: str = "KMG") -> float:
        products = self._post("/api/v2/GetProducts", data={
            "track_inventory": "false", "modified_after": "2000-01-01T00:00:00", "page": 1,
            "page_size": 100})["products"]
        [product] = [p for p in products if p["sku"] == sku]
        return {i["outlet_code"]: i["unit_in_stock"] for i in product["inventories"]}[outlet]

    def transfers(self, reference_code: str) -> list[dict]:
        return self._post("/api/v3/GetTransfer",
                          json={"reference_code": reference_code})["transfers"]


def sign_in_owner(webshop) -> None:
    owner = make_user(Role.OWNER, webshop.store)
    db.session.commit()
    login(webshop.isacc_client, owner.email)


def connect_iseller(webshop, iseller_sandbox, catalogue=CATALOGUE, signed_in=False) -> Iseller:
    """Connect the webshop's store to the iSeller sandbox from the Connect page, its outlets
    being iSeller's Kemang and Senopati, and give iSeller the catalogue."""
    for config in (current_app.config, webshop.isacc_client.application.config):
        config["ISELLER_OAUTH_URL"] = iseller_sandbox.url
    for outlet in db.session.scalars(db.select(Outlet).where(
            Outlet.store_id == webshop.store.id)):
        outlet.iseller_id = ISELLER_OUTLETS[outlet.iseller_id]
    db.session.commit()
    iseller_sandbox.admin("products", {"products": catalogue})
    if not signed_in:
        sign_in_owner(webshop)
    client = webshop.isacc_client
    back_to_isacc(client, grant_access(start(client, webshop.store.id)))
    assert db.session.get(Store, webshop.store.id).iseller is not None
    return Iseller(iseller_sandbox)


@pytest.fixture
def shop(webshop, iseller):
    webshop.iseller = connect_iseller(webshop, iseller)
    webshop.product("K-1")
    return webshop


class Proxy:
    """Between isacc and iSeller's store host: each CreateTransfer in `plan` order is refused
    before it reaches iSeller ("refuse": HTTP 503), or forwarded and its answer then lost
    ("drop": the connection closes; "502": a gateway error), or forwarded a second late
    ("slow"), the rest forwarded as they are;
    with `every` set, every request is answered that HTTP status instead."""

    def __init__(self, target: str):
        self.plan: list[str] = []
        self.calls: list[str] = []
        self.every: int | None = None
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                endpoint = self.path.rsplit("/", 1)[-1]
                proxy.calls.append(endpoint)
                what = proxy.plan.pop(0) if endpoint == "CreateTransfer" and proxy.plan \
                    else "forward"
                if what == "slow":  # still on its way when others look
                    time.sleep(1)
                if what == "refuse" or proxy.every:
                    self.send_response(proxy.every or 503)
                    self.end_headers()
                    return
                answer = requests.post(f"{target}{self.path}", data=body, timeout=10, headers={
                    k: v for k, v in self.headers.items() if k.lower() != "host"})
                if what == "drop":
                    self.close_connection = True
                    return
                self.send_response(502 if what == "502" else answer.status_code)
                self.send_header("Content-Type", answer.headers.get("Content-Type", ""))
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def proxy(shop, iseller):
    """The store's iSeller API reached through a Proxy."""
    between = Proxy(iseller.url)
    link = db.session.get(Store, shop.store.id).iseller
    link.api_host = between.url
    db.session.commit()
    yield between
    between.server.shutdown()


def arrive(shop, notices: int = 1) -> None:
    """Once isacc has answered Accurate's webhooks (each row is stored and its lane enqueued
    before the answer), what a worker does."""
    shop.isacc.wait_for_answers(notices)
    work()


def due_now(row) -> None:
    """The row's backoff has passed."""
    row.notice_due_at = utcnow() - timedelta(seconds=1)
    db.session.commit()


def test_a_purchase_received_in_accurate_raises_iseller_stock_once_even_when_told_twice(shop):
    shop.purchase(quantity=12)
    arrive(shop)
    [row] = shop.rows()
    assert row.status == Status.SUCCESS and row.reason is None
    assert row.notified_at is not None and row.notice_due_at is None
    assert shop.iseller.stock("K-1") == 5 + 12 and shop.iseller.stock("K-1", "SNP") == 5
    [transfer] = shop.iseller.transfers(f"{row.accurate_number}/row {row.id}")
    assert (transfer["outlet_code"], transfer["type"], transfer["status"]) == (
        "KMG", "in", "completed")
    assert transfer["products"] == [{"sku": "K-1", "quantity": 12}]
    assert transfer["supplier_name"] and transfer["tags"] == [row.accurate_number]

    # Accurate delivers the same notice again, and another notice of the same document.
    shop.sandbox.admin("webhook/redeliver", {"uuid": row.payload["uuid"]})
    shop.isacc.wait_for_answers(2)
    shop.next_second()  # a notice is known by its document and second
    shop.deliver("PURCHASE_INVOICE", row.accurate_id, row.accurate_number, "WRITE")
    shop.wait_for_rows(2)
    work()
    assert [r.status for r in shop.rows()] == [Status.SUCCESS] * 2
    assert shop.iseller.stock("K-1") == 5 + 12
    assert len(shop.iseller.transfers(f"{row.accurate_number}/row {row.id}")) == 1
    assert shop.rows()[1].notice is None  # nothing more moved: no transfer owed


@pytest.mark.parametrize("fault", ["drop", "502"])
def test_a_transfer_whose_answer_was_lost_is_looked_up_not_made_again(shop, proxy, fault):
    proxy.plan = [fault]
    shop.purchase(quantity=12)
    arrive(shop)
    [row] = shop.rows()
    assert row.status == Status.SUCCESS and row.notified_at is None
    assert row.notice_attempts == 1 and row.reason.startswith(
        "iSeller has not accepted this stock change yet")
    reference = f"{row.accurate_number}/row {row.id}"
    assert len(shop.iseller.transfers(reference)) == 1  # iSeller did make it
    due_now(row)
    assert schedule.tick()["lanes"] == 1
    work()
    [row] = shop.rows("PURCHASE_INVOICE")
    assert row.notified_at is not None and row.reason is None and row.notice_attempts == 2
    assert proxy.calls.count("CreateTransfer") == 1 and "GetTransfer" in proxy.calls
    assert len(shop.iseller.transfers(reference)) == 1
    assert shop.iseller.stock("K-1") == 5 + 12


def test_a_transfer_iseller_refused_is_sent_again_by_the_tick(shop, proxy):
    proxy.plan = ["refuse"]
    shop.purchase(quantity=3)
    arrive(shop)
    [row] = shop.rows()
    # isacc's count: iSeller's 5, read in at connect (GetProducts), and the 3 received.
    assert row.status == Status.SUCCESS and shop.stock("K-1") == (5 + 3, 0)
    assert row.notice_attempts == 1 and row.notified_at is None
    assert row.reason.startswith("iSeller has not accepted this stock change yet (iSeller had "
                                 "a problem (HTTP 503).)")
    assert shop.iseller.stock("K-1") == 5
    assert schedule.stores_due(utcnow()) == set()  # backing off
    assert schedule.stores_due(row.notice_due_at + timedelta(seconds=1)) == {shop.store.id}
    due_now(row)
    assert schedule.tick()["lanes"] == 1
    work()
    [row] = shop.rows("PURCHASE_INVOICE")
    assert row.notice_attempts == 2 and row.notified_at is not None and row.reason is None
    assert shop.iseller.stock("K-1") == 5 + 3
    # Refused before iSeller had it: looked up (the outcome was not known), then made once.
    assert proxy.calls.count("CreateTransfer") == 2
    assert len(shop.iseller.transfers(f"{row.accurate_number}/row {row.id}")) == 1


def test_stock_taken_back_in_accurate_goes_back_to_the_supplier_in_iseller(shop):
    shop.purchase(module="receive-item", quantity=10)
    arrive(shop)
    [row] = shop.rows()
    assert shop.iseller.stock("K-1") == 5 + 10
    shop.next_second()
    shop.sandbox_client().delete("receive-item", id=row.accurate_id)  # its DELETE notice
    arrive(shop, 2)
    first, undone = shop.rows()
    assert undone.status == Status.SUCCESS and undone.notified_at is not None
    assert shop.iseller.stock("K-1") == 5 and shop.stock("K-1") == (5, 0)
    [back] = shop.iseller.transfers(f"{undone.accurate_number}/row {undone.id}")
    assert (back["type"], back["out_type"], back["products"]) == (
        "out", "returnsupplier", [{"sku": "K-1", "quantity": 10}])


def test_a_purchase_order_changes_no_iseller_stock_and_says_so(shop):
    shop.purchase(module="purchase-order", quantity=7)
    arrive(shop)
    [row] = shop.rows()
    assert row.status == Status.SUCCESS and shop.stock("K-1") == (5, 7)
    assert row.notice is None and row.notice_due_at is None
    assert "Only stock on order changed" in row.reason
    assert shop.iseller.stock("K-1") == 5


def test_an_sku_iseller_lacks_fails_the_row_naming_it_and_refresh_sends_it_once_fixed(
        webshop, iseller):
    webshop.iseller = connect_iseller(webshop, iseller, catalogue=CATALOGUE[1:])  # no K-1
    webshop.product("K-1")
    webshop.purchase(quantity=4)
    arrive(webshop)
    [row] = webshop.rows()
    assert row.status == Status.FAILED and row.notice_due_at is None
    assert "K-1" in row.reason and "Product with SKU K-1 not found" in row.reason
    assert "SKU" in row.next_step
    assert webshop.stock("K-1") == (4, 0)  # isacc's count has it; iSeller does not yet
    iseller.admin("products", {"products": CATALOGUE})  # the product is added in iSeller
    assert refresh_webhooks(db.session.get(Store, webshop.store.id), [row.id]) == 1
    work()
    [row] = webshop.rows()
    assert row.status == Status.SUCCESS and row.notified_at is not None and row.reason is None
    assert webshop.iseller.stock("K-1") == 5 + 4 and webshop.stock("K-1") == (4, 0)
    assert len(webshop.iseller.transfers(f"{row.accurate_number}/row {row.id}")) == 1


def test_without_an_iseller_connection_the_change_waits_then_goes_once_connected(
        webshop, iseller):
    webshop.product("K-1")
    webshop.purchase(quantity=6)
    arrive(webshop)
    [row] = webshop.rows()
    assert row.status == Status.SUCCESS and webshop.stock("K-1") == (6, 0)
    assert row.reason == "Connect to iSeller so isacc can write this stock change."
    assert row.notice_attempts == 0 and row.notice_due_at > utcnow()
    sign_in_owner(webshop)
    page = webshop.isacc_client.get(f"/stores/{webshop.store.id}/webhooks/{row.id}")
    assert "Connect to iSeller so isacc can write this stock change." in page.get_data(
        as_text=True)
    connected = connect_iseller(webshop, iseller, signed_in=True)
    assert schedule.stores_due(utcnow()) == {webshop.store.id}  # brought forward
    assert connected.stock("K-1") == 5
    schedule.tick()
    work()
    [row] = webshop.rows("PURCHASE_INVOICE")
    assert row.notified_at is not None and row.reason is None and row.notice_attempts == 1
    assert connected.stock("K-1") == 5 + 6


def test_lapsed_tokens_are_refreshed_and_the_transfer_goes(shop, iseller):
    iseller.admin("tokens/expire", {})
    shop.purchase(quantity=2)
    arrive(shop)
    [row] = shop.rows()
    assert row.notified_at is not None and row.notice_attempts == 1
    assert Iseller(iseller).stock("K-1") == 5 + 2  # the test's own token lapsed too


@pytest.mark.parametrize(("status", "says", "counted"), [
    (403, "iSeller no longer accepts isacc's access.", 0),
    (429, "iSeller has not accepted this stock change yet (iSeller had a problem (HTTP 429).)",
     0),
])
def test_a_refusal_of_isaccs_access_or_a_busy_iseller_keeps_the_change_owed(
        shop, proxy, status, says, counted):
    proxy.every = status
    shop.purchase(quantity=2)
    arrive(shop)
    [row] = shop.rows()
    assert row.status == Status.SUCCESS and row.notified_at is None
    assert row.reason.startswith(says) and row.notice_due_at > utcnow()
    assert row.notice_attempts == counted  # GetStoreInfo was refused: nothing was sent
    assert "CreateTransfer" not in proxy.calls
    proxy.every = None
    due_now(row)
    schedule.tick()
    work()
    [row] = shop.rows("PURCHASE_INVOICE")
    assert row.notified_at is not None and shop.iseller.stock("K-1") == 5 + 2


def test_an_outlet_iseller_does_not_have_fails_the_row_naming_it(shop):
    kemang = db.session.scalar(db.select(Outlet).where(Outlet.store_id == shop.store.id,
                                                       Outlet.name == "Kemang"))
    kemang.iseller_id = "an-outlet-closed-in-iseller"
    db.session.commit()
    shop.purchase(quantity=2)
    arrive(shop)
    [row] = shop.rows()
    assert row.status == Status.FAILED
    assert row.reason == ("Outlet Kemang is not an active outlet in iSeller, so its stock "
                          "cannot be written there.")
    assert shop.iseller.stock("K-1") == 5


def test_workers_finding_a_row_another_is_sending_leave_it_and_make_no_transfer(
        app, shop, proxy):
    proxy.plan = ["refuse", "slow"]  # the first try fails: the row is owed, its transfer unsure
    shop.purchase(quantity=3)
    arrive(shop)
    [row] = shop.rows()
    assert row.notified_at is None and row.notice_attempts == 1
    row_id = row.id
    due_now(row)
    errors = []

    def worker():
        try:
            with app.app_context():
                notify.send_notice(row_id)
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

    first = threading.Thread(target=worker)
    first.start()
    # The first worker's CreateTransfer is under way (not yet in iSeller): three more workers
    # (a duplicate job, the lane lock lapsed) look at the row now.
    deadline = time.monotonic() + 10
    while proxy.calls.count("CreateTransfer") < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    others = [threading.Thread(target=worker) for _ in range(3)]
    for thread in others:
        thread.start()
    for thread in [first, *others]:
        thread.join(timeout=60)
    assert errors == []
    [row] = shop.rows()
    assert row.notified_at is not None and "sending_until" not in row.notice
    assert proxy.calls.count("CreateTransfer") == 2
    assert len(shop.iseller.transfers(f"{row.accurate_number}/row {row.id}")) == 1
    assert shop.iseller.stock("K-1") == 5 + 3
