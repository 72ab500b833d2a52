"""The admin screens: stores with their one-time secrets, and users."""

import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from isacc.extensions import db
from isacc.models import Role, Store, User
from tests.conftest import PASSWORD, csrf_from, login, make_store, make_user, post_event


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def admin(app):
    user = make_user(Role.ADMIN, email="admin@example.test")
    db.session.commit()
    return user


@pytest.fixture
def as_admin(client, admin):
    assert login(client, admin.email).status_code == 302
    return client


def token_of(client) -> str:
    return csrf_from(client.get("/admin/stores").get_data(as_text=True))


def new_store(client, **fields):
    form = {"name": "Toko Baru", "iseller_id": "toko-baru", "timezone": "Asia/Jakarta",
            "csrf_token": token_of(client)} | fields
    return client.post("/admin/stores/new", data=form)


def new_user(client, **fields):
    form = {"email": "kasir@toko.id", "name": "Kasir", "role": "support", "store": "",
            "password": "long enough pw", "csrf_token": token_of(client)} | fields
    return client.post("/admin/users/new", data=form)


def shown_key(html: str) -> str:
    return re.search(r'data-testid="inbound-key">([^<]+)<', html)[1]


# ---- stores --------------------------------------------------------------------------------

def test_admin_creates_a_store_and_is_shown_its_key_and_webhook_url_once(as_admin):
    answer = new_store(as_admin, name="  Toko Baru ", iseller_id=" toko-baru ",
                       timezone="Asia/Makassar")
    assert answer.status_code == 201
    assert answer.headers["Cache-Control"] == "no-store"
    store = db.session.scalar(select(Store))
    assert (store.name, store.iseller_id, store.timezone) == (
        "Toko Baru", "toko-baru", "Asia/Makassar")
    html = answer.get_data(as_text=True)
    assert shown_key(html) == store.inbound_key
    assert f"http://localhost/webhooks/accurate/{store.webhook_token}" in html
    assert "not shown again" in html
    listed = as_admin.get("/admin/stores").get_data(as_text=True)
    assert "Toko Baru" in listed and "toko-baru" in listed and "<td>WITA</td>" in listed


def test_the_timezone_defaults_to_jakarta(as_admin):
    form = as_admin.get("/admin/stores/new").get_data(as_text=True)
    assert re.search(r'<option value="Asia/Jakarta" selected>', form)


@pytest.mark.parametrize("fields, field, message", [
    ({"name": "  "}, "name", "Give the store a name."),
    ({"name": "x" * 121}, "name", "At most 120 characters."),
    ({"iseller_id": ""}, "iseller_id", "Give the store&#39;s id in iSeller."),
    ({"iseller_id": "toko baru"}, "iseller_id", "Up to 64 letters"),
    ({"iseller_id": "-toko"}, "iseller_id", "Up to 64 letters"),
    ({"iseller_id": "t" * 65}, "iseller_id", "Up to 64 letters"),
    ({"iseller_id": "toko/../x"}, "iseller_id", "Up to 64 letters"),
    ({"timezone": "Europe/Paris"}, "timezone", "Choose one of the time zones offered."),
])
def test_the_store_form_refuses_bad_input_and_stores_nothing(as_admin, fields, field, message):
    answer = new_store(as_admin, **fields)
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert message in html
    assert f'aria-describedby="{field}-error"' in html or f"{field}-error" in html
    assert 'aria-invalid="true"' in html
    assert 'data-testid="inbound-key"' not in html
    assert count(Store) == 0


def test_a_duplicate_iseller_id_is_refused(as_admin):
    make_store("Toko Lama", iseller_id="toko-baru")
    db.session.commit()
    answer = new_store(as_admin, iseller_id=" toko-baru")
    assert answer.status_code == 400
    assert "Another store already has iSeller id toko-baru." in answer.get_data(as_text=True)
    assert count(Store) == 1


def test_a_store_taken_between_the_check_and_the_insert_is_still_refused(app, monkeypatch):
    from isacc import stores

    make_store("Toko Lama", iseller_id="toko-baru")
    db.session.commit()
    monkeypatch.setattr(stores, "_taken", lambda iseller_id: False)  # the other request won
    with pytest.raises(stores.StoreError) as refused:
        stores.create_store(name="Toko Baru", iseller_id="toko-baru")
    assert "already has iSeller id toko-baru" in refused.value.errors["iseller_id"]
    assert count(Store) == 1


def test_secrets_appear_only_in_the_answer_to_the_post_that_made_them(as_admin):
    """The one place a store's inbound key and webhook token are ever shown: the answer to
    the POST that created (or rotated) them. Every GET page an admin can reach is searched."""
    created = new_store(as_admin)
    store = db.session.scalar(select(Store))
    key, token = store.inbound_key, store.webhook_token
    assert key in created.get_data(as_text=True) and token in created.get_data(as_text=True)
    owner = make_user(Role.OWNER, store)
    db.session.commit()
    pages = ["/admin/stores", f"/admin/stores/{store.id}", "/admin/stores/new", "/admin/users",
             "/admin/users/new", f"/admin/users/new?store={store.id}",
             f"/admin/users/{owner.id}", "/stores", f"/stores/{store.id}/",
             f"/stores/{store.id}/connect/", f"/stores/{store.id}/settings/"]
    for url in pages:
        answer = as_admin.get(url)
        assert answer.status_code == 200, url
        body = answer.get_data(as_text=True)
        assert key not in body and token not in body, url
    rotated = as_admin.post(f"/admin/stores/{store.id}/rotate-key",
                            data={"csrf_token": token_of(as_admin)})
    db.session.expire_all()
    new_key = db.session.get(Store, store.id).inbound_key
    assert shown_key(rotated.get_data(as_text=True)) == new_key
    for url in pages:
        assert new_key not in as_admin.get(url).get_data(as_text=True), url


def test_rotation_keeps_the_old_key_valid_for_the_grace_period(as_admin, client):
    new_store(as_admin)
    store = db.session.scalar(select(Store))
    old = SimpleNamespace(iseller_id=store.iseller_id, inbound_key=store.inbound_key)
    answer = as_admin.post(f"/admin/stores/{store.id}/rotate-key",
                           data={"csrf_token": token_of(as_admin)})
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    html = answer.get_data(as_text=True)
    assert "24 more hours" in html
    db.session.expire_all()
    store = db.session.get(Store, store.id)
    new = SimpleNamespace(iseller_id=store.iseller_id, inbound_key=shown_key(html))
    assert new.inbound_key != old.inbound_key
    assert store.previous_key_valid_until - datetime.now(UTC) > timedelta(hours=23)

    def outlet_event(event_id, signer):
        return post_event(client, store, "outlets", {
            "event_id": event_id, "outlet": {"id": "OUT-1", "name": "Kemang"}},
            key_store=signer).status_code

    assert outlet_event("e-1", old) < 300
    assert outlet_event("e-2", new) < 300
    store.previous_key_valid_until = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()
    assert outlet_event("e-3", old) == 401
    assert outlet_event("e-4", new) < 300


def test_a_new_webhook_url_is_shown_once_and_the_old_one_stops_working(as_admin, client):
    new_store(as_admin)
    store = db.session.scalar(select(Store))
    old_token = store.webhook_token
    answer = as_admin.post(f"/admin/stores/{store.id}/webhook-url",
                           data={"csrf_token": token_of(as_admin)})
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    db.session.expire_all()
    store = db.session.get(Store, store.id)
    assert store.webhook_token != old_token
    assert f"/webhooks/accurate/{store.webhook_token}" in answer.get_data(as_text=True)
    assert store.webhook_token not in as_admin.get(f"/admin/stores/{store.id}").get_data(
        as_text=True)

    def notice(token):
        return client.post(f"/webhooks/accurate/{token}", json=[]).status_code

    assert notice(old_token) == 401
    assert notice(store.webhook_token) != 401  # found (the empty body is refused after)


def test_rotating_an_unknown_store_is_404(as_admin):
    assert as_admin.post("/admin/stores/999/rotate-key",
                         data={"csrf_token": token_of(as_admin)}).status_code == 404


def test_the_store_list_counts_owners_and_says_when_empty(as_admin):
    assert "No stores yet" in as_admin.get("/admin/stores").get_data(as_text=True)
    store = make_store("Toko A")
    make_user(Role.OWNER, store)
    make_user(Role.OWNER, store)
    db.session.commit()
    html = as_admin.get("/admin/stores").get_data(as_text=True)
    assert re.search(r'<td class="num">2</td>', html)
    assert f'href="/stores/{store.id}/"' in html and "Not connected" in html


def test_with_no_store_yet_the_staff_list_points_an_admin_to_new_store(as_admin):
    assert 'href="/admin/stores/new"' in as_admin.get("/stores").get_data(as_text=True)

def test_cli_create_store_prints_the_key_once(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["isacc", "create-store", "--name", "Toko CLI",
                                 "--iseller-id", "toko-cli", "--timezone", "Asia/Jayapura"])
    assert result.exit_code == 0, result.output
    store = db.session.scalar(select(Store))
    assert store.timezone == "Asia/Jayapura"
    assert store.inbound_key in result.output
    assert f"/webhooks/accurate/{store.webhook_token}" in result.output
    again = runner.invoke(args=["isacc", "create-store", "--name", "Toko CLI",
                                "--iseller-id", "toko-cli"])
    assert again.exit_code != 0 and "already has iSeller id" in again.output
    assert count(Store) == 1


# ---- users ---------------------------------------------------------------------------------

def test_admin_creates_an_owner_who_can_sign_in_to_their_store(app, as_admin):
    store = make_store("Toko A")
    db.session.commit()
    answer = new_user(as_admin, email=" Sari@Toko.ID ", role="owner", store=str(store.id))
    assert answer.status_code == 302
    owner = db.session.scalar(select(User).where(User.email == "sari@toko.id"))
    assert owner.role == Role.OWNER and owner.store_id == store.id and owner.active
    assert answer.headers["Location"] == f"/admin/users/{owner.id}"
    other = app.test_client()
    assert login(other, "sari@toko.id", "long enough pw").status_code == 302
    assert other.get("/", follow_redirects=True).request.path == f"/stores/{store.id}/"


@pytest.mark.parametrize("fields, field, message", [
    ({"email": "not-an-address"}, "email", "is not an e-mail address"),
    ({"email": "admin@example.test"}, "email", "already exists"),
    ({"name": "n" * 121}, "name", "at most 120 characters"),
    ({"password": "short"}, "password", "at least 10 characters"),
    ({"role": "owner"}, "store", "an owner belongs to a store"),
    ({"role": "root"}, "role", "Choose a role."),
    ({"store": "999", "role": "owner"}, "store", "Choose one of the stores offered."),
    ({"store": "STORE", "role": "support"}, "store", "works across stores"),
    ({"store": "STORE", "role": "admin"}, "store", "works across stores"),
])
def test_the_user_form_shows_each_problem_at_its_field(as_admin, fields, field, message):
    store = make_store("Toko A")
    db.session.commit()
    before = count(User)
    if fields.get("store") == "STORE":
        fields["store"] = str(store.id)
    answer = new_user(as_admin, **fields)
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    error = re.search(rf'<small class="field-error" id="{field}-error">([^<]*)</small>', html)
    assert error and message in error[1].replace("&#39;", "'"), html[-3000:]
    assert f"{field}-error" in re.search(rf'<(input|select) id="{field}"[^>]*>', html)[0]
    assert count(User) == before


def test_the_users_list_filters_by_role_and_store_and_pages(as_admin, monkeypatch):
    a, b = make_store("Toko A"), make_store("Toko B")
    make_user(Role.OWNER, a, email="owner-a@example.test")
    make_user(Role.OWNER, b, email="owner-b@example.test")
    make_user(Role.SUPPORT, email="support@example.test")
    db.session.commit()
    listed = as_admin.get("/admin/users").get_data(as_text=True)
    assert all(e in listed for e in ("owner-a@", "owner-b@", "support@", "admin@"))
    by_role = as_admin.get("/admin/users?role=owner").get_data(as_text=True)
    assert "owner-a@" in by_role and "owner-b@" in by_role and "support@" not in by_role
    by_store = as_admin.get(f"/admin/users?store={b.id}").get_data(as_text=True)
    assert "owner-b@" in by_store and "owner-a@" not in by_store
    partial = as_admin.get(f"/admin/users?role=support&store={a.id}",
                           headers={"HX-Request": "true"})
    assert "<html" not in partial.get_data(as_text=True)
    assert "No user matches these filters." in partial.get_data(as_text=True)
    assert as_admin.get("/admin/users?role=nonsense&store=x&page=-1").status_code == 200
    monkeypatch.setattr("isacc.users.PER_PAGE", 2)
    first = as_admin.get("/admin/users").get_data(as_text=True)
    second = as_admin.get("/admin/users?page=2").get_data(as_text=True)
    assert "Page 1 of 2 (4 users)" in first and 'rel="next"' in first
    assert "admin@" in first and "owner-b@" not in first
    assert "owner-b@" in second and "support@" in second and 'rel="prev"' in second


def test_deactivating_blocks_sign_in_and_ends_the_open_session(app, as_admin):
    store = make_store("Toko A")
    owner = make_user(Role.OWNER, store)
    db.session.commit()
    owners_browser = app.test_client()
    assert login(owners_browser, owner.email).status_code == 302
    assert owners_browser.get(f"/stores/{store.id}/").status_code == 200
    answer = as_admin.post(f"/admin/users/{owner.id}/deactivate",
                           data={"csrf_token": token_of(as_admin)})
    assert answer.status_code == 302
    db.session.expire_all()
    assert not db.session.get(User, owner.id).active
    # The open session stops working at its next request...
    assert owners_browser.get(f"/stores/{store.id}/").headers["Location"].startswith("/login")
    # ...and signing in again is refused like a wrong password.
    assert login(app.test_client(), owner.email).status_code == 401
    as_admin.post(f"/admin/users/{owner.id}/reactivate", data={"csrf_token": token_of(as_admin)})
    assert login(app.test_client(), owner.email).status_code == 302
    # Reactivated, the owner signs in afresh: the session from before stays ended.
    assert owners_browser.get(f"/stores/{store.id}/").headers["Location"].startswith("/login")


def test_an_admin_cannot_deactivate_themself(as_admin, admin):
    answer = as_admin.post(f"/admin/users/{admin.id}/deactivate",
                           data={"csrf_token": token_of(as_admin)})
    assert answer.status_code == 409
    assert "You cannot deactivate yourself" in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, admin.id).active
    assert as_admin.get("/admin/users").status_code == 200  # still signed in


def test_admin_resets_a_password(app, as_admin):
    owner = make_user(Role.OWNER, make_store("Toko A"))
    db.session.commit()
    short = as_admin.post(f"/admin/users/{owner.id}/password",
                          data={"password": "short", "csrf_token": token_of(as_admin)})
    assert short.status_code == 400
    assert 'id="password-error">the password needs at least 10 characters' in \
        short.get_data(as_text=True)
    ok = as_admin.post(f"/admin/users/{owner.id}/password",
                       data={"password": "a brand new one", "csrf_token": token_of(as_admin)})
    assert ok.status_code == 302
    assert login(app.test_client(), owner.email, PASSWORD).status_code == 401
    assert login(app.test_client(), owner.email, "a brand new one").status_code == 302


def test_a_new_password_ends_the_sessions_opened_with_the_old_one(app, as_admin, admin):
    store = make_store("Toko A")
    owner = make_user(Role.OWNER, store)
    db.session.commit()
    owners_browser = app.test_client()
    login(owners_browser, owner.email)
    assert owners_browser.get(f"/stores/{store.id}/").status_code == 200
    as_admin.post(f"/admin/users/{owner.id}/password",
                  data={"password": "a brand new one", "csrf_token": token_of(as_admin)})
    assert owners_browser.get(f"/stores/{store.id}/").headers["Location"].startswith("/login")
    # An admin who sets their own new password stays signed in here.
    assert as_admin.post(f"/admin/users/{admin.id}/password", data={
        "password": "my own new one", "csrf_token": token_of(as_admin)}).status_code == 302
    assert as_admin.get("/admin/users").status_code == 200


# ---- who may ----------------------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.OWNER, Role.SUPPORT])
def test_only_admins_reach_the_admin_screens(app, client, role):
    store = make_store("Toko A")
    user = make_user(role, store if role == Role.OWNER else None)
    db.session.commit()
    login(client, user.email)
    html = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert 'data-testid="nav-admin"' not in html
    token = csrf_from(html)
    for url in ("/admin/", "/admin/stores", "/admin/stores/new", f"/admin/stores/{store.id}",
                "/admin/users", "/admin/users/new", f"/admin/users/{user.id}"):
        assert client.get(url).status_code == 403, url
    assert client.post("/admin/stores/new", data={
        "name": "x", "iseller_id": "x", "csrf_token": token}).status_code == 403
    assert client.post(f"/admin/stores/{store.id}/rotate-key",
                       data={"csrf_token": token}).status_code == 403
    assert count(Store) == 1
    assert client.get("/admin/stores", follow_redirects=False).status_code == 403


def test_admins_see_the_admin_entry(as_admin):
    html = as_admin.get("/", follow_redirects=True).get_data(as_text=True)
    assert 'data-testid="nav-admin"' in html and 'href="/admin/stores"' in html

