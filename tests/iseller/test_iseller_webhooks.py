"""iSeller's Order notices into isacc (iseller-api.md d): signed with the store's webhook key
as iSeller signs them (computed here with hashlib, independently of isacc's own code),
refused with 401 when unsigned, wrongly signed or stale, stored once however often they
come, and set up from the Connect page with a key shown once."""

import hashlib
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import current_app

from isacc.extensions import db
from isacc.isellersandbox.testing import grant_access
from isacc.models import IsellerNotice, Outlet, Role, Status, Store
from tests.conftest import csrf_from, login, make_store, make_user
from tests.iseller.test_connect_iseller import back_to_isacc, start

ORDER = {"order_id": "1dfdbec8-62f1-4fdd-87b9-e5ea35b7a71f", "order_reference": "#3340-10001",
         "channel": "pos", "status": "completed", "payment_status": "paid",
         "fulfillment_status": "fulfilled", "cancel_reason": None}


def iseller_timestamp(moment: datetime) -> str:
    # d5: 2019-11-29T06:06:40.0476436Z
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond:06d}0Z"


def iseller_headers(key: str, body: bytes, moment: datetime | None = None) -> dict:
    stamp = iseller_timestamp(moment or datetime.now(UTC))
    signature = hashlib.sha256(key.encode() + body + stamp.encode()).hexdigest().upper()
    return {"Content-Type": "application/json", "Timestamp": stamp, "Signature": signature}


@pytest.fixture
def connected(app, client, iseller):
    """A store connected to the iSeller sandbox, its webhook key made on the Connect page
    (read off the page, as the owner copies it)."""
    for config in (app.config, current_app.config):
        config["ISELLER_OAUTH_URL"] = iseller.url
    store = make_store("Toko A")
    user = make_user(Role.OWNER, store)
    db.session.commit()
    login(client, user.email)
    back_to_isacc(client, grant_access(start(client, store.id)))
    page = client.get(f"/stores/{store.id}/connect/").get_data(as_text=True)
    answer = client.post(f"/stores/{store.id}/connect/iseller/webhook-key",
                         data={"csrf_token": csrf_from(page)})
    html = answer.get_data(as_text=True)
    key = re.search(r'data-testid="iseller-webhook-key">([^<]+)<', html).group(1)
    url = re.search(r'data-testid="iseller-order-url">([^<]+)<', html).group(1)
    return client, store.id, key, url.removeprefix("http://localhost")


def notices(store_id) -> list[IsellerNotice]:
    db.session.expire_all()
    return db.session.scalars(db.select(IsellerNotice).where(
        IsellerNotice.store_id == store_id)).all()


def send(client, path, key, payload=ORDER, moment=None, headers=None):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return client.post(path, data=body, headers=headers or iseller_headers(key, body, moment))


def test_connecting_brings_the_outlets_and_the_page_shows_the_key_once(connected, iseller):
    client, store_id, key, path = connected
    assert re.fullmatch(r"/webhooks/iseller/[0-9a-f]{32}/order", path)
    outlets = db.session.scalars(db.select(Outlet).where(Outlet.store_id == store_id)).all()
    assert sorted(o.name for o in outlets) == ["Kemang", "Senopati"]
    # GetStoreInfo's active payment types: cash and iSeller Pay by gateway, others by name.
    assert outlets[0].payment_methods == ["Debit BCA", "Kartu Kredit", "cash", "isellerpay"]
    again = client.get(f"/stores/{store_id}/connect/").get_data(as_text=True)
    assert key not in again and 'data-testid="iseller-webhook-key"' not in again
    assert "Make a new webhook key" in again
    stored = db.session.get(Store, store_id).iseller
    assert stored.webhook_key == key and stored.webhook_key_made_at is not None


def test_a_signed_notice_is_stored_once_however_often_it_comes(connected):
    client, store_id, key, path = connected
    body = json.dumps(ORDER).encode()
    headers = iseller_headers(key, body)
    first = client.post(path, data=body, headers=headers)
    assert first.status_code == 200 and first.get_json()["status"] == "accepted"
    # The same request again (a replay, or iSeller's retry), then a retry signed anew.
    assert client.post(path, data=body, headers=headers).get_json()["status"] == "duplicate"
    later = send(client, path, key, moment=datetime.now(UTC) + timedelta(seconds=30))
    assert later.status_code == 200 and later.get_json()["status"] == "duplicate"
    [notice] = notices(store_id)
    assert (notice.iseller_id, notice.status, notice.payload) == (
        ORDER["order_id"], Status.PENDING, ORDER)
    assert db.session.get(Store, store_id).iseller.webhook_received_at is not None
    # The same order changed in iSeller (a refund) is another notice.
    changed = send(client, path, key, {**ORDER, "payment_status": "refunded"})
    assert changed.get_json()["status"] == "accepted"
    assert len(notices(store_id)) == 2


@pytest.mark.parametrize("spoil", [
    "wrong key", "body changed", "stale", "from the future", "no signature", "no timestamp",
    "timestamp not iSeller's format", "signature of another timestamp"])
def test_a_notice_not_signed_by_the_store_now_is_refused_and_stores_nothing(connected, spoil):
    client, store_id, key, path = connected
    body = json.dumps(ORDER).encode()
    now = datetime.now(UTC)
    headers = iseller_headers(key, body)
    if spoil == "wrong key":
        headers = iseller_headers("not-the-key", body)
    elif spoil == "body changed":
        body = body.replace(b"completed", b"void")
    elif spoil == "stale":
        headers = iseller_headers(key, body, now - timedelta(seconds=301))
    elif spoil == "from the future":
        headers = iseller_headers(key, body, now + timedelta(seconds=301))
    elif spoil == "no signature":
        del headers["Signature"]
    elif spoil == "no timestamp":
        del headers["Timestamp"]
    elif spoil == "timestamp not iSeller's format":
        headers["Timestamp"] = str(int(now.timestamp()))
    elif spoil == "signature of another timestamp":
        headers["Timestamp"] = iseller_timestamp(now + timedelta(seconds=1))
    answer = client.post(path, data=body, headers=headers)
    assert answer.status_code == 401, answer.get_data(as_text=True)
    assert answer.get_json()["error"]
    assert notices(store_id) == []
    assert db.session.get(Store, store_id).iseller.webhook_received_at is None


def test_a_signed_notice_that_is_no_order_notice_is_refused_with_why(connected):
    client, store_id, key, path = connected
    assert send(client, path, key, b"not json").status_code == 400
    answer = send(client, path, key, {"order_reference": "#1"})
    assert answer.status_code == 422
    assert answer.get_json()["problems"][0]["field"] == "order_id"
    assert send(client, path, key, [ORDER]).status_code == 422
    assert notices(store_id) == []


def test_an_unknown_address_or_a_store_without_a_key_is_refused(connected, client):
    _client, store_id, key, path = connected
    assert send(client, "/webhooks/iseller/" + "0" * 32 + "/order", key).status_code == 401
    db.session.get(Store, store_id).iseller.webhook_key = None
    db.session.commit()
    assert send(client, path, key).status_code == 401
    assert notices(store_id) == []


def test_a_new_key_replaces_the_old_one_at_once(connected):
    client, store_id, old_key, path = connected
    page = client.get(f"/stores/{store_id}/connect/").get_data(as_text=True)
    html = client.post(f"/stores/{store_id}/connect/iseller/webhook-key",
                       data={"csrf_token": csrf_from(page)}).get_data(as_text=True)
    new_key = re.search(r'data-testid="iseller-webhook-key">([^<]+)<', html).group(1)
    assert new_key != old_key
    assert send(client, path, old_key).status_code == 401
    assert send(client, path, new_key).status_code == 200


def test_support_sees_the_set_up_state_but_cannot_make_a_key(connected, app):
    client, store_id, _key, _path = connected
    support = make_user(Role.SUPPORT, None)
    db.session.commit()
    other = app.test_client()
    login(other, support.email)
    page = other.get(f"/stores/{store_id}/connect/").get_data(as_text=True)
    assert 'data-testid="iseller-webhooks-state"' in page
    assert 'data-testid="iseller-webhooks"' not in page
    answer = other.post(f"/stores/{store_id}/connect/iseller/webhook-key",
                        data={"csrf_token": csrf_from(page)})
    assert answer.status_code == 403
