"""What can go wrong talking to Accurate, as values a job can act on and a shop owner can read.

Two families: retryable (try again later, the same call may well succeed) and final (the data
or the connection needs a person). Each carries `reason` and `next_step` in plain words.
"""

import re

from isacc.reasons import Link, Said, say


class AccurateError(Exception):
    """Base of every Accurate failure."""

    reason = say("Accurate refused the request.")
    next_step = say("Open the row for details and try again.")

    def __init__(self, reason: Said | None = None, next_step: Said | None = None,
                 messages: list[str] | None = None):
        self.reason = reason or self.reason
        self.next_step = next_step or self.next_step
        self.messages = messages or []
        super().__init__(str(self.reason))

    def told(self) -> str:
        """Reason and next step in the reader's language, for a page or a flash message."""
        return f"{self.reason.translated()} {self.next_step.translated()}"


class RetryableError(AccurateError):
    """429, 5xx, time-outs, dropped connections: back off and try again.

    `unknown_outcome` is set when the request may have been carried out (the answer was lost
    after it was sent), so a save must be looked up by number before it is sent again.
    """

    reason = say("Accurate did not answer in time.")
    next_step = say("isacc retries by itself; nothing to do.")

    def __init__(self, reason: Said | None = None, *, retry_after: float | None = None,
                 unknown_outcome: bool = False, status: int | None = None):
        super().__init__(reason)
        self.retry_after = retry_after
        self.unknown_outcome = unknown_outcome
        self.status = status


class FinalError(AccurateError):
    """Accurate rejected the data: retrying the same request gives the same answer."""


class TokenInvalid(AccurateError):
    """401 invalid_token: the access token expired or was revoked; refresh it and retry."""

    reason = say("Accurate no longer accepts isacc's access token.")


class SessionExpired(AccurateError):
    """401 "Data Session Key tidak tepat": reopen the database session and retry."""

    reason = say("The Accurate database session expired.")


class ReconnectRequired(FinalError):
    """Accurate refused our refresh token: only the owner connecting again can fix it."""

    reason = say("Accurate no longer accepts isacc's access.")
    next_step = say("Reconnect Accurate from the overview page; syncing resumes by itself after.")


class ScopeMissing(FinalError):
    reason = say("The Accurate access granted to isacc does not cover this document.")
    next_step = say("Reconnect Accurate and approve every permission isacc asks for.")


# Accurate's own (Indonesian) messages, matched to a reason and a next step a shop owner
# understands. The first pattern that matches a message wins; its groups fill the reason's
# %(name)s values in order. Accurate's exact wording is only partly known (accurate-api.md):
# keep every guess here.
DUPLICATE_NUMBER = say("Accurate already has a document numbered %(number)s.")
# Named, so a refusal can be told more exactly where the store knows why an item is missing
# (isacc.products.shared_sku_named: a SKU two products share is never exported).
ITEM_MISSING = say("Item %(item)s is not in Accurate.")
AN_ITEM_MISSING = say("An item on this document is not in Accurate.")
EXPORT_PRODUCTS = say("Export your products from isacc and import them in Accurate, then refresh.")
EXPLANATIONS: list[tuple[re.Pattern, Said, tuple[str, ...], Said]] = [
    # Documents before items: "Pemindahan Barang ..." also contains "Barang".
    (re.compile(r"Faktur\W+Penjualan\W+[\"']?([^\"'\s]+)[\"']?\W+tidak (?:ditemukan|ada)", re.I),
     say("Invoice %(number)s is not in Accurate."), ("number",),
     say("Refresh the invoice's sync first; the payment follows by itself.")),
    (re.compile(r"Pemindahan\W+Barang\W+[\"']?([^\"'\s]+)[\"']?\W+tidak (?:ditemukan|ada)",
                re.I),
     say("Transfer %(number)s is not in Accurate."), ("number",),
     say("Refresh the transfer out first; the transfer in follows by itself.")),
    (re.compile(r"(?:Barang|Item)\W+(?:&\W*Jasa\W+)?[\"']?([^\"'\s]+)[\"']?\W+"
                r"tidak (?:ditemukan|ada)", re.I),
     ITEM_MISSING, ("item",), EXPORT_PRODUCTS),
    (re.compile(r"Barang & Jasa tidak tepat", re.I), AN_ITEM_MISSING, (), EXPORT_PRODUCTS),
    (re.compile(r"Pelanggan\W+[\"']?([^\"'\s]+)[\"']?\W+tidak (?:ditemukan|ada)", re.I),
     say("Customer %(customer)s is not in Accurate."), ("customer",),
     say("Refresh the customer's sync first; the invoice follows by itself.")),
    (re.compile(r"Gudang\W+[\"']?([^\"']+?)[\"']?\W+tidak (?:ditemukan|ada)", re.I),
     say("Warehouse %(warehouse)s is not in Accurate."), ("warehouse",),
     say("Choose an existing warehouse in the outlet mapping, then refresh.")),
    (re.compile(r"Cabang\W+[\"']?([^\"']+?)[\"']?\W+tidak (?:ditemukan|ada)", re.I),
     say("Branch %(branch)s is not in Accurate."), ("branch",),
     say("Choose an existing branch in the outlet mapping, then refresh.")),
    (re.compile(r"lebih dari satu cabang", re.I),
     say("Accurate needs a branch for this document: your Accurate user works in several "
         "branches."),
     (), say("Choose the outlet's branch in the outlet mapping, then refresh.")),
    (re.compile(r"(?:Akun|Perkiraan)\W+[\"']?([^\"'\s]+)[\"']?\W+tidak (?:ditemukan|ada)", re.I),
     say("Account %(account)s is not in Accurate's chart of accounts."), ("account",),
     say("Choose an existing account in the outlet mapping, then refresh.")),
    (re.compile(r"Nomor\W+[\"']?(.+?)[\"']?\s+sudah (?:digunakan|ada|dipakai)", re.I),
     DUPLICATE_NUMBER, ("number",),
     say("Check that document in Accurate; if it is this one, nothing more is needed.")),
    (re.compile(r"lebih besar dari sisa tagihan|sudah lunas", re.I),
     say("The payment is more than what is still owed on the invoice."), (),
     say("Check the invoice in Accurate: it may already be paid.")),
    (re.compile(r"periode.*(?:ditutup|tutup)|tutup buku", re.I),
     say("The accounting period of this date is closed in Accurate."), (),
     say("Reopen the period in Accurate or ask your accountant, then refresh.")),
    (re.compile(r"tanggal.*(?:tidak valid|tidak tepat|salah)", re.I),
     say("The document's date is not accepted by Accurate."), (),
     say("Check the date in iSeller, then refresh.")),
]


def explain(messages: list[str]) -> FinalError:
    """A FinalError for Accurate's `d` messages, every message explained (not just the first);
    the messages themselves travel with it, word for word."""
    reasons, steps = [], []
    for message in messages:
        for pattern, reason, names, step in EXPLANATIONS:
            match = pattern.search(message)
            if match:
                reasons.append(reason.filled(**dict(zip(names, match.groups(), strict=True))))
                steps.append(step)
                break
        else:
            reasons.append(say("Accurate says: %(message)s", message=message))
    if not reasons:
        reasons.append(say("Accurate refused the document without saying why."))
    next_step = Said.join(steps) or say("Correct the document in iSeller, then refresh.")
    return FinalError(Said.join(reasons), next_step, messages=list(messages))


class WrongAddress(FinalError):
    """404: the database moved to another host; connecting again tells isacc the new one."""

    reason = say("isacc called an Accurate address that does not exist.")
    next_step = say("Reconnect Accurate so isacc learns the database's current host.")


class MappingNeeded(FinalError):
    """The outlet's mapping lacks an account this one document needs (a payment method's, a
    fee's, a register cash movement's): it waits for the owner to choose it, and the rest of
    the outlet's documents go on meanwhile."""

    reason = say("The outlet's mapping lacks an account this document needs.")
    next_step = say("Choose it in the outlet's mapping; the document goes by itself after.")


class NotConnected(FinalError):
    reason = say("This store is not connected to an Accurate database yet.")
    next_step = say("Connect Accurate and choose the database from the overview page.")


# The words of a next step that link to the Connect page (said apart from the sentence around
# them, which the message extractor would not look inside).
CONNECT_FIRST = say("Connect Accurate")
CONNECT_AGAIN = say("Connect to Accurate again")
RECONNECT = say("Reconnect Accurate")


def on_connect_page(error: AccurateError, store_id: int) -> AccurateError:
    """`error` with its next step linking to the store's Connect page, when connecting (again)
    is what mends it. These errors are raised where neither the store nor a request is at
    hand, so the link is added where a row that keeps the step is settled."""
    def connect(text: Said) -> Link:
        return Link(text, "connect.show", store_id=store_id)

    if isinstance(error, NotConnected):
        error.next_step = say("%(connect)s and choose the database.",
                              connect=connect(CONNECT_FIRST))
    elif isinstance(error, ScopeMissing):
        error.next_step = say("%(connect)s and leave every permission ticked; these documents "
                              "then go by themselves.", connect=connect(CONNECT_AGAIN))
    elif isinstance(error, ReconnectRequired) and \
            error.next_step.says(ReconnectRequired.next_step):
        # Only Accurate's: iSeller's refusals carry their own step.
        error.next_step = say("%(reconnect)s; syncing resumes by itself after.",
                              reconnect=connect(RECONNECT))
    return error
