"""Support's pages: failures of every store in both directions, refreshed from there."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import event as sql_events
from sqlalchemy import select
from sqlalchemy.engine import Engine

from isacc.extensions import db
from isacc.models import ActivityKind, Outlet, Role, Status, Store, SyncActivity, WebhookLog
from isacc.redis_conn import get_redis
from tests.conftest import csrf_from, login, make_store, make_user

NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


@pytest.fixture
def failures(app, client):
    """Two stores with a failed invoice and a failed purchase each, and a successful row."""
    rows = {}
    for name in ("Toko A", "Toko B"):
        store = make_store(name)
        outlet = Outlet(store_id=store.id, iseller_id="OUT-1", name=f"Kemang {name}")
        db.session.add(outlet)
        db.session.flush()
        rows[name] = (
            SyncActivity(store_id=store.id, outlet_id=outlet.id, kind=ActivityKind.SALES_INVOICE,
                         source_kind="x", source_id=1, source_number=f"INV-{name}", source_at=NOW,
                         status=Status.FAILED, attempts=3, reason="Item KN-9 is not in Accurate."),
            WebhookLog(store_id=store.id, outlet_id=outlet.id, event_type="RECEIVE_ITEM",
                       dedupe_key="r-1", accurate_number=f"RI-{name}", payload={},
                       status=Status.FAILED, reason="Item KN-9 has no SKU in iSeller."))
        db.session.add_all(rows[name])
    done = SyncActivity(store_id=store.id, kind=ActivityKind.CUSTOMER, source_kind="x",
                        source_id=2, source_number="C-1", source_at=NOW, status=Status.SUCCESS)
    db.session.add(done)
    support = make_user(Role.SUPPORT)
    db.session.commit()
    login(client, support.email)
    return rows, done


def test_both_directions_list_every_stores_failures(client, failures):
    sync = client.get("/support/").get_data(as_text=True)
    assert "INV-Toko A" in sync and "INV-Toko B" in sync and "C-1" not in sync
    assert "Item KN-9 is not in Accurate." in sync
    events = client.get("/support/webhooks").get_data(as_text=True)
    assert "RI-Toko A" in events and "RI-Toko B" in events
    assert "Item KN-9 has no SKU in iSeller." in events


def test_ticked_failures_of_two_stores_are_sent_again(client, failures):
    rows, done = failures
    ids = [str(rows[name][0].id) for name in rows] + [str(done.id)]
    token = csrf_from(client.get("/support/").get_data(as_text=True))
    answer = client.post("/support/refresh", data={"csrf_token": token, "activity": ids},
                         follow_redirects=True)
    assert "Sending 2 rows again." in answer.get_data(as_text=True)
    db.session.expire_all()
    for activity, _ in rows.values():
        assert activity.status == Status.PENDING and activity.attempts == 0  # a fresh budget
        assert get_redis().exists(f"isacc:lane:{activity.store_id}:{activity.outlet_id}:queued")
    assert done.status == Status.SUCCESS
    again = client.post("/support/refresh", data={"csrf_token": token, "one": ids[0]},
                        follow_redirects=True)
    assert "Nothing to refresh: those rows are no longer failed." in again.get_data(as_text=True)


def test_one_failed_event_from_accurate_is_applied_again(client, failures):
    rows, _ = failures
    webhook = rows["Toko B"][1]
    token = csrf_from(client.get("/support/webhooks").get_data(as_text=True))
    answer = client.post("/support/webhooks/refresh",
                         data={"csrf_token": token, "one": str(webhook.id)}, follow_redirects=True)
    assert "Applying 1 event again." in answer.get_data(as_text=True)
    statuses = dict(db.session.execute(select(WebhookLog.accurate_number, WebhookLog.status)).all())
    assert statuses == {"RI-Toko A": Status.FAILED, "RI-Toko B": Status.PENDING}
    nothing = client.post("/support/webhooks/refresh", data={"csrf_token": token},
                          follow_redirects=True)
    assert "Tick at least one failed row first." in nothing.get_data(as_text=True)


def test_an_owner_cannot_refresh_from_the_support_pages(app, client, failures):
    rows, _ = failures
    activity = rows["Toko A"][0]
    owner = make_user(Role.OWNER, db.session.get(Store, activity.store_id))
    db.session.commit()
    client = app.test_client()
    login(client, owner.email)
    token = csrf_from(client.get(f"/stores/{activity.store_id}/").get_data(as_text=True))
    answer = client.post("/support/refresh", data={"csrf_token": token, "one": str(activity.id)})
    assert answer.status_code in (403, 404)
    db.session.expire_all()
    assert activity.status == Status.FAILED


def test_the_cross_store_list_costs_the_same_queries_for_more_stores(app, client, failures):
    def queries_for(path):
        seen = []

        def keep(conn, cursor, statement, *args):
            seen.append(statement)

        sql_events.listen(Engine, "before_cursor_execute", keep)
        try:
            assert client.get(path).status_code == 200
        finally:
            sql_events.remove(Engine, "before_cursor_execute", keep)
        return len(seen)

    before = {path: queries_for(path) for path in ("/support/", "/support/webhooks")}
    for n in range(4):  # four more stores, each with its own outlet and failures
        store = make_store(f"Toko {n}")
        outlet = Outlet(store_id=store.id, iseller_id="OUT-1", name=f"Outlet {n}")
        db.session.add(outlet)
        db.session.flush()
        db.session.add_all([
            SyncActivity(store_id=store.id, outlet_id=outlet.id, kind=ActivityKind.SALES_INVOICE,
                         source_kind="x", source_id=1, source_number=f"INV-{n}", source_at=NOW,
                         status=Status.FAILED, reason="Item KN-9 is not in Accurate."),
            WebhookLog(store_id=store.id, outlet_id=outlet.id, event_type="RECEIVE_ITEM",
                       dedupe_key="r-1", accurate_number=f"RI-{n}", payload={},
                       status=Status.FAILED, reason="Item KN-9 has no SKU in iSeller.")])
    db.session.commit()
    assert {path: queries_for(path) for path in before} == before


def test_support_filters_by_store_and_type_and_keeps_them_through_a_refresh(client, failures):
    rows, _ = failures
    toko_b = rows["Toko B"][0].store_id
    page = client.get("/support/").get_data(as_text=True)
    assert f'<option value="{toko_b}" >Toko B</option>' in page  # stores with failures
    only_b = client.get(f"/support/?store={toko_b}").get_data(as_text=True)
    assert "INV-Toko B" in only_b and "INV-Toko A" not in only_b
    assert f"store={toko_b}" in only_b  # the live poll keeps the filter
    assert "No failed syncs" in client.get("/support/?type=transfer_out").get_data(as_text=True)
    events = client.get(f"/support/webhooks?store={toko_b}&type=RECEIVE_ITEM").get_data(
        as_text=True)
    assert "RI-Toko B" in events and "RI-Toko A" not in events
    answer = client.post("/support/refresh", data={
        "csrf_token": csrf_from(only_b), "one": str(rows["Toko B"][0].id),
        "store": str(toko_b)})
    assert answer.headers["Location"] == f"/support/?store={toko_b}"
