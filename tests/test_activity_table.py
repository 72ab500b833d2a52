"""The sync-activity table: filters in the URL, paging, and refresh of failed rows."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from isacc.extensions import db
from isacc.models import ActivityKind, Outlet, Role, Status, SyncActivity
from tests.conftest import csrf_from, login, make_store, make_user

DAY = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)  # 10:00 in Jakarta


@pytest.fixture
def table(app, client):
    store = make_store("Toko A")
    kemang = Outlet(store_id=store.id, iseller_id="K", name="Kemang")
    dago = Outlet(store_id=store.id, iseller_id="D", name="Dago")
    db.session.add_all([kemang, dago])
    db.session.flush()
    rows = [
        ("INV-1", kemang, ActivityKind.SALES_INVOICE, Status.SUCCESS, 0),
        ("INV-2", kemang, ActivityKind.SALES_INVOICE, Status.FAILED, 1),
        ("TR-1", dago, ActivityKind.TRANSFER_OUT, Status.FAILED, 2),
        ("ADJ-1", dago, ActivityKind.STOCK_ADJUSTMENT, Status.PENDING, 3),
    ]
    for n, (number, outlet, kind, status, days) in enumerate(rows):
        db.session.add(SyncActivity(
            store_id=store.id, outlet_id=outlet.id, kind=kind, source_kind="sales_order",
            source_id=n, source_number=number, source_at=DAY, status=status,
            reason="Item X is not in Accurate." if status == Status.FAILED else None,
            created_at=DAY + timedelta(days=days)))
    owner = make_user(Role.OWNER, store)
    db.session.commit()
    login(client, owner.email)
    return client, store, {"kemang": kemang.id, "dago": dago.id}


def numbers(client, url) -> list[str]:
    body = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    return [n for n in ("INV-1", "INV-2", "TR-1", "ADJ-1") if f">{n}<" in body]


def test_each_filter_and_a_combination_show_only_matching_rows(table):
    client, store, outlets = table
    base = f"/stores/{store.id}/activity"
    assert numbers(client, base) == ["INV-1", "INV-2", "TR-1", "ADJ-1"]
    assert numbers(client, f"{base}?status=failed") == ["INV-2", "TR-1"]
    assert numbers(client, f"{base}?outlet={outlets['dago']}") == ["TR-1", "ADJ-1"]
    assert numbers(client, f"{base}?type=sales_invoice") == ["INV-1", "INV-2"]
    assert numbers(client, f"{base}?start=2026-11-21&end=2026-11-22") == ["INV-2", "TR-1"]
    assert numbers(client, f"{base}?status=failed&outlet={outlets['kemang']}") == ["INV-2"]


def test_unreadable_filters_are_named_not_fatal(table):
    client, store, _ = table
    page = client.get(f"/stores/{store.id}/activity?status=lost&start=yesterday")
    assert page.status_code == 200
    assert "Ignored filters that could not be read: status, start." in page.get_data(as_text=True)


def test_refresh_selected_and_all_failed_matching_the_filters(table):
    client, store, outlets = table
    page = client.get(f"/stores/{store.id}/activity").get_data(as_text=True)
    token = csrf_from(page)
    inv2 = db.session.scalar(select(SyncActivity.id).where(SyncActivity.source_number == "INV-2"))
    answer = client.post(f"/stores/{store.id}/activity/refresh",
                         data={"activity": str(inv2), "csrf_token": token},
                         headers={"HX-Request": "true"})
    assert answer.status_code == 200
    db.session.expire_all()
    statuses = dict(db.session.execute(
        select(SyncActivity.source_number, SyncActivity.status)).all())
    assert statuses["INV-2"] == Status.PENDING and statuses["TR-1"] == Status.FAILED
    client.post(f"/stores/{store.id}/activity/refresh",
                data={"all_failed": "1", "outlet": str(outlets["dago"]), "csrf_token": token},
                headers={"HX-Request": "true"})
    db.session.expire_all()
    assert db.session.scalar(select(SyncActivity.status).where(
        SyncActivity.source_number == "TR-1")) == Status.PENDING


def test_another_stores_rows_cannot_be_refreshed(table):
    client, store, _ = table
    other = make_store("Toko B")
    foreign = SyncActivity(store_id=other.id, kind=ActivityKind.CUSTOMER, source_kind="customer",
                           source_id=1, source_at=DAY, status=Status.FAILED)
    db.session.add(foreign)
    db.session.commit()
    token = csrf_from(client.get(f"/stores/{store.id}/activity").get_data(as_text=True))
    client.post(f"/stores/{store.id}/activity/refresh",
                data={"activity": str(foreign.id), "csrf_token": token})
    db.session.expire_all()
    assert db.session.get(SyncActivity, foreign.id).status == Status.FAILED
    assert client.post(f"/stores/{other.id}/activity/refresh",
                       data={"activity": str(foreign.id), "csrf_token": token}).status_code == 404
