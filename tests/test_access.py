"""Every route has a rule; no store's data reaches another store's users."""

import pytest
from flask import Blueprint

from isacc.access import Rule, allow, check_every_route_has_a_rule, rule_of
from isacc.extensions import db
from isacc.models import Role
from tests.conftest import login, make_store, make_user, stock_store


def store_urls(app, ids: dict, rules=None) -> list[str]:
    """Every GET URL that names a store (optionally only those of `rules`), with its ids."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "store_id" not in rule.arguments or "GET" not in rule.methods:
            continue
        with app.app_context():
            if rules is not None and rule_of(rule.endpoint) not in rules:
                continue
        urls.append(app.url_map.bind("").build(rule.endpoint, {a: ids[a] for a in rule.arguments}))
    return sorted(urls)


@pytest.fixture
def two_stores(app):
    a = make_store("Toko A")
    b = make_store("Toko B")
    ids_a, ids_b = stock_store(a), stock_store(b)
    users = {
        "owner_a": make_user(Role.OWNER, a),
        "support": make_user(Role.SUPPORT),
        "admin": make_user(Role.ADMIN),
    }
    db.session.commit()
    return ids_a, ids_b, {k: u.email for k, u in users.items()}


def test_every_route_declares_who_may_call_it(app):
    rules = {endpoint: rule_of(endpoint) for endpoint in app.view_functions}
    assert all(isinstance(r, Rule) for r in rules.values()), rules


def test_an_app_with_a_route_without_rule_refuses_to_start(app):
    bp = Blueprint("forgotten", __name__)
    bp.add_url_rule("/forgotten", "page", lambda: "open to all?")
    app.register_blueprint(bp)
    with pytest.raises(RuntimeError, match="forgotten.page"):
        check_every_route_has_a_rule(app)


def test_an_app_with_a_store_id_route_outside_the_store_rules_refuses_to_start(app):
    bp = Blueprint("misnamed", __name__)
    bp.add_url_rule("/misnamed/<int:store_id>", "page", allow(Rule.ADMIN)(lambda store_id: ""))
    app.register_blueprint(bp)
    with pytest.raises(RuntimeError, match="store_id but no store rule: misnamed.page"):
        check_every_route_has_a_rule(app)


def test_owner_of_store_a_gets_404_on_every_store_b_url(app, client, two_stores):
    ids_a, ids_b, emails = two_stores
    login(client, emails["owner_a"])
    urls_b = store_urls(app, ids_b)
    assert len(urls_b) >= 10  # every store page, including those by id
    for url in urls_b:
        assert client.get(url).status_code == 404, url
        assert client.get(url, headers={"HX-Request": "true"}).status_code == 404, url
    for url in store_urls(app, ids_a):
        assert client.get(url).status_code in (200, 302), url  # 302: "connect first"


def test_owner_cannot_reach_store_b_objects_through_own_store_urls(app, client, two_stores):
    ids_a, ids_b, emails = two_stores
    login(client, emails["owner_a"])
    by_id = [r for r in app.url_map.iter_rules()
             if "store_id" in r.arguments and "GET" in r.methods
             and any(a.endswith("_id") and a != "store_id" for a in r.arguments)]
    assert by_id
    adapter = app.url_map.bind("")
    for rule in by_id:
        # The owner's own store in the URL, the other store's object id after it.
        url = adapter.build(rule.endpoint, {a: ids_b[a] for a in rule.arguments}
                            | {"store_id": ids_a["store_id"]})
        assert client.get(url).status_code == 404, url


def test_support_and_admin_see_both_stores(app, two_stores):
    ids_a, ids_b, emails = two_stores
    for who in ("support", "admin"):
        client = app.test_client()
        login(client, emails[who])
        readable = {Rule.STORE_VIEW, Rule.STORE_REFRESH}
        for url in store_urls(app, ids_a, readable) + store_urls(app, ids_b, readable):
            assert client.get(url).status_code == 200, (who, url)
        # Changing a store's Accurate link is for its owner and admins, not support.
        expected = 403 if who == "support" else 302
        for url in store_urls(app, ids_a, {Rule.STORE_MANAGE}):
            assert client.get(url).status_code == expected, (who, url)
        stores_page = client.get("/stores").get_data(as_text=True)
        assert "Toko A" in stores_page and "Toko B" in stores_page
        support_page = client.get("/support/").get_data(as_text=True)
        assert f"INV-{ids_a['store_id']}" in support_page
        assert f"INV-{ids_b['store_id']}" in support_page


def test_owner_is_refused_the_cross_store_pages(client, two_stores):
    _, _, emails = two_stores
    login(client, emails["owner_a"])
    assert client.get("/support/").status_code == 403
    assert client.get("/stores").status_code == 403


def test_a_store_that_does_not_exist_is_404_for_everyone(client, two_stores):
    _, _, emails = two_stores
    login(client, emails["admin"])
    assert client.get("/stores/999999/").status_code == 404


def test_htmx_partials_vary_on_hx_request(client, two_stores):
    ids_a, _, emails = two_stores
    login(client, emails["owner_a"])
    url = f"/stores/{ids_a['store_id']}/activity"
    full = client.get(url)
    partial = client.get(url, headers={"HX-Request": "true"})
    assert "HX-Request" in full.headers["Vary"] and "HX-Request" in partial.headers["Vary"]
    assert "<html" in full.get_data(as_text=True)
    assert "<html" not in partial.get_data(as_text=True)
    assert f"INV-{ids_a['store_id']}" in partial.get_data(as_text=True)
