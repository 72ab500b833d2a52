"""Workers refreshing one store's token at once spend its refresh token once, and never leave
the store "reconnect needed" while it holds a valid token (#15, findings 3 and 4)."""

import threading
import time

import pytest
from flask import current_app

from isacc.accurate import connection, oauth
from isacc.extensions import db
from isacc.models import ConnectionStatus, Store
from tests.accurate.conftest import DATABASE, grant, sandbox_config
from tests.conftest import make_store


@pytest.fixture
def store(app, sandbox):
    current_app.config.update(sandbox_config(sandbox))
    app.config.update(sandbox_config(sandbox))
    store = make_store("Toko Token")
    db.session.commit()
    connection.save_token(store, grant(current_app.config))
    connection.choose_database(store, DATABASE, "Kopi Nusantara")
    return store


@pytest.fixture
def refreshes(monkeypatch):
    """Counts the real refreshes sent to the sandbox's token endpoint."""
    spent = []
    real = oauth.refresh

    def counted(config, refresh_token):
        spent.append(refresh_token)
        return real(config, refresh_token)

    monkeypatch.setattr(oauth, "refresh", counted)
    return spent


def test_workers_holding_an_old_token_do_not_refresh_again(store, sandbox, refreshes):
    first, second = connection.client_for(store), connection.client_for(store)
    sandbox.admin("expire-tokens", {})  # one real expiry
    for n in range(10):  # the two workers' calls, alternating
        worker = first if n % 2 == 0 else second
        assert worker.detail("glaccount", no="1-10001")["name"] == "Kas Toko"
    assert len(refreshes) == 1


def test_a_refresh_slower_than_its_lock_leaves_the_store_connected(store, sandbox, app,
                                                                   monkeypatch, refreshes):
    assert sum(oauth.TIMEOUT) < connection.REFRESH_LOCK_SECONDS
    monkeypatch.setattr(connection, "REFRESH_LOCK_SECONDS", 0.5)
    real = oauth.refresh

    def slow(config, refresh_token):
        time.sleep(1.2)  # longer than the lock
        return real(config, refresh_token)

    monkeypatch.setattr(oauth, "refresh", slow)
    sandbox.admin("expire-tokens", {})
    errors, store_id = [], store.id

    def worker(delay):
        time.sleep(delay)
        with app.app_context():
            try:
                client = connection.client_for(db.session.get(Store, store_id))
                client.detail("glaccount", no="1-10001")
            except BaseException as error:  # noqa: BLE001 - reported to the test
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(d,)) for d in (0, 0.7)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    db.session.expire_all()
    kept = db.session.get(Store, store_id).accurate
    assert kept.status == ConnectionStatus.CONNECTED
    assert connection.client_for(db.session.get(Store, store_id)).detail(
        "glaccount", no="1-10001")
