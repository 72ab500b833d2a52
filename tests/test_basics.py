from datetime import UTC, datetime

import pytest
from cryptography.fernet import Fernet
from flask import current_app
from sqlalchemy import text

from isacc.crypto import decrypt, encrypt
from isacc.extensions import db
from isacc.formatting import local_time, rupiah
from isacc.models import AccurateConnection, ConnectionStatus
from tests.conftest import make_store


@pytest.mark.parametrize(("amount", "shown"), [
    (1250000, "Rp 1.250.000"), (0, "Rp 0"), ("999.5", "Rp 999,50"), (-15000, "-Rp 15.000"),
    (None, ""),
])
def test_rupiah_uses_indonesian_grouping(amount, shown):
    assert rupiah(amount) == shown


def test_times_show_in_the_store_zone():
    moment = datetime(2026, 11, 24, 17, 30, tzinfo=UTC)
    assert local_time(moment, "Asia/Jakarta") == "25 Nov 2026 00:30"
    assert local_time(moment, "Asia/Makassar") == "25 Nov 2026 01:30"


def test_accurate_tokens_are_encrypted_at_rest(app):
    store = make_store("Toko A")
    db.session.add(AccurateConnection(store_id=store.id, status=ConnectionStatus.CONNECTED,
                                      access_token="secret-access", refresh_token="secret-refresh"))
    db.session.commit()
    raw = db.session.execute(text("SELECT access_token, refresh_token FROM accurate_connection"))
    stored = raw.one()
    assert "secret" not in stored.access_token + stored.refresh_token
    db.session.expire_all()
    assert store.accurate.access_token == "secret-access"


def test_a_new_key_put_first_still_reads_old_secrets(app):
    old_ciphertext = encrypt("token")
    twin = current_app._get_current_object()
    old_key = twin.config["ENCRYPTION_KEYS"]
    twin.config["ENCRYPTION_KEYS"] = f"{Fernet.generate_key().decode()},{old_key}"
    twin.extensions.pop("isacc_fernet")
    assert decrypt(old_ciphertext) == "token"
    new_ciphertext = encrypt("token")
    # Without the new key, the new ciphertext is unreadable: it was made with the new key.
    twin.config["ENCRYPTION_KEYS"] = old_key
    twin.extensions.pop("isacc_fernet")
    with pytest.raises(ValueError, match="check ENCRYPTION_KEYS"):
        decrypt(new_ciphertext)


def test_health_reports_database_and_redis(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": True, "redis": True}


def test_health_says_degraded_when_redis_is_gone(migrated):
    from isacc import create_app

    app = create_app(dict(migrated, REDIS_URL="redis://127.0.0.1:1/0"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["redis"] is False


def test_metrics_count_rows_by_status_and_can_require_a_token(app, client):
    from isacc.models import ActivityKind, Status, SyncActivity
    from isacc.models.base import utcnow

    store = make_store("Toko A")
    db.session.add(SyncActivity(store_id=store.id, kind=ActivityKind.CUSTOMER,
                                source_kind="customer", source_id=1, source_at=utcnow(),
                                status=Status.FAILED))
    db.session.commit()
    body = client.get("/metrics").get_data(as_text=True)
    assert 'isacc_sync_activities{status="failed"} 1' in body
    assert 'isacc_webhook_rows{status="pending"} 0' in body
    assert "isacc_queue_jobs 0" in body and "isacc_oldest_due_seconds" in body
    app.config["METRICS_TOKEN"] = "scrape-me"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer scrape-me"}).status_code == 200
