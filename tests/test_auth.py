from isacc.extensions import db
from isacc.models import Role
from tests.conftest import csrf_from, login, make_store, make_user


def test_owner_signs_in_and_lands_on_own_overview(client):
    store = make_store("Toko A")
    owner = make_user(Role.OWNER, store)
    db.session.commit()
    response = login(client, owner.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    overview = client.get("/", follow_redirects=True)
    assert overview.request.path == f"/stores/{store.id}/"
    assert "Toko A" in overview.get_data(as_text=True)


def test_wrong_password_and_unknown_email_get_the_same_refusal(client):
    owner = make_user(Role.OWNER, make_store("Toko A"))
    db.session.commit()
    wrong_password = login(client, owner.email, "not the password")
    unknown_email = login(client, "nobody@example.test")
    for response in (wrong_password, unknown_email):
        assert response.status_code == 401
        body = response.get_data(as_text=True)
        assert "Wrong e-mail or password." in body
        assert "no such" not in body.lower() and "unknown" not in body.lower()
    assert client.get("/", follow_redirects=False).status_code == 302  # still signed out


def test_repeated_failures_lock_sign_in_even_with_the_right_password(app, client, redis_client):
    owner = make_user(Role.OWNER, make_store("Toko A"))
    db.session.commit()
    for _ in range(app.config["LOGIN_ATTEMPTS"]):
        assert login(client, owner.email, "guess").status_code == 401
    locked = login(client, owner.email)
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.get_data(as_text=True)
    # The count lives in Redis, shared by every web process, and expires by itself.
    assert redis_client.ttl(f"isacc:login:email:{owner.email}") > 0


def test_pages_need_a_signed_in_user(client):
    store = make_store("Toko A")
    db.session.commit()
    response = client.get(f"/stores/{store.id}/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_sign_in_never_redirects_off_site(client):
    owner = make_user(Role.OWNER, make_store("Toko A"))
    db.session.commit()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login?next=//evil.example/steal",
                           data={"email": owner.email, "password": "correct horse battery",
                                 "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_a_post_without_csrf_token_is_refused(client):
    owner = make_user(Role.OWNER, make_store("Toko A"))
    db.session.commit()
    response = client.post("/login", data={"email": owner.email,
                                            "password": "correct horse battery"})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)


def test_sign_out_is_a_post_and_ends_the_session(client):
    owner = make_user(Role.OWNER, make_store("Toko A"))
    db.session.commit()
    login(client, owner.email)
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout", data={"csrf_token": csrf_from(page)}).status_code == 302
    assert client.get("/").status_code == 302


def test_inactive_user_cannot_sign_in(client):
    owner = make_user(Role.OWNER, make_store("Toko A"))
    owner.active = False
    db.session.commit()
    assert login(client, owner.email).status_code == 401


def test_a_deactivated_user_is_told_so_once_the_password_is_right(client):
    owner = make_user(Role.OWNER, make_store("Toko A"))
    owner.active = False
    db.session.commit()
    told = login(client, owner.email).get_data(as_text=True)
    assert "Your account is deactivated" in told
    assert "Wrong e-mail or password." not in told
    # Without the password nothing says the account exists.
    guessed = login(client, owner.email, "not the password").get_data(as_text=True)
    assert "Wrong e-mail or password." in guessed and "deactivated" not in guessed
    client.set_cookie("isacc_lang", "id")
    assert "Akun Anda dinonaktifkan" in login(client, owner.email).get_data(as_text=True)


def test_an_htmx_request_without_a_session_leads_the_window_to_sign_in(client):
    store = make_store("Toko A")
    db.session.commit()
    answer = client.get(f"/stores/{store.id}/activity?v=abc", headers={
        "HX-Request": "true", "Accept-Language": "id",
        "HX-Current-URL": f"http://localhost/stores/{store.id}/activity?status=failed"})
    # Not the sign-in page's body, which htmx would swap into the table.
    assert "<form" not in answer.get_data(as_text=True)
    assert answer.headers["HX-Redirect"] == (
        f"/login?next=%2Fstores%2F{store.id}%2Factivity%3Fstatus%3Dfailed")
    page = client.get(answer.headers["HX-Redirect"], headers={"Accept-Language": "id"})
    assert "Silakan masuk untuk melanjutkan." in page.get_data(as_text=True)


def test_the_sign_in_page_after_sign_out_keeps_the_users_language(client):
    owner = make_user(Role.OWNER, make_store("Toko A"))
    owner.locale = "id"
    db.session.commit()
    login(client, owner.email)
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    signed_out = client.post("/logout", data={"csrf_token": csrf_from(page)},
                             follow_redirects=True).get_data(as_text=True)
    assert "Masuk ke isacc" in signed_out
    assert "Anda sudah keluar." in signed_out
