"""Payment methods as data: the names iSeller sends, what each is called, and how its
receipts reach Accurate by default. A shop may use any name (iSeller lets a merchant make up
payment types); the known ones below only bring labels and defaults, and each outlet's
mapping has a row per method (isacc.models.OutletPaymentAccount) that decides."""

from flask_babel import lazy_gettext as _l

from isacc.reasons import Said, say

# The sales-receipt schema's paymentMethod enum (accurate-openapi.json).
TYPES = ("CASH_OTHER", "BANK_CHEQUE", "BANK_TRANSFER", "EDC", "QRIS", "VIRTUAL_ACCOUNT",
         "PAYMENT_LINK", "OTHERS")
TYPE_LABELS = {
    "CASH_OTHER": _l("Cash"), "BANK_CHEQUE": _l("Cheque"), "BANK_TRANSFER": _l("Bank transfer"),
    "EDC": _l("Card through an EDC"), "QRIS": _l("QRIS"),
    "VIRTUAL_ACCOUNT": _l("Virtual account"), "PAYMENT_LINK": _l("Payment link"),
    "OTHERS": _l("Other"),
}

CASH = "cash"
ISELLERPAY = "isellerpay"

# Known method names -> (label, Accurate type, whether its payments carry fees by default).
# Every card goes through an EDC; iSeller Pay and the e-wallets are OTHERS (Accurate's enum
# has no e-wallet), and iSeller Pay's MDR comes with each payment (iseller-api.md f16).
KNOWN = {
    CASH: (say("Cash"), "CASH_OTHER", False),
    "card": (say("Card"), "EDC", True),
    "debit": (say("Debit card"), "EDC", True),
    "credit": (say("Credit card"), "EDC", True),
    "qris": (say("QRIS"), "QRIS", True),
    "transfer": (say("Bank transfer"), "BANK_TRANSFER", False),
    "virtual_account": (say("Virtual account"), "VIRTUAL_ACCOUNT", False),
    "payment_link": (say("Payment link"), "PAYMENT_LINK", True),
    ISELLERPAY: (say("iSeller Pay"), "OTHERS", True),
    "gopay": ("GoPay", "OTHERS", True),
    "ovo": ("OVO", "OTHERS", True),
    "dana": ("DANA", "OTHERS", True),
    "shopeepay": ("ShopeePay", "OTHERS", True),
    "linkaja": ("LinkAja", "OTHERS", True),
}


def _known(method: str) -> tuple | None:
    # iSeller's payment types are named by the merchant ("QRIS", "GoPay"): known in any case.
    return KNOWN.get(method.strip().lower())


def said_label(method: str) -> Said | str:
    """What people call the method, for a reason written now and read later in any language;
    a name the shop made up is shown as it is."""
    known = _known(method)
    return known[0] if known else method


def label(method: str) -> str:
    """The same, in the reader's language."""
    named = said_label(method)
    return named.translated() if isinstance(named, Said) else named


def default_type(method: str) -> str:
    known = _known(method)
    return known[1] if known else "OTHERS"


def carries_fees(method: str) -> bool:
    """Whether the mapping form suggests a fee account for it (any method may have fees)."""
    known = _known(method)
    return known[2] if known else False


def with_methods(known: list | None, more) -> list:
    """`known` and then each of `more` it lacks, in order."""
    methods = list(known or [])
    methods += [m for m in dict.fromkeys(more) if m not in methods]
    return methods


def description() -> str:
    """The inbound API contract's words for a payment's `method` field."""
    return ("iSeller's payment method: one of " + ", ".join(sorted(KNOWN))
            + ", or any name the shop gave a payment type. A name isacc has not seen at an "
              "outlet becomes a row of that outlet's mapping; its receipts wait until the "
              "owner chooses its account.")
