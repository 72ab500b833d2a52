"""The signing rules themselves, checked against HMAC-SHA256 computed here by hand: what a
sender outside isacc, reading only the API's documentation, would compute."""

import hashlib
import hmac
import time
from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from isacc.inbound import signing
from isacc.models import Store
from isacc.models.base import utcnow

NOW = 1_790_000_000  # a fixed "now", so the window's edges are exact
BODY = b'{"event_id":"e-1"}'


def by_hand(key: str, timestamp: str, body: bytes) -> str:
    """The documented wire format: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">."""
    return "sha256=" + hmac.new(key.encode("utf-8"), timestamp.encode("ascii") + b"." + body,
                                hashlib.sha256).hexdigest()


@pytest.fixture(autouse=True)
def now(monkeypatch):
    monkeypatch.setattr(signing.time, "time", lambda: float(NOW))


def shop(**fields) -> Store:
    return Store(name="Toko A", iseller_id="shop-a", inbound_key="kunci-rahasia", **fields)


def check(store: Store, timestamp, signature, seen=()) -> None:
    signing.verify(store, timestamp, signature, BODY, seen_before=lambda s: s in seen)


def test_a_signature_computed_by_hand_is_accepted_and_matches_the_headers_isacc_writes():
    store = shop()
    signature = by_hand("kunci-rahasia", str(NOW), BODY)
    check(store, str(NOW), signature)
    assert signing.sign("kunci-rahasia", str(NOW), BODY) == signature
    assert signing.signed_headers(store, BODY, NOW) == {
        "X-Isacc-Store": "shop-a", "X-Isacc-Timestamp": str(NOW),
        "X-Isacc-Signature": signature, "Content-Type": "application/json"}
    # Without a timestamp given, the sender's clock signs: now, in whole Unix seconds.
    assert signing.signed_headers(store, BODY)["X-Isacc-Timestamp"] == str(NOW)


@pytest.mark.parametrize("offset", [-300, -1, 0, 1, 300])
def test_a_timestamp_within_five_minutes_either_way_is_accepted(offset):
    stamp = str(NOW + offset)
    check(shop(), stamp, by_hand("kunci-rahasia", stamp, BODY))


@pytest.mark.parametrize("offset", [-301, 301, 86_400, -86_400])
def test_a_timestamp_more_than_five_minutes_off_either_way_is_refused(offset):
    # 301 s in the future too: a sender with a fast clock, or a request held back and then
    # replayed after its signature was forgotten, is refused like a stale one.
    stamp = str(NOW + offset)
    with pytest.raises(signing.SignatureError) as refused:
        check(shop(), stamp, by_hand("kunci-rahasia", stamp, BODY))
    assert str(refused.value) == ("the timestamp is more than 300 seconds from now: "
                                  "check the clock")


@pytest.mark.parametrize(("timestamp", "signature"), [
    (None, "sha256=00"), ("", "sha256=00"), (str(NOW), None), (str(NOW), "")])
def test_a_missing_header_is_named(timestamp, signature):
    with pytest.raises(signing.SignatureError) as refused:
        check(shop(), timestamp, signature)
    assert str(refused.value) == ("X-Isacc-Timestamp and X-Isacc-Signature headers are "
                                  "required")


@pytest.mark.parametrize("timestamp", ["soon", "1790000000.5", "2026-11-24T10:15:00Z"])
def test_a_timestamp_that_is_not_unix_seconds_is_refused(timestamp):
    with pytest.raises(signing.SignatureError) as refused:
        check(shop(), timestamp, by_hand("kunci-rahasia", timestamp, BODY))
    assert str(refused.value) == "X-Isacc-Timestamp must be Unix seconds"


@pytest.mark.parametrize("signature", [
    by_hand("another-key", str(NOW), BODY),
    by_hand("kunci-rahasia", str(NOW), BODY + b" "),
    by_hand("kunci-rahasia", str(NOW - 1), BODY),
    by_hand("kunci-rahasia", str(NOW), BODY).removeprefix("sha256="),
])
def test_a_signature_over_anything_else_is_refused(signature):
    with pytest.raises(signing.SignatureError) as refused:
        check(shop(), str(NOW), signature)
    assert str(refused.value) == "the signature does not match the body and the store's key"


def test_a_signature_seen_before_is_a_replay():
    signature = by_hand("kunci-rahasia", str(NOW), BODY)
    with pytest.raises(signing.SignatureError) as refused:
        check(shop(), str(NOW), signature, seen={signature})
    assert str(refused.value) == "this signed request was already received (replay refused)"
    check(shop(), str(NOW), signature, seen={"sha256=another"})


def test_the_previous_key_signs_only_until_its_grace_ends():
    signature = by_hand("kunci-lama", str(NOW), BODY)
    check(shop(previous_inbound_key="kunci-lama",
               previous_key_valid_until=utcnow() + timedelta(minutes=1)), str(NOW), signature)
    for until in (utcnow() - timedelta(seconds=1), None):
        with pytest.raises(signing.SignatureError, match="does not match"):
            check(shop(previous_inbound_key="kunci-lama", previous_key_valid_until=until),
                  str(NOW), signature)
    # The current key still signs during the grace period.
    check(shop(previous_inbound_key="kunci-lama",
               previous_key_valid_until=utcnow() + timedelta(minutes=1)),
          str(NOW), by_hand("kunci-rahasia", str(NOW), BODY))


def test_the_previous_key_stops_signing_at_the_moment_its_grace_ends():
    with freeze_time(datetime.fromtimestamp(NOW, UTC)):  # time.time() stays NOW too
        store = shop(previous_inbound_key="kunci-lama", previous_key_valid_until=utcnow())
        with pytest.raises(signing.SignatureError, match="does not match"):
            check(store, str(NOW), by_hand("kunci-lama", str(NOW), BODY))
        store.previous_key_valid_until = utcnow() + timedelta(microseconds=1)
        check(store, str(NOW), by_hand("kunci-lama", str(NOW), BODY))


def test_a_rotation_keeps_the_old_key_for_a_day():
    store = shop()
    before = utcnow()
    new_key = signing.rotate_key(store)
    assert store.inbound_key == new_key and new_key != "kunci-rahasia" and len(new_key) >= 32
    assert store.previous_inbound_key == "kunci-rahasia"
    grace = store.previous_key_valid_until - before
    assert timedelta(hours=24) <= grace < timedelta(hours=24, seconds=5)


def test_the_window_is_checked_on_the_real_clock(monkeypatch):
    monkeypatch.undo()
    stamp = str(int(time.time()))
    check(shop(), stamp, by_hand("kunci-rahasia", stamp, BODY))
