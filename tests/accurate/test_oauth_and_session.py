"""Connecting to Accurate (the sandbox) over real HTTP: OAuth, refresh, revocation, sessions."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from isacc.accurate import account, oauth
from isacc.accurate.errors import ReconnectRequired, SessionExpired, TokenInvalid
from isacc.models.base import utcnow
from isacc.sandbox.testing import give_access
from tests.accurate.conftest import DATABASE, REDIRECT, grant, sandbox_config


def test_authorize_give_access_and_exchange_the_code(sandbox):
    config = sandbox_config(sandbox)
    token = grant(config)
    assert token.access_token and token.refresh_token
    assert token.expires_at - utcnow() > timedelta(days=14)
    assert "sales_invoice_save" in token.scope
    databases = account.database_list(config, token.access_token)
    assert {"id": DATABASE, "alias": "Kopi Nusantara"} in databases


def test_a_code_works_once(sandbox):
    config = sandbox_config(sandbox)
    url, _ = oauth.authorization_url(config, REDIRECT)
    code = parse_qs(urlsplit(give_access(url)).query)["code"][0]
    oauth.exchange_code(config, REDIRECT, code)
    with pytest.raises(ReconnectRequired, match="did not accept the sign-in"):
        oauth.exchange_code(config, REDIRECT, code)


def test_denied_consent_comes_back_as_access_denied(sandbox):
    url, state = oauth.authorization_url(sandbox_config(sandbox), REDIRECT)
    back = parse_qs(urlsplit(give_access(url, decision="deny")).query)
    assert back == {"error": ["access_denied"], "state": [state]}


def test_wrong_client_secret_is_refused(sandbox):
    config = dict(sandbox_config(sandbox), ACCURATE_CLIENT_SECRET="nope")
    with pytest.raises(ReconnectRequired):
        grant(config)


def test_refresh_rotates_tokens_and_revocation_ends_them(sandbox):
    config = sandbox_config(sandbox)
    first = grant(config)
    second = oauth.refresh(config, first.refresh_token)
    assert second.access_token != first.access_token
    with pytest.raises(ReconnectRequired):
        oauth.refresh(config, first.refresh_token)  # spent
    with pytest.raises(TokenInvalid):
        account.database_list(config, first.access_token)
    assert account.database_list(config, second.access_token)
    sandbox.admin("revoke", {})
    with pytest.raises(TokenInvalid):
        account.database_list(config, second.access_token)
    with pytest.raises(ReconnectRequired, match="no longer accepts"):
        oauth.refresh(config, second.refresh_token)


def test_token_and_session_failures_have_their_two_bodies(sandbox, connected):
    host = connected.client.access.host
    headers = {"Authorization": "Bearer nope", "X-Session-ID": connected.client.access.session_id}
    bad_token = requests.get(f"{host}/accurate/api/item/list.do", headers=headers, timeout=5)
    assert (bad_token.status_code, bad_token.json()) == (401, {"error": "invalid_token"})
    headers["Authorization"] = f"Bearer {connected.token.access_token}"
    headers["X-Session-ID"] = "expired"
    bad_session = requests.get(f"{host}/accurate/api/item/list.do", headers=headers, timeout=5)
    assert (bad_session.status_code, bad_session.json()) == (
        401, {"s": False, "d": ["Data Session Key tidak tepat"]})


def test_an_expired_session_is_renewed_once_and_the_call_goes_through(sandbox, connected):
    old_session = connected.client.access.session_id
    sandbox.admin("expire-sessions", {})
    rows = list(connected.client.list("glaccount", fields="no,name"))
    assert any(row["no"] == "1-10103" for row in rows)
    assert connected.client.access.session_id != old_session
    connected.client.renew_session = None
    sandbox.admin("expire-sessions", {})
    with pytest.raises(SessionExpired):
        connected.client.detail("glaccount", no="1-10001")


def test_an_expired_access_token_is_refreshed_by_the_hook(sandbox, connected):
    fresh = {}

    def refresh(_failed_token):
        fresh["token"] = oauth.refresh(connected.config, connected.token.refresh_token)
        return fresh["token"].access_token

    connected.client.refresh_access = refresh
    sandbox.admin("expire-tokens", {})
    assert connected.client.detail("glaccount", no="1-10001")["name"] == "Kas Toko"
    assert connected.client.access.access_token == fresh["token"].access_token
