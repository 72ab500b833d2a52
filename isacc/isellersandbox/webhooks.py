"""iSeller's Webhook Notification [S d]: the store sets one Notification URL per event type
(Apps -> Webhook) with its API key; each event is POSTed as JSON with a `Timestamp` header
(UTC, 7 fractional digits, Z) and a `Signature` header, the upper-case hex SHA-256 of
API key + raw body + Timestamp (a plain hash, not an HMAC).

A background thread sends them. A delivery that gets no 2xx (an error status, no answer, a
time-out) is tried again on the schedule in the app's WEBHOOK_RETRY_SECONDS, the very same
request each time. Every delivery and its attempts are kept (GET
/sandbox/admin/webhooks/deliveries). Pending retries live in memory: a restarted sandbox
does not finish them. Sending switched off, or no URL for the event type, means the event is
not sent and not kept, as in a store that never set webhooks up."""

import contextlib
import hashlib
import heapq
import json
import threading
import time
from datetime import UTC, datetime

import requests

from isacc.isellersandbox.storage import Shop


def timestamp(moment: datetime) -> str:
    """[S d5] 2019-11-29T06:06:40.0476436Z: UTC, seven fractional digits (a .NET tick is a
    tenth of a microsecond; Python's clock stops at microseconds, so the seventh is 0)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"


def signature(api_key: str, body: str, stamp: str) -> str:
    """[S d6] SHA-256 over API key + raw body + Timestamp, upper-case hex."""
    return hashlib.sha256((api_key + body + stamp).encode()).hexdigest().upper()


class Webhooks:
    def __init__(self, shop: Shop, retry_seconds, timeout: float, resign_retries: bool = True):
        self.shop, self.retry_seconds, self.timeout = shop, tuple(retry_seconds), timeout
        self.resign_retries = resign_retries
        self.due: list[tuple[float, int, int]] = []  # (when, delivery id, attempts made)
        self.wake = threading.Condition()
        self.sender: threading.Thread | None = None

    # ---- set-up (Apps -> Webhook) ----
    def configure(self, event_type: str, url: str, api_key: str) -> None:
        self.shop.run("INSERT OR REPLACE INTO webhook (event_type, url, api_key) "
                      "VALUES (?, ?, ?)", event_type, url, api_key)

    def configured(self) -> list[dict]:
        return [dict(row) for row in self.shop.query(
            "SELECT event_type, url, api_key FROM webhook ORDER BY event_type")]

    def switch(self, on: bool) -> None:
        self.shop.set_flag("webhooks_on", on)

    def on(self) -> bool:
        return self.shop.flag("webhooks_on", True)

    # ---- sending ----
    def event(self, event_type: str, payload: dict) -> int | None:
        """Queue `payload` for the event type's URL; the delivery's id, or None when it is
        not sent (switched off, or no URL set)."""
        rows = self.shop.query("SELECT url, api_key FROM webhook WHERE event_type = ?",
                               event_type)
        if not rows or not self.on():
            return None
        body = json.dumps(payload, separators=(",", ":"))
        stamp = timestamp(datetime.now(UTC))
        delivery_id = self.shop.run(
            "INSERT INTO delivery (event_type, url, timestamp, signature, body, created) "
            "VALUES (?, ?, ?, ?, ?, ?)", event_type, rows[0]["url"], stamp,
            signature(rows[0]["api_key"], body, stamp), body, time.time())
        self._schedule(time.monotonic(), delivery_id, 0)
        return delivery_id

    def _schedule(self, when: float, delivery_id: int, attempts: int) -> None:
        with self.wake:
            heapq.heappush(self.due, (when, delivery_id, attempts))
            if self.sender is None:
                # A daemon: a test process ends without waiting for pending retries.
                self.sender = threading.Thread(target=self._send_due, daemon=True,
                                               name="iseller-sandbox-webhooks")
                self.sender.start()
            self.wake.notify()

    def _send_due(self) -> None:
        while True:
            with self.wake:
                while not self.due or self.due[0][0] > time.monotonic():
                    self.wake.wait(self.due[0][0] - time.monotonic() if self.due else None)
                _when, delivery_id, attempts = heapq.heappop(self.due)
            with contextlib.suppress(Exception):  # a sandbox whose files are gone
                if not self.attempt(delivery_id, resign=attempts > 0)["delivered"] and \
                        attempts < len(self.retry_seconds):
                    self._schedule(time.monotonic() + self.retry_seconds[attempts],
                                   delivery_id, attempts + 1)

    def attempt(self, delivery_id: int, resign: bool = False) -> dict:
        """POST the delivery's request once and keep what came of it: {"status", "error",
        "delivered"} (status is the receiver's HTTP status, None without an answer). With
        `resign` (a retry, as WEBHOOK_RESIGN_RETRIES says) the body is signed anew with the
        Timestamp of now and the store's key now, and the delivery keeps the latest."""
        if resign and self.resign_retries:
            self._resign(delivery_id)
        row = self.shop.query("SELECT * FROM delivery WHERE id = ?", delivery_id)[0]
        status = error = None
        try:
            answer = requests.post(row["url"], data=row["body"].encode(), timeout=self.timeout,
                                   headers={"Content-Type": "application/json",
                                            "Timestamp": row["timestamp"],
                                            "Signature": row["signature"]})
            status = answer.status_code
        except requests.RequestException as failure:
            error = f"{type(failure).__name__}: {failure}"
        delivered = status is not None and 200 <= status < 300
        self.shop.run("INSERT INTO attempt (delivery_id, at, status, error) VALUES (?, ?, ?, ?)",
                      delivery_id, time.time(), status, error)
        if delivered:
            self.shop.run("UPDATE delivery SET delivered = 1 WHERE id = ?", delivery_id)
        return {"status": status, "error": error, "delivered": delivered}

    def _resign(self, delivery_id: int) -> None:
        row = self.shop.query("SELECT event_type, body FROM delivery WHERE id = ?",
                              delivery_id)[0]
        hooks = self.shop.query("SELECT api_key FROM webhook WHERE event_type = ?",
                                row["event_type"])
        if not hooks:
            return  # the webhook was removed: the request as it was
        stamp = timestamp(datetime.now(UTC))
        self.shop.run("UPDATE delivery SET timestamp = ?, signature = ? WHERE id = ?", stamp,
                      signature(hooks[0]["api_key"], row["body"], stamp), delivery_id)

    def deliveries(self) -> list[dict]:
        """Every delivery, oldest first, with its attempts (UTC times)."""
        attempts: dict[int, list[dict]] = {}
        for row in self.shop.query("SELECT * FROM attempt ORDER BY rowid"):
            attempts.setdefault(row["delivery_id"], []).append(
                {"at": _utc(row["at"]), "status": row["status"], "error": row["error"]})
        return [{"id": row["id"], "event_type": row["event_type"], "url": row["url"],
                 "timestamp": row["timestamp"], "signature": row["signature"],
                 "body": row["body"], "created": _utc(row["created"]),
                 "attempts": attempts.get(row["id"], []), "delivered": bool(row["delivered"])}
                for row in self.shop.query("SELECT * FROM delivery ORDER BY id")]

    def exists(self, delivery_id: int) -> bool:
        return bool(self.shop.query("SELECT 1 FROM delivery WHERE id = ?", delivery_id))


def _utc(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="milliseconds")
