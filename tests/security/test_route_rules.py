"""Every route, every kind of caller: the rule each route declares is the rule it enforces.

The table below says what each rule means for each caller; the test walks the app's URL map,
so a new route is checked the day it is added, and a rule this table does not know fails.
"""

import pytest

from isacc.access import Rule, rule_of
from isacc.extensions import db
from isacc.models import Role
from tests.conftest import PASSWORD, csrf_from, make_store, make_user, stock_store

ANONYMOUS, OWNER, OTHER_OWNER, SUPPORT, ADMIN = "anonymous", "owner", "other", "support", "admin"
CALLERS = (ANONYMOUS, OWNER, OTHER_OWNER, SUPPORT, ADMIN)
OK, LOGIN, FORBIDDEN, NOT_FOUND, UNSIGNED = "ok", "login", 403, 404, 401
# What each caller gets from a route of each rule, on store A's URLs.
EXPECTED = {
    Rule.PUBLIC: dict.fromkeys(CALLERS, OK),
    Rule.SIGNED_INBOUND: dict.fromkeys(CALLERS, UNSIGNED),
    # Accurate's webhooks: only a store's secret token in the URL lets a notice in.
    Rule.WEBHOOK_TOKEN: dict.fromkeys(CALLERS, UNSIGNED),
    # iSeller's webhooks: only a notice signed with the store's webhook key gets in.
    Rule.ISELLER_SIGNED: dict.fromkeys(CALLERS, UNSIGNED),
    Rule.SIGNED_IN: {ANONYMOUS: LOGIN, OWNER: OK, OTHER_OWNER: OK, SUPPORT: OK, ADMIN: OK},
    Rule.STORE_VIEW: {ANONYMOUS: LOGIN, OWNER: OK, OTHER_OWNER: NOT_FOUND, SUPPORT: OK,
                      ADMIN: OK},
    Rule.STORE_REFRESH: {ANONYMOUS: LOGIN, OWNER: OK, OTHER_OWNER: NOT_FOUND, SUPPORT: OK,
                         ADMIN: OK},
    Rule.STORE_MANAGE: {ANONYMOUS: LOGIN, OWNER: OK, OTHER_OWNER: NOT_FOUND,
                        SUPPORT: FORBIDDEN, ADMIN: OK},
    Rule.STAFF: {ANONYMOUS: LOGIN, OWNER: FORBIDDEN, OTHER_OWNER: FORBIDDEN, SUPPORT: OK,
                 ADMIN: OK},
    Rule.ADMIN: {ANONYMOUS: LOGIN, OWNER: FORBIDDEN, OTHER_OWNER: FORBIDDEN,
                 SUPPORT: FORBIDDEN, ADMIN: OK},
}
# Signing out ends the caller's session, so it is called last; it lands everybody on the
# sign-in page (test_auth checks the session really ends).
LAST = {"auth.logout"}


def routes(app):
    """(endpoint, method, rule, URL arguments) for every route of the app."""
    found = []
    for url_rule in app.url_map.iter_rules():
        for method in sorted(url_rule.methods - {"HEAD", "OPTIONS"}):
            found.append((url_rule.endpoint, method, url_rule))
    return sorted(found, key=lambda r: (r[0] in LAST, r[0], r[1]))


def url_for_rule(app, url_rule, ids):
    placeholders = {"filename": "css/app.css", "token": "not-a-store-token",
                    "webhook_id": "not-a-webhook-id"}
    values = {name: ids.get(name, placeholders.get(name)) for name in url_rule.arguments}
    if "kind" in url_rule.arguments and "places" in url_rule.rule:
        values["kind"] = "warehouse"
    return app.url_map.bind("").build(url_rule.endpoint, values)


def outcome(answer) -> str | int:
    if answer.status_code == 302 and "/login" in answer.headers.get("Location", ""):
        return LOGIN
    if answer.status_code in (401, 403, 404):
        return answer.status_code
    assert answer.status_code < 500, answer.get_data(as_text=True)[:500]
    return OK


@pytest.fixture
def two_stores(app):
    a, b = make_store("Toko A"), make_store("Toko B")
    ids = {"a": stock_store(a), "b": stock_store(b)}
    owner_a, owner_b = make_user(Role.OWNER, a), make_user(Role.OWNER, b)
    emails = {OWNER: owner_a.email, OTHER_OWNER: owner_b.email,
              SUPPORT: make_user(Role.SUPPORT).email, ADMIN: make_user(Role.ADMIN).email}
    # The admin's pages name a user (each store's owner) and the store they manage.
    ids["a"]["user_id"], ids["b"]["user_id"] = owner_a.id, owner_b.id
    ids["a"]["managed_store_id"] = ids["a"]["store_id"]
    db.session.commit()
    return ids, emails


def signed_in(app, who, emails):
    client = app.test_client()
    if who != ANONYMOUS:
        token = csrf_from(client.get("/login").get_data(as_text=True))
        answer = client.post("/login", data={"email": emails[who], "password": PASSWORD,
                                             "csrf_token": token})
        assert answer.status_code == 302, who
    return client


def csrf_of(client) -> str:
    """The session's CSRF token, from any page (the login page redirects once signed in)."""
    return csrf_from(client.get("/login", follow_redirects=True).get_data(as_text=True))


def test_every_route_enforces_the_rule_it_declares_for_every_caller(app, two_stores):
    ids, emails = two_stores
    with app.app_context():
        table = [(endpoint, method, url_rule, rule_of(endpoint))
                 for endpoint, method, url_rule in routes(app)]
    unknown = {endpoint: rule for endpoint, _, _, rule in table if rule not in EXPECTED}
    assert not unknown, f"rules this table does not describe: {unknown}"
    checked = 0
    for who in CALLERS:
        client = signed_in(app, who, emails)
        token = csrf_of(client)
        for _, method, url_rule, rule in table:
            url = url_for_rule(app, url_rule, ids["a"])
            if method == "GET":
                answer = client.get(url)
            else:
                answer = client.post(url, data={"csrf_token": token})
            expected = LOGIN if url == "/logout" else EXPECTED[rule][who]
            assert outcome(answer) == expected, (who, method, url, rule)
            checked += 1
    assert checked >= 5 * 40


def test_store_b_objects_are_404_through_store_a_urls_on_get_and_post(app, two_stores):
    """The owner of A puts its own store id in the URL and B's object ids after it."""
    ids, emails = two_stores
    client = signed_in(app, OWNER, emails)
    token = csrf_of(client)
    by_id = [(endpoint, method, r) for endpoint, method, r in routes(app)
             if "store_id" in r.arguments
             and any(a.endswith("_id") and a != "store_id" for a in r.arguments)]
    assert {m for _, m, _ in by_id} == {"GET", "POST"}
    for _, method, url_rule in by_id:
        url = url_for_rule(app, url_rule, ids["b"] | {"store_id": ids["a"]["store_id"]})
        answer = (client.get(url) if method == "GET"
                  else client.post(url, data={"csrf_token": token},
                                   headers={"HX-Request": "true"}))
        assert answer.status_code == 404, (method, url)


def test_refresh_of_store_b_rows_from_store_a_changes_nothing(app, two_stores):
    from isacc.models import Status, SyncActivity

    ids, emails = two_stores
    client = signed_in(app, OWNER, emails)
    answer = client.post(f"/stores/{ids['a']['store_id']}/activity/refresh",
                         data={"one": ids["b"]["activity_id"], "csrf_token": csrf_of(client)},
                         headers={"HX-Request": "true"})
    # Store A has no such failed row: it says nothing was refreshed, and starts no progress.
    assert answer.status_code == 200
    assert "Nothing to refresh" in answer.get_data(as_text=True)
    assert "refresh?at=" not in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(SyncActivity, ids["b"]["activity_id"]).status == Status.FAILED


def test_every_form_post_needs_the_csrf_token_also_from_htmx(app, two_stores):
    ids, emails = two_stores
    client = signed_in(app, ADMIN, emails)
    with app.app_context():
        posts = [(endpoint, r) for endpoint, method, r in routes(app)
                 if method == "POST"
                 and rule_of(endpoint) not in (Rule.SIGNED_INBOUND, Rule.WEBHOOK_TOKEN,
                                               Rule.ISELLER_SIGNED)]
    assert len(posts) >= 8
    for endpoint, url_rule in posts:
        url = url_for_rule(app, url_rule, ids["a"])
        for headers in ({}, {"HX-Request": "true"}):
            answer = client.post(url, data={}, headers=headers)
            assert answer.status_code == 400, (endpoint, headers)
            assert "CSRF token is missing" in answer.get_data(as_text=True)
