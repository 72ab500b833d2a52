"""HMAC-SHA256 signatures on inbound events: over "<timestamp>.<body>", with the store's key.

A rotated-out key keeps working until `previous_key_valid_until`, so events already signed
with it during a rotation are not lost. A timestamp outside the window is refused, and so is
a signature seen before within it, so a captured request cannot be replayed.
"""

import hashlib
import hmac
import time
from datetime import timedelta

from isacc.crypto import new_secret
from isacc.models import Store
from isacc.models.base import utcnow

WINDOW_SECONDS = 300
ROTATION_GRACE = timedelta(hours=24)
STORE_HEADER = "X-Isacc-Store"
TIMESTAMP_HEADER = "X-Isacc-Timestamp"
SIGNATURE_HEADER = "X-Isacc-Signature"


class SignatureError(Exception):
    """Why a request's signature is refused, in words for iSeller's integrators."""


def sign(key: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(key.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def signed_headers(store: Store, body: bytes, timestamp: int | None = None) -> dict:
    """The headers a sender puts on `body` (used by tests, benchmarks and the demo sender)."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {
        STORE_HEADER: store.iseller_id,
        TIMESTAMP_HEADER: stamp,
        SIGNATURE_HEADER: sign(store.inbound_key, stamp, body),
        "Content-Type": "application/json",
    }


def verify(store: Store, timestamp: str | None, signature: str | None, body: bytes,
           seen_before) -> None:
    """Raise SignatureError unless the request is signed, fresh and new.

    `seen_before(signature)` says whether the signature was already used up by an event it
    stored; storing the event is what uses it, in the same transaction.
    """
    if not timestamp or not signature:
        raise SignatureError(f"{TIMESTAMP_HEADER} and {SIGNATURE_HEADER} headers are required")
    try:
        stamp = int(timestamp)
    except ValueError:
        raise SignatureError(f"{TIMESTAMP_HEADER} must be Unix seconds") from None
    if abs(time.time() - stamp) > WINDOW_SECONDS:
        raise SignatureError(
            f"the timestamp is more than {WINDOW_SECONDS} seconds from now: check the clock")
    keys = [store.inbound_key]
    if store.previous_inbound_key and store.previous_key_valid_until \
            and store.previous_key_valid_until > utcnow():
        keys.append(store.previous_inbound_key)
    if not any(hmac.compare_digest(sign(key, timestamp, body), signature) for key in keys):
        raise SignatureError("the signature does not match the body and the store's key")
    if seen_before(signature):
        raise SignatureError("this signed request was already received (replay refused)")


def rotate_key(store: Store) -> str:
    """A new signing key; the old one stays valid for ROTATION_GRACE. Returns the new key."""
    store.previous_inbound_key = store.inbound_key
    store.previous_key_valid_until = utcnow() + ROTATION_GRACE
    store.inbound_key = new_secret()
    return store.inbound_key
