"""Connecting a store to iSeller (the iSeller sandbox, over real HTTP) from the Connect page:
iSeller's sign-in and Grant, tokens kept encrypted, the store named from GetStoreInfo."""

from urllib.parse import parse_qs, urlsplit

import pytest
from flask import current_app
from sqlalchemy import text

from isacc.extensions import db
from isacc.isellersandbox.testing import grant_access
from isacc.models import ConnectionStatus, IsellerConnection, Role, Store
from tests.conftest import csrf_from, login, make_store, make_user


@pytest.fixture
def owner(app, client, iseller):
    for config in (app.config, current_app.config):
        config["ISELLER_OAUTH_URL"] = iseller.url
    store = make_store("Toko A")
    user = make_user(Role.OWNER, store)
    db.session.commit()
    login(client, user.email)
    return client, store.id


def start(client, store_id) -> str:
    page = client.get(f"/stores/{store_id}/connect/").get_data(as_text=True)
    answer = client.post(f"/stores/{store_id}/connect/iseller/start",
                         data={"csrf_token": csrf_from(page)})
    assert answer.status_code == 302
    return answer.headers["Location"]


def back_to_isacc(client, location: str):
    parts = urlsplit(location)
    assert parts.path == "/connect/iseller/callback"
    return client.get(f"{parts.path}?{parts.query}", follow_redirects=True)


def stored(store_id) -> IsellerConnection | None:
    db.session.expire_all()
    return db.session.get(Store, store_id).iseller


def test_sign_in_and_grant_connect_the_store(owner, iseller):
    client, store_id = owner
    target = start(client, store_id)
    assert target.startswith(f"{iseller.url}/oauth/authorize?")
    query = parse_qs(urlsplit(target).query)
    assert query["client_id"] == [current_app.config["ISELLER_CLIENT_ID"]]
    assert query["redirect_uri"] == ["http://localhost/connect/iseller/callback"]
    page = back_to_isacc(client, grant_access(target)).get_data(as_text=True)
    assert "Connected to iSeller store kopinusantara." in page
    link = stored(store_id)
    assert (link.status, link.store_name, link.api_host) == (
        ConnectionStatus.CONNECTED, "kopinusantara", iseller.url)
    assert link.refresh_token and link.token_expires_at
    raw = db.session.execute(text("SELECT access_token, refresh_token FROM iseller_connection"))
    assert link.access_token not in str(raw.one())  # encrypted at rest
    assert 'data-testid="iseller-state">Connected' in client.get(
        f"/stores/{store_id}/connect/").get_data(as_text=True)


def test_cancel_on_iseller_changes_nothing(owner):
    client, store_id = owner
    page = back_to_isacc(client, grant_access(start(client, store_id), decision="deny"))
    assert "iSeller access was not granted" in page.get_data(as_text=True)
    assert stored(store_id) is None


def test_a_callback_this_browser_did_not_start_is_refused(owner, iseller):
    client, store_id = owner
    location = grant_access(start(client, store_id))
    forged = location.replace("state=", "state=x")
    page = back_to_isacc(client, forged).get_data(as_text=True)
    assert "did not start here" in page
    assert stored(store_id) is None


def test_a_code_used_twice_is_refused_with_a_plain_reason(owner):
    client, store_id = owner
    location = grant_access(start(client, store_id))
    back_to_isacc(client, location)
    first = stored(store_id).access_token
    # The same code again, from a sign-in this session did start: iSeller refuses it.
    again = start(client, store_id)
    state = parse_qs(urlsplit(again).query)["state"][0]
    code = parse_qs(urlsplit(location).query)["code"][0]
    page = client.get(f"/connect/iseller/callback?code={code}&state={state}",
                      follow_redirects=True).get_data(as_text=True)
    assert "iSeller did not accept the sign-in" in page
    assert stored(store_id).access_token == first


def test_disconnect_forgets_the_tokens(owner):
    client, store_id = owner
    back_to_isacc(client, grant_access(start(client, store_id)))
    page = client.get(f"/stores/{store_id}/connect/").get_data(as_text=True)
    gone = client.post(f"/stores/{store_id}/connect/iseller/disconnect",
                       data={"csrf_token": csrf_from(page)}, follow_redirects=True)
    assert "Disconnected from iSeller" in gone.get_data(as_text=True)
    assert stored(store_id) is None
    assert db.session.execute(text("SELECT count(*) FROM iseller_connection")).scalar() == 0


def test_support_sees_the_connection_but_cannot_connect_or_disconnect(owner, app):
    client, store_id = owner
    back_to_isacc(client, grant_access(start(client, store_id)))
    support = make_user(Role.SUPPORT)
    db.session.commit()
    client = app.test_client()
    login(client, support.email)
    page = client.get(f"/stores/{store_id}/connect/").get_data(as_text=True)
    assert "kopinusantara" in page and "Connect to iSeller" not in page
    for action in ("start", "disconnect"):
        answer = client.post(f"/stores/{store_id}/connect/iseller/{action}",
                             data={"csrf_token": csrf_from(page)})
        assert answer.status_code == 403
    assert stored(store_id) is not None
