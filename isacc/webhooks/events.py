"""Accurate's webhook notices: which events change iSeller stock, and reading a body
(accurate-api.md sections 6 and 9.5). A notice only names a document; its lines are read
with detail.do when the row is applied, never taken from the notice."""

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

JAKARTA = ZoneInfo("Asia/Jakarta")
STAMP = "%d/%m/%Y %H:%M:%S"  # Accurate's timestamps, in Jakarta time
ACTIONS = ("WRITE", "DELETE")

# Event type -> (Accurate module, how its `data` entries name the document [G]:
# <prefix>Id and <prefix>No).
EVENTS = {
    "PURCHASE_ORDER": ("purchase-order", "purchaseOrder"),
    "RECEIVE_ITEM": ("receive-item", "receiveItem"),
    "PURCHASE_INVOICE": ("purchase-invoice", "purchaseInvoice"),
    "ITEM_TRANSFER": ("item-transfer", "itemTransfer"),
    # An item created or changed in Accurate: logged so an item iSeller lacks shows up.
    "ITEM": ("item", "item"),
}


# What a webhook log row keeps of the document: its id (Integer) and number (String(64)).
LARGEST_ID = 2**31 - 1
NUMBER_LENGTH = 64


class BodyRefused(ValueError):
    """What is wrong with a webhook body, in words for whoever sent it."""


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= LARGEST_ID


def parse_stamp(text: str) -> datetime:
    """Accurate's "dd/MM/yyyy HH:mm:ss" (Jakarta time), in UTC."""
    return datetime.strptime(text, STAMP).replace(tzinfo=JAKARTA).astimezone(UTC)


def format_stamp(moment: datetime) -> str:
    return moment.astimezone(JAKARTA).strftime(STAMP)


@dataclass(frozen=True)
class Notice:
    """One document event: a webhook log row once recorded."""

    database_id: int
    event_type: str
    accurate_id: int
    number: str | None
    action: str
    event_at: datetime
    envelope: dict

    @property
    def dedupe_key(self) -> str:
        # The document, what happened to it and the time it happened (its version): a
        # redelivery or the catch-up's overlap repeats all three, a later edit does not.
        return (f"{self.event_type}:{self.accurate_id}:{self.action}:"
                f"{self.event_at:%Y%m%dT%H%M%S}")


def envelopes(body) -> list[dict]:
    """The envelopes of a body (an array of them, as the sandbox and WHSIM send, or one
    object, as WHNEST reads), checked; BodyRefused says what is wrong."""
    items = body if isinstance(body, list) else [body]
    if not items:
        raise BodyRefused("the body is an empty array: expected webhook envelopes")
    for n, item in enumerate(items):
        where = f"envelope {n}"
        if not isinstance(item, dict):
            raise BodyRefused(f"{where} is not an object")
        if not isinstance(item.get("databaseId"), int) or isinstance(item["databaseId"], bool):
            raise BodyRefused(f"{where}: databaseId must be a number")
        if not isinstance(item.get("type"), str):
            raise BodyRefused(f"{where}: type is required")
        try:
            parse_stamp(str(item.get("timestamp")))
        except ValueError:
            raise BodyRefused(f"{where}: timestamp must read dd/MM/yyyy HH:mm:ss") from None
        if not isinstance(item.get("data"), list):
            raise BodyRefused(f"{where}: data must be an array")
        if item["type"] in EVENTS:
            _, prefix = EVENTS[item["type"]]
            for m, entry in enumerate(item["data"]):
                if not isinstance(entry, dict) or not _is_id(entry.get(f"{prefix}Id")):
                    raise BodyRefused(f"{where}, data {m}: {prefix}Id must be a number from 1 "
                                      f"to {LARGEST_ID}")
                number = entry.get(f"{prefix}No") or entry.get("number")
                if number is not None and len(str(number)) > NUMBER_LENGTH:
                    raise BodyRefused(f"{where}, data {m}: {prefix}No is longer than "
                                      f"{NUMBER_LENGTH} characters")
                if entry.get("action", "WRITE") not in ACTIONS:
                    raise BodyRefused(f"{where}, data {m}: action must be WRITE or DELETE")
    return items


def notices(checked: list[dict]) -> list[Notice]:
    """A notice per document event of checked envelopes; event types that do not change
    iSeller stock (sales, customers...) are left out."""
    found = []
    for envelope in checked:
        if envelope["type"] not in EVENTS:
            continue
        _, prefix = EVENTS[envelope["type"]]
        for entry in envelope["data"]:
            number = entry.get(f"{prefix}No") or entry.get("number")
            found.append(Notice(
                database_id=envelope["databaseId"], event_type=envelope["type"],
                accurate_id=entry[f"{prefix}Id"], number=str(number) if number else None,
                action=entry.get("action", "WRITE"),
                event_at=parse_stamp(envelope["timestamp"]),
                envelope={**envelope, "data": [entry]}))
    return found
