"""The sandbox's consent and registrations, as Accurate's: the user may approve only some of the
scopes asked for, an application's redirect URIs are registered and nothing else is sent a
code, and the account host's documented endpoints answer JSON."""

import html
import re
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests

from isacc.accurate import account, oauth
from isacc.accurate.client import AccurateClient, DatabaseAccess
from isacc.accurate.errors import ReconnectRequired, ScopeMissing
from isacc.sandbox.__main__ import arguments, config_from
from isacc.sandbox.settings import DEFAULTS
from isacc.sandbox.testing import HIDDEN, give_access
from tests.accurate.conftest import DATABASE, REDIRECT, grant, sandbox_config
from tests.conftest import SandboxServer

ELSEWHERE = "http://127.0.0.1:8123/connect/callback"
TICKED = re.compile(r'<input type="checkbox" name="approve" value="([^"]+)" checked>')


def signed_in(url: str) -> tuple[requests.Session, requests.Response]:
    """A browser signed in to the sandbox, and the page the authorize URL then shows."""
    browser = requests.Session()
    page = browser.get(url, timeout=10)
    if 'name="password"' in page.text:
        page = browser.post(urljoin(url, "/oauth/login"), timeout=10, data={
            "next": html.unescape(dict(HIDDEN.findall(page.text))["next"]),
            "email": DEFAULTS["USER_EMAIL"], "password": DEFAULTS["USER_PASSWORD"]})
    return browser, page


def approved_scope(sandbox, access_token: str) -> requests.Response:
    return requests.get(f"{sandbox.url}/api/approved-scope.do", timeout=10,
                        headers={"Authorization": f"Bearer {access_token}"})


# ---- partial consent ---------------------------------------------------------------------------

def test_the_consent_page_lists_every_scope_asked_for_each_ticked(sandbox):
    url, _ = oauth.authorization_url(sandbox_config(sandbox), REDIRECT)
    _, page = signed_in(url)
    assert page.status_code == 200 and "Give Access" in page.text
    assert TICKED.findall(page.text) == oauth.SCOPES.split()


def test_unticked_scopes_are_not_in_the_token_and_their_calls_are_refused(sandbox):
    config = sandbox_config(sandbox)
    token = grant(config, untick=["sales_invoice_save", "customer_save"])
    granted = token.scope.split()
    assert "sales_invoice_save" not in granted and "customer_save" not in granted
    assert set(granted) == set(oauth.SCOPES.split()) - {"sales_invoice_save", "customer_save"}
    answer = approved_scope(sandbox, token.access_token)
    assert answer.status_code == 200 and answer.json()["s"] is True
    assert sorted(answer.json()["d"]) == sorted(granted)

    host, session = account.open_database(config, token.access_token, DATABASE)
    client = AccurateClient(DatabaseAccess(DATABASE, host, token.access_token, session))
    with pytest.raises(ScopeMissing):
        client.save("sales-invoice", {"transDate": "24/11/2026", "customerNo": "WALKIN",
                                      "detailItem": []})
    refused = requests.post(f"{host}/accurate/api/customer/save.do", timeout=10,
                            json={"name": "Pelanggan"},
                            headers={"Authorization": f"Bearer {token.access_token}",
                                     "X-Session-ID": session})
    assert refused.status_code == 403
    assert refused.json() == {"error": "insufficient_scope", "scope": "customer_save"}
    # What was approved works.
    assert list(client.list("sales-invoice", fields="number")) == []
    assert client.detail("glaccount", no="1-10001")["name"] == "Kas Toko"
    # A refresh carries on with what the user approved, no more.
    renewed = oauth.refresh(config, token.refresh_token)
    assert sorted(renewed.scope.split()) == sorted(granted)
    assert sorted(approved_scope(sandbox, renewed.access_token).json()["d"]) == sorted(granted)


def test_a_consent_with_nothing_ticked_gives_no_access(sandbox):
    url, state = oauth.authorization_url(sandbox_config(sandbox), REDIRECT)
    back = parse_qs(urlsplit(give_access(url, untick=oauth.SCOPES.split())).query)
    assert back == {"error": ["access_denied"], "state": [state]}


def test_a_scope_never_asked_for_cannot_be_ticked_in(sandbox):
    url, _ = oauth.authorization_url(sandbox_config(sandbox), REDIRECT)
    browser, page = signed_in(url)
    form = {name: html.unescape(value) for name, value in HIDDEN.findall(page.text)}
    answer = browser.post(f"{sandbox.url}/oauth/consent", timeout=10, allow_redirects=False,
                          data={**form, "decision": "allow",
                                "approve": ["item_view", "sales_invoice_delete"]})
    code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    token = oauth.exchange_code(sandbox_config(sandbox), REDIRECT, code)
    assert token.scope.split() == ["item_view"]


# ---- registered redirect URIs ------------------------------------------------------------------

def test_an_unregistered_redirect_uri_is_refused_with_an_error_page_and_no_code(sandbox):
    url, _ = oauth.authorization_url(sandbox_config(sandbox), ELSEWHERE)
    _, page = signed_in(url)
    assert page.status_code == 400 and "text/html" in page.headers["Content-Type"]
    assert "redirect_uri" in page.text and ELSEWHERE in page.text
    assert "Give Access" not in page.text
    with pytest.raises(requests.HTTPError):
        give_access(url)


def test_a_consent_posted_for_an_unregistered_redirect_uri_sends_no_code(sandbox):
    url, _ = oauth.authorization_url(sandbox_config(sandbox), REDIRECT)
    browser, page = signed_in(url)
    form = {name: html.unescape(value) for name, value in HIDDEN.findall(page.text)}
    answer = browser.post(f"{sandbox.url}/oauth/consent", timeout=10, allow_redirects=False,
                          data={**form, "redirect_uri": ELSEWHERE, "decision": "allow",
                                "approve": TICKED.findall(page.text)})
    assert answer.status_code == 400 and "Location" not in answer.headers
    assert ELSEWHERE in answer.text


def test_the_token_exchange_refuses_a_redirect_uri_other_than_the_registered_one(sandbox):
    config = sandbox_config(sandbox)
    url, _ = oauth.authorization_url(config, REDIRECT)
    code = parse_qs(urlsplit(give_access(url)).query)["code"][0]
    answer = requests.post(f"{sandbox.url}/oauth/token", timeout=10,
                           auth=(config["ACCURATE_CLIENT_ID"], config["ACCURATE_CLIENT_SECRET"]),
                           data={"grant_type": "authorization_code", "code": code,
                                 "redirect_uri": ELSEWHERE})
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_grant"
    assert "redirect" in answer.json()["error_description"].lower()
    assert "access_token" not in answer.json()
    with pytest.raises(ReconnectRequired):
        oauth.exchange_code(config, ELSEWHERE, code)


def test_the_demo_client_has_make_runs_and_the_tests_callbacks_registered(sandbox):
    registered = sandbox.admin("redirect-uris")["redirect_uris"]
    # tests/accurate/conftest.py's (make run's own, on its default address) and the Flask
    # test client's, which tests/test_connect.py signs in through.
    assert {REDIRECT, "http://localhost/connect/callback"} <= set(registered)


def test_more_redirect_uris_are_registered_through_the_admin_controls(sandbox):
    config = sandbox_config(sandbox)
    url, _ = oauth.authorization_url(config, ELSEWHERE)
    with pytest.raises(requests.HTTPError):
        give_access(url)
    answer = sandbox.admin("redirect-uris", {"uri": ELSEWHERE})
    assert ELSEWHERE in answer["redirect_uris"] and REDIRECT in answer["redirect_uris"]
    code = parse_qs(urlsplit(give_access(url)).query)["code"][0]
    assert oauth.exchange_code(config, ELSEWHERE, code).access_token
    refused = requests.post(f"{sandbox.url}/sandbox/admin/redirect-uris", timeout=10,
                            json={"uri": "not a web address"})
    assert refused.status_code == 400 and "error" in refused.json()
    # Kept with the rest of the account host's state: a restarted sandbox still has it.
    sandbox.stop()
    again = SandboxServer(sandbox.data_dir)
    try:
        assert ELSEWHERE in again.admin("redirect-uris")["redirect_uris"]
    finally:
        again.stop()


def test_the_start_option_registers_redirect_uris(tmp_path):
    other = "http://192.168.1.5:5000/connect/callback"
    args = arguments(["--data-dir", str(tmp_path / "sandbox"), "--redirect-uri", ELSEWHERE,
                      "--redirect-uri", other])
    assert args.redirect_uri == [ELSEWHERE, other]
    server = SandboxServer(args.data_dir, config_from(args))
    try:
        registered = server.admin("redirect-uris")["redirect_uris"]
        assert {ELSEWHERE, other, REDIRECT} <= set(registered)
        url, _ = oauth.authorization_url(sandbox_config(server), other)
        assert parse_qs(urlsplit(give_access(url)).query)["code"]
    finally:
        server.stop()


# ---- the account host's other endpoints --------------------------------------------------------

@pytest.mark.parametrize(("path", "params"), [
    ("approved-scope.do", {}), ("db-detail.do", {"id": DATABASE}),
    ("db-status.do", {"id": DATABASE}), ("auth-info.do", {}), ("userinfo.do", {}),
])
def test_documented_account_endpoints_answer_json(sandbox, path, params):
    token = grant(sandbox_config(sandbox))
    answer = requests.get(f"{sandbox.url}/api/{path}", params=params, timeout=10,
                          headers={"Authorization": f"Bearer {token.access_token}"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"].startswith("application/json")
    assert answer.json()["s"] is True
    anonymous = requests.get(f"{sandbox.url}/api/{path}", params=params, timeout=10)
    assert (anonymous.status_code, anonymous.json()) == (401, {"error": "invalid_token"})


def test_the_account_endpoints_say_what_accurate_says(sandbox):
    token = grant(sandbox_config(sandbox), untick=["item_save"])
    headers = {"Authorization": f"Bearer {token.access_token}"}

    def get(path, **params):
        return requests.get(f"{sandbox.url}/api/{path}", params=params, timeout=10,
                            headers=headers).json()

    assert "item_save" not in get("approved-scope.do")["d"]
    detail = get("db-detail.do", id=DATABASE)["d"]
    assert (detail["id"], detail["alias"]) == (DATABASE, "Kopi Nusantara")
    assert get("db-status.do", id=DATABASE)["d"]["id"] == DATABASE
    for path in ("db-detail.do", "db-status.do"):
        assert get(path, id=999) == {"s": False, "d": ["Database tidak ditemukan"]}
    assert get("auth-info.do")["d"]["user"]["email"] == DEFAULTS["USER_EMAIL"]
    assert get("userinfo.do")["d"]["email"] == DEFAULTS["USER_EMAIL"]
