"""Accurate's webhooks: a notice per document saved, edited (WRITE) or deleted (DELETE), of
every module Accurate has an event type for, POSTed to the configured URL and kept for
webhook-history.do. Like Accurate, the notice names the document; the receiver reads the
details with detail.do.

Like Accurate, a webhook lapses, silently, 7 days after it was set up or last renewed
(webhook-renew.do): notices are still made and kept for the history, but not sent. What
became of each notice is kept too (GET /sandbox/admin/webhook/notices)."""

import contextlib
import json
import threading
import uuid
from datetime import datetime

import requests

from isacc.sandbox import settings
from isacc.sandbox.clock import JAKARTA, STAMP, Clock
from isacc.sandbox.storage import Account

NOT_SENT_LAPSED = "not sent: the webhook lapsed"
NOT_SENT_NO_URL = "not sent: no webhook URL"


class Webhooks:
    def __init__(self, account: Account, url: str, clock: Clock, days: float):
        self.account, self.url, self.clock, self.days = account, url, clock, days
        if url and self.expires() is None:
            self.renew()  # configured at start: the webhook is set up now

    def expires(self) -> float | None:
        rows = self.account.query("SELECT expires FROM webhook WHERE id = 1")
        return rows[0]["expires"] if rows else None

    def renew(self) -> datetime:
        """Active for `days` from now (a renewal, or the webhook set up anew)."""
        until = self.clock.now() + self.days * 86400
        self.account.run("INSERT OR REPLACE INTO webhook (id, expires) VALUES (1, ?)", until)
        return datetime.fromtimestamp(until, JAKARTA)

    def set_url(self, url: str) -> None:
        """Where notices go: like saving the webhook in the Developer Area, it starts afresh."""
        self.url = url
        if url:
            self.renew()

    def active(self) -> bool:
        expires = self.expires()
        return expires is not None and self.clock.now() < expires

    def notice(self, database_id: int, module: str, record: dict,
               action: str = "WRITE") -> dict | None:
        """Record (and send, when a URL is set and the webhook is active) the notice of a
        document."""
        if module not in settings.WEBHOOK_EVENTS:
            return None
        kind, entity, label, field = settings.WEBHOOK_EVENTS[module]
        now = self.clock.now()
        envelope = {
            "databaseId": database_id, "type": kind, "uuid": str(uuid.uuid4()),
            "timestamp": datetime.fromtimestamp(now, JAKARTA).strftime(STAMP),
            "data": [{f"{entity}Id": record["id"], f"{entity}{label}": record.get(field),
                      "action": action}],
        }
        self.account.run("INSERT INTO event (uuid, database_id, type, body, created) "
                         "VALUES (?, ?, ?, ?, ?)", envelope["uuid"], database_id, kind,
                         json.dumps(envelope), now)
        self.deliver(envelope)
        return envelope

    def deliver(self, envelope: dict) -> None:
        """POST in the background: the save that caused it answers at once, as in Accurate."""
        if not self.url:
            self._outcome(envelope["uuid"], NOT_SENT_NO_URL)
        elif not self.active():
            self._outcome(envelope["uuid"], NOT_SENT_LAPSED)
        else:
            self._outcome(envelope["uuid"], "sending")
            threading.Thread(target=self._post, args=(self.url, envelope), daemon=True).start()

    def _post(self, url: str, envelope: dict) -> None:
        # Like Accurate, a notice that cannot be delivered is not retried: history has it.
        try:
            answer = requests.post(url, json=[envelope], timeout=10)
        except requests.RequestException as error:
            outcome = f"not delivered: {type(error).__name__}"
        else:
            outcome = "delivered" if answer.ok else f"refused: HTTP {answer.status_code}"
        self._outcome(envelope["uuid"], outcome)

    def _outcome(self, event_uuid: str, outcome: str) -> None:
        with contextlib.suppress(Exception):  # a sandbox shutting down mid-delivery
            self.account.run("INSERT OR REPLACE INTO delivery (uuid, outcome, at) "
                             "VALUES (?, ?, ?)", event_uuid, outcome, self.clock.now())

    def find(self, event_uuid: str) -> dict | None:
        rows = self.account.query("SELECT body FROM event WHERE uuid = ?", event_uuid)
        return json.loads(rows[0]["body"]) if rows else None

    def history(self, start: datetime, end: datetime, database_id: int | None,
                kind: str | None) -> list[dict]:
        """[G] Every notice made, sent or not: the history is how a receiver catches up."""
        rows = self.account.query(
            "SELECT * FROM event WHERE created >= ? AND created <= ? ORDER BY created",
            start.timestamp(), end.timestamp())
        return [json.loads(row["body"]) for row in rows
                if (database_id is None or row["database_id"] == database_id)
                and (kind is None or row["type"] == kind)]

    def log(self) -> list[dict]:
        """Every notice with what became of it, oldest first."""
        rows = self.account.query(
            "SELECT event.body, delivery.outcome FROM event LEFT JOIN delivery "
            "ON delivery.uuid = event.uuid ORDER BY event.created")
        return [{**json.loads(row["body"]), "delivery": row["outcome"]} for row in rows]

    def describe(self) -> dict:
        expires = self.expires()
        return {"url": self.url, "active": bool(self.url) and self.active(),
                "expires": datetime.fromtimestamp(expires, JAKARTA).strftime(STAMP)
                if expires else None}


def parse_stamp(text: str) -> datetime:
    return datetime.strptime(text, STAMP).replace(tzinfo=JAKARTA)
