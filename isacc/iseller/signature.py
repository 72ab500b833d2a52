"""iSeller's webhook signature [S, iseller-api.md d5, d6]: a `Timestamp` header (UTC ISO 8601
with 7 fractional digits and Z) and a `Signature` header, the upper-case hex SHA-256 of the
store's API key + the raw body + the Timestamp. A plain hash, not an HMAC.

Checked on the raw bytes before anything parses them, compared in constant time, and a
Timestamp more than WINDOW_SECONDS from now is refused, so a captured notice cannot be
replayed later (one replayed within the window is the same notice again, stored once)."""

import hashlib
import hmac
import re
from datetime import UTC, datetime

WINDOW_SECONDS = 300
TIMESTAMP_HEADER = "Timestamp"
SIGNATURE_HEADER = "Signature"
# 2019-11-29T06:06:40.0476436Z; fewer fractional digits are read too.
_TIMESTAMP = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,7}))?Z$")


class SignatureError(Exception):
    """Why a notice's signature is refused, in words for whoever set the webhook up."""


def sign(key: str, body: bytes, timestamp: str) -> str:
    return hashlib.sha256(key.encode() + body + timestamp.encode()).hexdigest().upper()


def timestamp_of(moment: datetime) -> str:
    """A Timestamp header for `moment`, as iSeller writes one."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond * 10:07d}Z"


def sent_at(timestamp: str) -> datetime:
    found = _TIMESTAMP.match(timestamp)
    if found is None:
        raise SignatureError(f"the {TIMESTAMP_HEADER} header must be a UTC time such as "
                             f"2019-11-29T06:06:40.0476436Z")
    whole, fraction = found.groups()
    try:
        moment = datetime.strptime(whole, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        raise SignatureError(f"the {TIMESTAMP_HEADER} header is not a real date") from None
    return moment.replace(microsecond=int((fraction or "0").ljust(7, "0")[:6]))


def verify(key: str, timestamp: str | None, signature: str | None, body: bytes,
           now: datetime) -> datetime:
    """The notice's time if it is signed with `key` and fresh; SignatureError otherwise."""
    if not timestamp or not signature:
        raise SignatureError(f"the {TIMESTAMP_HEADER} and {SIGNATURE_HEADER} headers are "
                             f"required")
    moment = sent_at(timestamp)
    if abs((now - moment).total_seconds()) > WINDOW_SECONDS:
        raise SignatureError(f"the {TIMESTAMP_HEADER} is more than {WINDOW_SECONDS} seconds "
                             f"from now: an old notice, or a clock that is off")
    if not hmac.compare_digest(sign(key, body, timestamp).encode(),
                               signature.strip().upper().encode()):
        raise SignatureError("the signature does not match the body and the store's webhook "
                             "key: enter the key isacc shows under Apps -> Webhook again")
    return moment
