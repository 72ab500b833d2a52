"""Security headers, cookie flags, and secrets that never leave their encrypted columns."""

import logging

from cryptography.fernet import Fernet
from flask import current_app
from sqlalchemy import text

from isacc import config as config_module
from isacc.accurate import connection
from isacc.cli import rotate_secrets
from isacc.extensions import db
from isacc.models import Role, Store
from tests.accurate.conftest import DATABASE, grant, sandbox_config
from tests.conftest import login, make_store, make_user, post_event, stock_store


def test_every_answer_carries_the_security_headers(client):
    for url in ("/login", "/healthz", "/api/openapi.json", "/no-such-page"):
        headers = client.get(url).headers
        policy = headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "object-src 'none'" in policy
        assert "frame-ancestors 'none'" in policy
        # Only our own scripts and the one pinned htmx file; no inline code, no eval.
        assert ("script-src 'self' https://unpkg.com/htmx.org@2.0.11/dist/htmx.min.js;"
                in policy)
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_httponly_lax_and_secure_in_production(app, client, monkeypatch):
    owner = make_user(Role.OWNER, make_store("Toko A"))
    db.session.commit()
    answer = login(client, owner.email)
    cookie = next(c for c in answer.headers.getlist("Set-Cookie")
                  if c.startswith("isacc_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    monkeypatch.setenv("ISACC_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("ENCRYPTION_KEYS", Fernet.generate_key().decode())
    production = config_module.load()
    assert production["SESSION_COOKIE_SECURE"] and production["REMEMBER_COOKIE_SECURE"]
    assert production["SESSION_COOKIE_HTTPONLY"]


def test_tokens_and_keys_appear_in_no_page_log_or_error(app, client, sandbox, caplog):
    caplog.set_level(logging.DEBUG)
    current_app.config.update(sandbox_config(sandbox))
    app.config.update(sandbox_config(sandbox))
    store = make_store("Toko A")
    ids = stock_store(store)
    owner = make_user(Role.OWNER, store)
    db.session.commit()
    token = grant(current_app.config)
    connection.save_token(store, token)
    connection.choose_database(store, DATABASE, "Kopi Nusantara")
    store = db.session.get(Store, store.id)
    secrets_ = [token.access_token, token.refresh_token, store.inbound_key, store.webhook_token,
                store.accurate.session_id]
    assert all(secrets_)
    login(client, owner.email)
    bodies = []
    for url in (f"/stores/{store.id}/", f"/stores/{store.id}/connect/",
                f"/stores/{store.id}/outlets/", f"/stores/{store.id}/outlets/{ids['outlet_id']}",
                f"/stores/{store.id}/settings/", f"/stores/{store.id}/activity",
                f"/stores/{store.id}/activity/{ids['activity_id']}"):
        answer = client.get(url)
        assert answer.status_code == 200, url
        bodies.append(answer.get_data(as_text=True))
    # The admin's pages about this store and its owner show no secret either (the one-time
    # display after a POST is tested in tests/test_admin.py).
    admin = make_user(Role.ADMIN)
    db.session.commit()
    as_admin = app.test_client()
    login(as_admin, admin.email)
    for url in ("/stores", "/admin/stores", f"/admin/stores/{store.id}", "/admin/users",
                f"/admin/users/{owner.id}", "/admin/users/new", "/admin/stores/new"):
        answer = as_admin.get(url)
        assert answer.status_code == 200, url
        bodies.append(answer.get_data(as_text=True))
    # Refusals of the inbound API say what was wrong without echoing a key.
    stranger = make_store("Toko Lain")
    db.session.commit()
    bodies.append(post_event(client, store, "outlets", {"event_id": "x"}, key_store=stranger)
                  .get_data(as_text=True))
    bodies.append(post_event(client, store, "outlets", {"event_id": "y"}).get_data(as_text=True))
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret in secrets_:
        assert all(secret not in body for body in bodies)
        assert secret not in logged
    # At rest, each is ciphertext.
    raw = db.session.execute(text(
        "SELECT s.inbound_key, s.webhook_token, c.access_token, c.refresh_token, c.session_id "
        "FROM store s JOIN accurate_connection c ON c.store_id = s.id")).one()
    for secret, stored in zip(secrets_[2:4] + secrets_[:2] + secrets_[4:], raw, strict=True):
        assert secret not in stored


def test_rotating_the_encryption_key_without_downtime(app):
    store = make_store("Toko A")
    db.session.commit()
    inbound_key = store.inbound_key
    twin = current_app._get_current_object()
    old_key = twin.config["ENCRYPTION_KEYS"]
    new_key = Fernet.generate_key().decode()
    # Step 1: the new key first; old secrets still read.
    twin.config["ENCRYPTION_KEYS"] = f"{new_key},{old_key}"
    twin.extensions.pop("isacc_fernet")
    db.session.expire_all()
    assert db.session.get(Store, store.id).inbound_key == inbound_key
    # Step 2: re-encrypt everything with the new key.
    result = twin.test_cli_runner().invoke(rotate_secrets)
    assert result.exit_code == 0 and "Re-encrypted" in result.output
    # Step 3: the old key dropped; everything still reads.
    twin.config["ENCRYPTION_KEYS"] = new_key
    twin.extensions.pop("isacc_fernet")
    db.session.expire_all()
    assert db.session.get(Store, store.id).inbound_key == inbound_key
