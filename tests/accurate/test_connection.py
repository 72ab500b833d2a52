"""A store's Accurate connection kept alive, against the sandbox: choose the database, refresh
ahead of expiry, and "reconnect Accurate" when the grant is gone."""

from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import text

from isacc.accurate import connection
from isacc.accurate.errors import NotConnected, ReconnectRequired
from isacc.extensions import db
from isacc.models import ConnectionStatus
from isacc.models.base import utcnow
from tests.accurate.conftest import DATABASE, grant, sandbox_config
from tests.conftest import make_store


@pytest.fixture
def store(app, sandbox):
    current_app.config.update(sandbox_config(sandbox))
    store = make_store("Toko A")
    db.session.commit()
    return store


def test_a_store_without_accurate_is_told_to_connect(store):
    with pytest.raises(NotConnected, match="not connected"):
        connection.client_for(store)


def test_connect_choose_database_and_send(store, sandbox):
    connection.save_token(store, grant(current_app.config))
    connection.choose_database(store, DATABASE, "Kopi Nusantara")
    client = connection.client_for(store)
    saved = client.save("customer", {"customerNo": "CONN-1", "name": "Andi",
                                       "transDate": "24/11/2026"})
    assert saved["customerNo"] == "CONN-1"
    raw = db.session.execute(text("SELECT access_token, session_id FROM accurate_connection"))
    assert store.accurate.access_token not in str(raw.one())  # encrypted at rest


def test_a_token_near_expiry_is_refreshed_before_use(store):
    connection.save_token(store, grant(current_app.config))
    connection.choose_database(store, DATABASE, "Kopi Nusantara")
    old = store.accurate.access_token
    store.accurate.token_expires_at = utcnow() + timedelta(hours=2)
    db.session.commit()
    client = connection.client_for(store)
    assert store.accurate.access_token != old
    assert store.accurate.token_expires_at - utcnow() > timedelta(days=14)
    assert client.detail("glaccount", no="1-10001")["name"] == "Kas Toko"


def test_a_revoked_grant_asks_the_owner_to_reconnect(store, sandbox):
    connection.save_token(store, grant(current_app.config))
    connection.choose_database(store, DATABASE, "Kopi Nusantara")
    client = connection.client_for(store)
    sandbox.admin("revoke", {})
    with pytest.raises(ReconnectRequired, match="no longer accepts"):
        client.detail("glaccount", no="1-10001")
    db.session.refresh(store.accurate)
    assert store.accurate.status == ConnectionStatus.NEEDS_RECONNECT
    with pytest.raises(ReconnectRequired):
        connection.client_for(store)  # paused until the owner connects again
    connection.disconnect(store)
    db.session.expire_all()
    assert store.accurate is None
    connection.save_token(store, grant(current_app.config))  # connect again
    connection.choose_database(store, DATABASE, "Kopi Nusantara")
    assert connection.client_for(store).detail("glaccount", no="1-10001")
