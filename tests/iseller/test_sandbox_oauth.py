"""The iSeller sandbox's OAuth host and GetStoreInfo, over real HTTP, as iseller-api.md
describes them: sign in and Grant, a 64-hex code, the three grants with client credentials
in the body (form or JSON), rotating refresh tokens, resource_url, and the store host's
status/error_message/time envelope."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from isacc.isellersandbox.settings import DEFAULTS, OUTLETS
from tests.conftest import IsellerSandbox

CLIENT = {"client_id": DEFAULTS["CLIENT_ID"], "client_secret": DEFAULTS["CLIENT_SECRET"]}
REDIRECT = DEFAULTS["REDIRECT_URIS"][0]
TIMESPAN = re.compile(r"^\d{2}:\d{2}:\d{2}\.\d{7}$")


def authorize(iseller, redirect_uri=REDIRECT, state="s-1", decision="grant"):
    """A merchant's click-through: the sign-in page, then Grant. The answer to Grant."""
    browser = requests.Session()
    params = {"response_type": "code", "client_id": DEFAULTS["CLIENT_ID"],
              "redirect_uri": redirect_uri, **({"state": state} if state else {})}
    page = browser.get(f"{iseller.url}/oauth/authorize", params=params, timeout=10)
    assert page.status_code == 200 and "Welcome to iSeller" in page.text
    page = browser.post(f"{iseller.url}/oauth/login", timeout=10, data={
        "email": DEFAULTS["USER_EMAIL"], "password": DEFAULTS["USER_PASSWORD"],
        "next": urlsplit(page.url).path + "?" + urlsplit(page.url).query})
    assert "Authorize App" in page.text and 'value="grant"' in page.text
    return browser.post(f"{iseller.url}/oauth/grant", allow_redirects=False, timeout=10,
                        data={**params, "state": state or "", "decision": decision})


def code_from(answer) -> str:
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location.startswith(REDIRECT + "?")
    return parse_qs(urlsplit(location).query)["code"][0]


def token(iseller, as_json=False, **fields):
    body = {**CLIENT, **fields}
    if as_json:
        return requests.post(f"{iseller.url}/oauth/token", json=body, timeout=10)
    return requests.post(f"{iseller.url}/oauth/token", data=body, timeout=10)


def granted(iseller) -> dict:
    answer = token(iseller, grant_type="authorization_code", code=code_from(authorize(iseller)),
                   redirect_uri=REDIRECT)
    assert answer.status_code == 200
    return answer.json()


def store_info(iseller, access_token, method="GET", name="GetStoreInfo"):
    return requests.request(method, f"{iseller.url}/api/v2/{name}", timeout=10,
                            headers={"Authorization": f"Bearer {access_token}"})


def test_sign_in_and_grant_send_a_64_hex_code_and_the_state_back(iseller):
    answer = authorize(iseller)
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert re.fullmatch(r"[0-9a-f]{64}", query["code"][0]) and query["state"] == ["s-1"]
    # [C] a3: state comes back only if it was sent.
    without = parse_qs(urlsplit(authorize(iseller, state=None).headers["Location"]).query)
    assert set(without) == {"code"}


def test_cancel_on_the_grant_page_sends_access_denied(iseller):
    answer = authorize(iseller, decision="deny")
    assert parse_qs(urlsplit(answer.headers["Location"]).query) == {
        "error": ["access_denied"], "state": ["s-1"]}


def test_a_wrong_password_is_refused_on_the_sign_in_page(iseller):
    answer = requests.post(f"{iseller.url}/oauth/login", timeout=10, data={
        "email": DEFAULTS["USER_EMAIL"], "password": "salah", "next": "/oauth/authorize"})
    assert answer.status_code == 401 and "Invalid email or password." in answer.text


def test_the_code_exchange_answers_the_tokens_and_the_store_host(iseller):
    grant = granted(iseller)
    assert set(grant) == {"access_token", "token_type", "expires_in", "refresh_token",
                          "resource_url"}
    assert (grant["token_type"], grant["expires_in"]) == ("bearer", 1209599)
    assert grant["resource_url"] == iseller.url
    assert store_info(iseller, grant["access_token"]).json()["status"] is True


def test_a_code_is_used_once_and_only_with_its_own_redirect_uri(iseller):
    code = code_from(authorize(iseller))
    other = token(iseller, grant_type="authorization_code", code=code,
                  redirect_uri=DEFAULTS["REDIRECT_URIS"][1])
    assert other.status_code == 400 and other.json()["error"] == "invalid_grant"
    assert token(iseller, grant_type="authorization_code", code=code,
                 redirect_uri=REDIRECT).status_code == 200
    again = token(iseller, grant_type="authorization_code", code=code, redirect_uri=REDIRECT)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_an_unregistered_callback_gets_an_error_page_until_it_is_registered(iseller):
    elsewhere = "https://evil.example/callback"
    page = requests.get(f"{iseller.url}/oauth/authorize", allow_redirects=False, timeout=10,
                        params={"response_type": "code", "client_id": DEFAULTS["CLIENT_ID"],
                                "redirect_uri": elsewhere})
    assert page.status_code == 400 and "not registered" in page.text
    assert "Location" not in page.headers
    mine = "http://127.0.0.1:8123/connect/iseller/callback"
    assert mine in iseller.admin("redirect-uris", {"uri": mine})["redirect_uris"]
    assert authorize(iseller, redirect_uri=mine).headers["Location"].startswith(mine + "?")


@pytest.mark.parametrize("uri", ["ftp://x.example/cb", "/relative", "http://x.example/#frag"])
def test_a_callback_that_is_no_absolute_address_cannot_be_registered(iseller, uri):
    answer = requests.post(f"{iseller.url}/sandbox/admin/redirect-uris", json={"uri": uri},
                           timeout=10)
    assert answer.status_code == 400 and "error" in answer.json()


def test_a_refresh_sent_as_json_rotates_both_tokens(iseller):
    first = granted(iseller)
    answer = token(iseller, as_json=True, grant_type="refresh_token",
                   refresh_token=first["refresh_token"])
    assert answer.status_code == 200
    second = answer.json()
    assert second["resource_url"] == iseller.url
    assert store_info(iseller, second["access_token"]).status_code == 200
    assert store_info(iseller, first["access_token"]).status_code == 401
    reused = token(iseller, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"


def test_an_expired_token_is_a_401_and_a_refresh_brings_a_working_one(iseller):
    grant = granted(iseller)
    assert iseller.admin("tokens/expire", {})["expired"] == 1
    lapsed = store_info(iseller, grant["access_token"])
    assert lapsed.status_code == 401 and lapsed.json()["status"] is False
    fresh = token(iseller, grant_type="refresh_token", refresh_token=grant["refresh_token"])
    assert store_info(iseller, fresh.json()["access_token"]).status_code == 200


def test_client_credentials_need_no_merchant(iseller):
    answer = token(iseller, grant_type="client_credentials")
    assert answer.status_code == 200
    assert store_info(iseller, answer.json()["access_token"]).json()["status"] is True


@pytest.mark.parametrize(("fields", "status", "error"), [
    ({"client_secret": "secret-wrong", "grant_type": "client_credentials"}, 401,
     "invalid_client"),
    ({"client_id": "f" * 32, "grant_type": "client_credentials"}, 401, "invalid_client"),
    ({"grant_type": "password"}, 400, "unsupported_grant_type"),
    ({"grant_type": "authorization_code", "code": "0" * 64, "redirect_uri": REDIRECT}, 400,
     "invalid_grant"),
])
def test_bad_token_requests_are_refused_the_oauth_way(iseller, fields, status, error):
    answer = token(iseller, **fields)
    assert answer.status_code == status and answer.json()["error"] == error


@pytest.mark.parametrize(("method", "name"), [("GET", "GetStoreInfo"), ("POST", "GetStoreInfo"),
                                              ("POST", "getstoreinfo")])
def test_get_store_info_answers_the_store_its_outlets_and_active_payment_types(
        iseller, method, name):
    body = store_info(iseller, granted(iseller)["access_token"], method, name).json()
    assert body["status"] is True and body["error_message"] is None
    assert TIMESPAN.match(body["time"])
    info = body["store_info"]
    assert info["store_name"] == "kopinusantara"
    assert [(o["outlet_id"], o["outlet_code"], o["outlet_name"])
            for o in info["active_outlets"]] == [
        (o["outlet_id"], o["outlet_code"], o["outlet_name"]) for o in OUTLETS]
    assert {p["gateway"] for p in info["active_payments"]} == {
        "cash", "external_debit", "external_credit", "iseller_pay"}
    assert all(p["is_active"] for p in info["active_payments"])


def test_the_store_host_refuses_no_token_and_unknown_endpoints_in_its_envelope(iseller):
    anonymous = requests.get(f"{iseller.url}/api/v2/GetStoreInfo", timeout=10)
    assert anonymous.status_code == 401
    assert anonymous.json()["status"] is False and anonymous.json()["error_message"]
    unknown = store_info(iseller, granted(iseller)["access_token"], name="GetEverything")
    assert unknown.status_code == 404 and unknown.json()["status"] is False


def test_a_restarted_sandbox_keeps_its_grants(tmp_path):
    first = IsellerSandbox(tmp_path / "kept")
    try:
        grant = granted(first)
    finally:
        first.stop()
    again = IsellerSandbox(tmp_path / "kept")
    try:
        assert store_info(again, grant["access_token"]).status_code == 200
    finally:
        again.stop()
