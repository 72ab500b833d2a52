"""The iSeller sandbox's Order webhook over real HTTP, to a receiver the test runs: the body
of d8's fields, the Timestamp and Signature headers (checked here with hashlib, apart from
the sandbox's code), retries of the same body, signed anew, after a 500 or no answer, sending
switched off and on, and a delivery sent again by hand."""

import hashlib
import json
import re
import socket
import threading
import time
from datetime import datetime

import pytest
import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from tests.conftest import IsellerSandbox

API_KEY = "store-api-key-kopinusantara"
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$")
SIGNATURE = re.compile(r"^[0-9A-F]{64}$")
RETRIES = (0.2, 0.2, 0.2)


class Receiver:
    """A webhook endpoint on a free port: keeps every request, answers the statuses it is
    given in turn (then 200)."""

    def __init__(self, *statuses: int):
        self.statuses, self.requests = list(statuses), []
        self.lock = threading.Lock()
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}/webhooks/iseller/order"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @Request.application
    def app(self, request: Request) -> Response:
        with self.lock:
            self.requests.append({"headers": dict(request.headers),
                                  "body": request.get_data()})
            status = self.statuses.pop(0) if self.statuses else 200
        return Response("{}", status=status, content_type="application/json")

    def wait_for(self, count: int, seconds: float = 5) -> list[dict]:
        deadline = time.monotonic() + seconds
        while len(self.requests) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.requests) >= count, f"{len(self.requests)} of {count} arrived"
        return self.requests

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def iseller(tmp_path):
    server = IsellerSandbox(tmp_path / "iseller", {"WEBHOOK_RETRY_SECONDS": RETRIES,
                                                   "WEBHOOK_TIMEOUT_SECONDS": 2})
    yield server
    server.stop()


@pytest.fixture
def receiver():
    made = []

    def make(*statuses):
        made.append(Receiver(*statuses))
        return made[-1]

    yield make
    for one in made:
        one.stop()


def set_up(iseller, url: str, event_type="order") -> dict:
    return iseller.admin("webhooks", {"event_type": event_type, "url": url,
                                      "api_key": API_KEY})


def ring(iseller) -> dict:
    answer = requests.post(f"{iseller.url}/sandbox/till/orders", timeout=10, json={
        "outlet_code": "KMG", "order_date": "2026-12-01T03:00:00Z",
        "lines": [{"sku": "KN-0011", "quantity": 2}],
        "payments": [{"payment_type": "Cash", "amount": 55000}]})
    assert answer.status_code == 201
    return answer.json()["order"]


def deliveries(iseller) -> list[dict]:
    return iseller.admin("webhooks/deliveries")["deliveries"]


def wait_until(check, seconds: float = 5):
    deadline = time.monotonic() + seconds
    while not check() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert check()


def test_an_order_sends_a_signed_order_event(iseller, receiver):
    hook = receiver()
    set_up(iseller, hook.url)
    order = ring(iseller)
    [sent] = hook.wait_for(1)
    headers, raw = sent["headers"], sent["body"]
    assert headers["Content-Type"] == "application/json"
    assert TIMESTAMP.match(headers["Timestamp"]) and SIGNATURE.match(headers["Signature"])
    expected = hashlib.sha256(API_KEY.encode() + raw + headers["Timestamp"].encode())
    assert headers["Signature"] == expected.hexdigest().upper()
    body = json.loads(raw)
    assert body == {
        "order_id": order["order_id"], "order_reference": order["order_reference"],
        "channel": "pos", "status": "completed", "payment_status": "paid",
        "fulfillment_status": "fulfilled", "cancel_reason": None,
        "outlet_id": order["outlet_id"], "order_date": "2026-12-01 10:00:00",  # WIB
        "total_amount": 55000.0}


def test_the_timestamp_is_the_moment_of_sending_in_utc(iseller, receiver):
    hook = receiver()
    set_up(iseller, hook.url)
    before = time.time()
    ring(iseller)
    stamp = hook.wait_for(1)[0]["headers"]["Timestamp"]
    sent = datetime.fromisoformat(stamp[:26] + "+00:00").timestamp()
    assert before - 1 <= sent <= time.time() + 1


def test_a_refused_delivery_is_retried_with_the_same_body_signed_anew(iseller, receiver):
    hook = receiver(500, 503)
    set_up(iseller, hook.url)
    ring(iseller)
    first, second, third = hook.wait_for(3)
    for earlier, retry in ((first, second), (second, third)):
        assert retry["body"] == first["body"]
        # A later Timestamp (a receiver refuses a stale one), and a signature made for it.
        assert retry["headers"]["Timestamp"] > earlier["headers"]["Timestamp"]
        stamp = retry["headers"]["Timestamp"]
        assert retry["headers"]["Signature"] == hashlib.sha256(
            API_KEY.encode() + retry["body"] + stamp.encode()).hexdigest().upper()
    wait_until(lambda: deliveries(iseller)[0]["delivered"])
    [delivery] = deliveries(iseller)
    assert [a["status"] for a in delivery["attempts"]] == [500, 503, 200]
    assert delivery["body"].encode() == first["body"]
    assert (delivery["timestamp"], delivery["signature"], delivery["event_type"]) == (
        third["headers"]["Timestamp"], third["headers"]["Signature"], "order")
    time.sleep(0.5)
    assert len(hook.requests) == 3  # delivered: no more tries


def test_a_receiver_that_cannot_be_reached_is_tried_on_the_schedule_then_given_up(iseller):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    set_up(iseller, f"http://127.0.0.1:{port}/hook")
    ring(iseller)
    wait_until(lambda: len(deliveries(iseller)[0]["attempts"]) == 1 + len(RETRIES))
    time.sleep(0.5)
    [delivery] = deliveries(iseller)
    assert len(delivery["attempts"]) == 1 + len(RETRIES) and delivery["delivered"] is False
    assert all(a["status"] is None and "ConnectionError" in a["error"]
               for a in delivery["attempts"])


def test_switched_off_nothing_is_sent_and_on_again_only_later_orders(iseller, receiver):
    hook = receiver()
    set_up(iseller, hook.url)
    assert iseller.admin("webhooks/switch", {"on": False}) == {"on": False}
    ring(iseller)
    time.sleep(0.5)
    assert hook.requests == [] and deliveries(iseller) == []
    iseller.admin("webhooks/switch", {"on": True})
    later = ring(iseller)
    [sent] = hook.wait_for(1)
    assert json.loads(sent["body"])["order_id"] == later["order_id"]
    time.sleep(0.3)
    assert len(hook.requests) == 1


def test_without_a_webhook_for_orders_nothing_is_sent(iseller, receiver):
    hook = receiver()
    set_up(iseller, hook.url, event_type="refund")
    ring(iseller)
    time.sleep(0.3)
    assert hook.requests == [] and deliveries(iseller) == []


def test_a_resend_delivers_the_same_request_again_and_answers_the_receivers_status(
        iseller, receiver):
    hook = receiver()
    set_up(iseller, hook.url)
    ring(iseller)
    [first] = hook.wait_for(1)
    wait_until(lambda: deliveries(iseller)[0]["delivered"])
    delivery_id = deliveries(iseller)[0]["id"]
    hook.statuses.append(409)
    answer = requests.post(f"{iseller.url}/sandbox/admin/webhooks/deliveries/{delivery_id}/"
                           f"resend", timeout=10)
    assert answer.status_code == 200
    assert answer.json() == {"status": 409, "error": None, "delivered": False}
    again = hook.requests[1]
    assert again["body"] == first["body"]
    for header in ("Timestamp", "Signature", "Content-Type"):
        assert again["headers"][header] == first["headers"][header]
    assert [a["status"] for a in deliveries(iseller)[0]["attempts"]] == [200, 409]
    missing = requests.post(f"{iseller.url}/sandbox/admin/webhooks/deliveries/999/resend",
                            timeout=10)
    assert missing.status_code == 404


def test_one_url_per_event_type_and_the_set_up_is_listed(iseller, receiver):
    first, second = receiver(), receiver()
    set_up(iseller, first.url)
    listed = set_up(iseller, second.url)
    assert listed == {"on": True, "webhooks": [{"event_type": "order", "url": second.url,
                                                "api_key": API_KEY}]}
    ring(iseller)
    second.wait_for(1)
    assert first.requests == []


@pytest.mark.parametrize("body", [
    {"event_type": "shift", "url": "http://127.0.0.1:9/x", "api_key": "k"},
    {"event_type": "order", "url": "not a url", "api_key": "k"},
    {"event_type": "order", "url": "http://127.0.0.1:9/x"},
    {"event_type": "order", "url": "http://127.0.0.1:9/x", "api_key": ""},
])
def test_a_bad_webhook_set_up_is_a_400(iseller, body):
    answer = requests.post(f"{iseller.url}/sandbox/admin/webhooks", json=body, timeout=10)
    assert answer.status_code == 400 and answer.json()["error"]
    switch = requests.post(f"{iseller.url}/sandbox/admin/webhooks/switch", json={"on": "no"},
                           timeout=10)
    assert switch.status_code == 400
