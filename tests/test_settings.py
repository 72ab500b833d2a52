"""Sync settings: validated, saved, applied to pending work; only owner and admin change them."""

import pytest
from sqlalchemy import select

from isacc.extensions import db
from isacc.models import Role, Store, SyncActivity, SyncMode
from isacc.redis_conn import get_redis
from isacc.settings import parse_times
from isacc.sync import lanes
from tests.conftest import csrf_from, login, make_store, make_user, post_event


@pytest.fixture
def owner_client(app, client):
    store = make_store("Toko A")
    owner = make_user(Role.OWNER, store)
    db.session.commit()
    login(client, owner.email)
    token = csrf_from(client.get(f"/stores/{store.id}/settings/").get_data(as_text=True))
    return client, store.id, token


def save(client, store_id, token, **form):
    data = {"csrf_token": token, "sync_mode": "realtime", "sync_times": "",
            "transfer_sync_times": "", **form}
    return client.post(f"/stores/{store_id}/settings/", data=data,
                       headers={"HX-Request": "true"})


def test_times_are_read_forgivingly_and_checked():
    assert parse_times("21:00, 9:30 12:00,12:00") == ["09:30", "12:00", "21:00"]
    assert parse_times("") == []
    for bad in ("24:00", "12:60", "noon", "12"):
        with pytest.raises(ValueError, match="not a time of day"):
            parse_times(bad)


def test_each_setting_is_saved(owner_client):
    client, store_id, token = owner_client
    answer = save(client, store_id, token, sync_mode="scheduled", sync_times="12:00, 21:00",
                  transfer_sync_scheduled="on", transfer_sync_times="22:30",
                  customer_id_mapping="")
    assert answer.status_code == 200 and "Settings saved." in answer.get_data(as_text=True)
    store = db.session.scalar(select(Store))
    assert store.sync_mode == SyncMode.SCHEDULED and store.sync_times == ["12:00", "21:00"]
    assert store.transfer_sync_scheduled and store.transfer_sync_times == ["22:30"]
    assert store.customer_id_mapping is False and store.settings_confirmed_at is not None


def test_scheduled_without_a_time_is_refused_and_nothing_changes(owner_client):
    client, store_id, token = owner_client
    answer = save(client, store_id, token, sync_mode="scheduled", sync_times="",
                  transfer_sync_times="25:00")
    body = answer.get_data(as_text=True)
    assert "Give at least one time for scheduled sync." in body
    assert "&#39;25:00&#39; is not a time of day" in body
    store = db.session.scalar(select(Store))
    assert store.sync_mode == SyncMode.REALTIME and store.settings_confirmed_at is None


def test_support_sees_settings_but_cannot_change_them(app, client):
    store = make_store("Toko A")
    support = make_user(Role.SUPPORT)
    db.session.commit()
    login(client, support.email)
    page = client.get(f"/stores/{store.id}/settings/").get_data(as_text=True)
    assert "Only the store owner or an admin can change" in page
    answer = save(client, store.id, csrf_from(page), sync_mode="shift_close")
    assert answer.status_code == 403
    assert db.session.scalar(select(Store)).sync_mode == SyncMode.REALTIME


def test_the_customer_id_switch_renumbers_customers_not_tried_yet(owner_client):
    client, store_id, token = owner_client
    store = db.session.get(Store, store_id)
    store.customer_id_mapping = True
    db.session.commit()
    for n in (1, 2):
        answer = post_event(client, store, "customers", {"event_id": f"c{n}", "customer": {
            "id": f"C{n}", "name": f"Pelanggan {n}", "customer_code": f"ISL-{n}"}})
        assert answer.status_code == 202, answer.get_json()
    first, tried = db.session.scalars(select(SyncActivity).order_by(SyncActivity.id)).all()
    assert (first.accurate_number, tried.accurate_number) == ("ISL-1", "ISL-2")
    tried.outcome_unknown = True  # its number may already be in Accurate: it must keep it
    db.session.commit()

    assert save(client, store_id, token, customer_id_mapping="").status_code == 200
    db.session.expire_all()
    assert (first.accurate_number, tried.accurate_number) == (None, "ISL-2")
    assert save(client, store_id, token, customer_id_mapping="on").status_code == 200
    db.session.expire_all()
    assert first.accurate_number == "ISL-1"


def test_what_a_settings_change_makes_due_goes_to_the_workers_at_once(owner_client):
    client, store_id, token = owner_client
    store = db.session.get(Store, store_id)
    store.sync_mode, store.sync_times = SyncMode.SCHEDULED, ["23:59"]
    db.session.commit()
    post_event(client, store, "outlets", {"event_id": "o", "outlet": {"id": "OUT-1",
                                                                        "name": "Kemang"}})
    answer = post_event(client, store, "sales-orders", {"event_id": "e", "order": {
        "id": "o1", "number": "INV-1", "outlet_id": "OUT-1",
        "ordered_at": "2026-11-24T10:15:00+07:00",
        "lines": [{"sku": "K-1", "name": "Kopi", "quantity": 1, "unit_price": 1000}],
        "payments": []}})
    assert answer.status_code == 202, answer.get_json()
    outlet_id = db.session.scalar(select(SyncActivity.outlet_id))
    queued = f"isacc:lane:{store_id}:{outlet_id}:queued"
    assert not get_redis().exists(queued)  # scheduled: nothing for the workers yet

    save(client, store_id, token, sync_mode="realtime")
    assert get_redis().exists(queued)
    assert any(job.func_name == "jobs.sync.work_lane" and job.args == (store_id, outlet_id)
               for job in lanes.queue().get_jobs())
