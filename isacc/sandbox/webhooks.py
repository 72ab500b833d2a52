"""Accurate's webhooks: a notice per document saved, edited (WRITE) or deleted (DELETE), of
every module Accurate has an event type for, POSTed to the configured URL and kept for
webhook-history.do. Like Accurate, the notice names the document; the receiver
reads the details with detail.do."""

import contextlib
import json
import threading
import time
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import requests

from isacc.sandbox import settings
from isacc.sandbox.storage import Account

JAKARTA = ZoneInfo("Asia/Jakarta")
STAMP = "%d/%m/%Y %H:%M:%S"


class Webhooks:
    def __init__(self, account: Account, url: str):
        self.account, self.url = account, url

    def notice(self, database_id: int, module: str, record: dict,
               action: str = "WRITE") -> dict | None:
        """Record (and send, when a URL is set) the notice of a saved document."""
        if module not in settings.WEBHOOK_EVENTS:
            return None
        kind, entity, label, field = settings.WEBHOOK_EVENTS[module]
        now = time.time()
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
            return
        url = self.url
        threading.Thread(target=_post, args=(url, envelope), daemon=True).start()

    def find(self, event_uuid: str) -> dict | None:
        rows = self.account.query("SELECT body FROM event WHERE uuid = ?", event_uuid)
        return json.loads(rows[0]["body"]) if rows else None

    def history(self, start: datetime, end: datetime, database_id: int | None,
                kind: str | None) -> list[dict]:
        rows = self.account.query(
            "SELECT * FROM event WHERE created >= ? AND created <= ? ORDER BY created",
            start.timestamp(), end.timestamp())
        return [json.loads(row["body"]) for row in rows
                if (database_id is None or row["database_id"] == database_id)
                and (kind is None or row["type"] == kind)]


def _post(url: str, envelope: dict) -> None:
    # Like Accurate, a notice that cannot be delivered is not retried: history has it.
    with contextlib.suppress(requests.RequestException):
        requests.post(url, json=[envelope], timeout=10)


def parse_stamp(text: str) -> datetime:
    return datetime.strptime(text, STAMP).replace(tzinfo=JAKARTA)
