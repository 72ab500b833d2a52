"""The sandbox's purchases (with their webhooks) and its goods-and-services import."""

import io
import json
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from zoneinfo import ZoneInfo

import pytest
import requests
from openpyxl import Workbook

from isacc.accurate import account
from tests.accurate.conftest import DATABASE

TODAY = "24/11/2026"


class Receiver:
    """A tiny HTTP endpoint standing in for isacc's webhook URL."""

    def __init__(self):
        self.bodies, self.arrived = [], threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                length = int(self.headers["Content-Length"])
                receiver.bodies.append(json.loads(self.rfile.read(length)))
                receiver.arrived.set()
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, count: int):
        for _ in range(50):
            if len(self.bodies) >= count:
                return self.bodies
            self.arrived.wait(0.1)
            self.arrived.clear()
        raise AssertionError(f"expected {count} webhook(s), got {len(self.bodies)}")


@pytest.fixture
def receiver(sandbox):
    receiver = Receiver()
    sandbox.admin("webhook", {"url": receiver.url})
    yield receiver
    receiver.server.shutdown()


def test_a_purchase_invoice_fires_a_webhook_and_adds_stock(sandbox, connected, receiver):
    client = connected.client
    client.save("item", {"no": "K-1", "name": "Kopi", "itemType": "INVENTORY"})
    [[saved]] = receiver.wait(1)
    assert (saved["type"], saved["data"][0]["itemNo"]) == ("ITEM", "K-1")
    page = requests.post(f"{sandbox.url}/sandbox/db/{DATABASE}/purchase", timeout=5, data={
        "module": "purchase-invoice", "vendorNo": "V-001", "branchName": "Jakarta",
        "transDate": TODAY, "itemNo": "K-1", "quantity": "12", "unitPrice": "9000",
        "warehouseName": "Gudang Kemang"})
    assert page.status_code == 200
    [notice] = receiver.wait(2)[1]
    assert notice["databaseId"] == DATABASE and notice["type"] == "PURCHASE_INVOICE"
    [entry] = notice["data"]
    assert entry["action"] == "WRITE" and entry["purchaseInvoiceNo"].startswith("PI.")
    # The notice names the document; its lines are read with detail.do, as isacc will.
    invoice = client.call("purchase-invoice", "detail",
                          params={"id": entry["purchaseInvoiceId"]})["d"]
    assert invoice["detailItem"][0]["itemNo"] == "K-1"
    stock = client.detail("item", no="K-1")["detailWarehouseData"]
    assert {"name": "Gudang Kemang", "balance": 12} in stock


def test_the_purchase_page_fires_a_webhook_and_history_keeps_it(sandbox, connected, receiver):
    connected.client.save("item", {"no": "R-1", "name": "Roti", "itemType": "INVENTORY"})
    [[item]] = receiver.wait(1)
    page = requests.post(f"{sandbox.url}/sandbox/db/{DATABASE}/purchase", timeout=5, data={
        "module": "receive-item", "vendorNo": "V-002", "branchName": "Bandung",
        "transDate": TODAY, "itemNo": "R-1", "quantity": "5", "unitPrice": "4000",
        "warehouseName": "Gudang Dago"})
    assert page.status_code == 200 and "Tersimpan" in page.text
    [notice] = receiver.wait(2)[1]
    assert notice["type"] == "RECEIVE_ITEM"
    sandbox.admin("webhook/redeliver", {"uuid": notice["uuid"]})
    assert receiver.wait(3)[2] == [notice]  # the same notice, delivered twice
    now = datetime.now(ZoneInfo("Asia/Jakarta"))
    stamp = "%d/%m/%Y %H:%M:%S"
    history = account._get(connected.config, "/api/webhook-history.do",
                           connected.token.access_token,
                           {"from": (now - timedelta(hours=1)).strftime(stamp),
                            "to": (now + timedelta(minutes=1)).strftime(stamp)})
    assert [event["uuid"] for event in history["d"]] == [item["uuid"], notice["uuid"]]


def test_a_purchase_of_an_unknown_item_is_refused_on_the_page(sandbox, receiver):
    page = requests.post(f"{sandbox.url}/sandbox/db/{DATABASE}/purchase", timeout=5, data={
        "module": "purchase-invoice", "vendorNo": "V-001", "branchName": "Jakarta",
        "transDate": TODAY, "itemNo": "NOPE", "quantity": "1", "warehouseName": "Gudang Utama"})
    assert page.status_code == 400 and "Barang &#34;NOPE&#34; tidak ditemukan" in page.text
    assert receiver.bodies == []


def workbook(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Barang & Jasa"
    sheet.append(["Kode Barang", "Nama Barang", "Kategori Barang", "Jenis Barang", "Satuan",
                  "Def. Hrg. Jual Satuan #1", "Gudang Saldo Awal", "Kuantitas Saldo Awal",
                  "Nilai Satuan"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(sandbox, content: bytes):
    return requests.post(f"{sandbox.url}/sandbox/db/{DATABASE}/import", timeout=10,
                         files={"file": ("barang.xlsx", content)},
                         headers={"Accept": "application/json"})


def test_the_import_creates_items_with_opening_stock_per_warehouse(sandbox, connected):
    content = workbook([
        ["KN-1", "Arabika Gayo", "Kopi", "INV", "PAK", "95000.000000", "Gudang Kemang", "10",
         "40000"],
        ["KN-1", "Arabika Gayo", "Kopi", "INV", "PAK", "95000.000000", "Gudang Dago", "4",
         "40000"],
        ["KN-2", "Tumbler", "Merchandise", "INV", "PCS", "150000", "Gudang Kemang", "3",
         "70000"],
        ["KN-3", "Jasa Giling", "Jasa", "SVC", "PCS", "5000", None, None, None],
        ["KN-4", "Gelas", "Merchandise", "INV", "PCS", "20000", "Gudang Rahasia", "2", "5000"],
    ])
    answer = upload(sandbox, content)
    assert answer.status_code == 200
    result = answer.json()
    assert result["saved"] == 4
    assert result["failed"] == [{"row": 6, "reason": 'Gudang "Gudang Rahasia" tidak ditemukan'}]
    gayo = connected.client.detail("item", no="KN-1")
    assert {w["name"]: w["balance"] for w in gayo["detailWarehouseData"]} == {
        "Gudang Dago": 4, "Gudang Kemang": 10}
    assert float(gayo["unitPrice"]) == 95000
    assert connected.client.detail("item", no="KN-3")["itemType"] == "SERVICE"
    # An imported item can be sold: the invoice that would have failed now goes through.
    sold = connected.client.save("sales-invoice", {
        "number": "INV-KN", "transDate": TODAY, "customerNo": "WALKIN", "branchName": "Jakarta",
        "detailItem": [{"itemNo": "KN-1", "quantity": 1, "unitPrice": 95000,
                        "warehouseName": "Gudang Kemang"}]})
    assert sold["totalAmount"] == 95000
    # Importing the same file again refuses the existing item numbers row by row.
    again = upload(sandbox, content).json()
    assert again["saved"] == 0 and len(again["failed"]) == 5


def test_a_file_that_is_not_an_import_is_refused_whole(sandbox):
    answer = upload(sandbox, b"not a spreadsheet")
    assert answer.status_code == 400 and "not an Excel workbook" in answer.json()["error"]
