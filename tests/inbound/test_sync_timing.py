"""When planned documents become due, per sync mode and transfer toggle (freezegun clock)."""

from datetime import UTC, datetime

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from isacc.extensions import db
from isacc.models import ActivityKind, SyncActivity, SyncMode
from isacc.sync.release import replan_pending
from isacc.sync.schedule import next_time
from tests.conftest import make_store, post_event

NOW = "2026-11-24T03:15:00Z"  # 10:15 in Jakarta


def activities(kind):
    return db.session.scalars(select(SyncActivity).where(SyncActivity.kind == kind)).all()


@pytest.fixture
def store(app, client):
    store = make_store("Toko A", sync_times=["12:00", "21:00"], transfer_sync_times=["22:30"])
    db.session.commit()
    post_event(client, store, "outlets", {"event_id": "o", "outlet": {"id": "OUT-1",
                                                                        "name": "Kemang"}})
    return store


def send_order(client, store, event_id="e1", shift_id=None):
    order = {"id": event_id, "number": f"INV-{event_id}", "outlet_id": "OUT-1",
             "ordered_at": NOW, "shift_id": shift_id,
             "lines": [{"sku": "K-1", "name": "Kopi", "quantity": 1, "unit_price": 1000}],
             "payments": [{"method": "cash", "amount": 1000}]}
    answer = post_event(client, store, "sales-orders", {"event_id": event_id, "order": order})
    assert answer.status_code == 202, answer.get_json()


def send_transfer(client, store):
    answer = post_event(client, store, "transfers", {"event_id": "t", "transfer": {
        "id": "t1", "number": "TR-1", "from_outlet_id": "OUT-1",
        "to_warehouse_name": "Gudang", "sent_at": NOW, "lines": [{"sku": "K", "quantity": 1}]}})
    assert answer.status_code == 202


@freeze_time(NOW)
def test_real_time_orders_are_due_at_once(client, store):
    send_order(client, store)
    assert {a.due_at for a in activities(ActivityKind.SALES_INVOICE)} == {datetime.now(UTC)}


@freeze_time(NOW)
def test_scheduled_orders_wait_for_the_next_time_in_the_store_zone(client, store):
    store.sync_mode = SyncMode.SCHEDULED
    db.session.commit()
    send_order(client, store)
    # 10:15 WIB -> the 12:00 WIB run, which is 05:00 UTC.
    expected = datetime(2026, 11, 24, 5, 0, tzinfo=UTC)
    assert {a.due_at for a in activities(ActivityKind.SALES_INVOICE)} == {expected}
    assert {a.due_at for a in activities(ActivityKind.SALES_RECEIPT)} == {expected}


def test_the_last_time_of_the_day_rolls_over_to_tomorrow():
    at = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # 22:00 WIB, after the 21:00 run
    assert next_time(["12:00", "21:00"], "Asia/Jakarta", at) == datetime(
        2026, 11, 25, 5, 0, tzinfo=UTC)
    assert next_time(["21:00"], "Asia/Makassar", at) == datetime(2026, 11, 25, 13, 0,
                                                                  tzinfo=UTC)


@freeze_time(NOW)
def test_shift_close_mode_holds_orders_until_their_shift_closes(client, store):
    store.sync_mode = SyncMode.SHIFT_CLOSE
    db.session.commit()
    post_event(client, store, "shifts/open", {"event_id": "s-open", "shift": {
        "id": "SH-1", "outlet_id": "OUT-1", "opened_at": NOW}})
    send_order(client, store, "e1", shift_id="SH-1")
    send_order(client, store, "e2", shift_id="SH-1")
    assert all(a.due_at is None for a in activities(ActivityKind.SALES_INVOICE))
    closed = post_event(client, store, "shifts/close", {"event_id": "s-close", "shift": {
        "id": "SH-1", "outlet_id": "OUT-1", "opened_at": NOW, "closed_at": NOW}})
    assert closed.status_code == 202
    db.session.expire_all()
    released = activities(ActivityKind.SALES_INVOICE) + activities(ActivityKind.SALES_RECEIPT)
    assert len(released) == 4
    assert {a.due_at for a in released} == {datetime.now(UTC)}
    assert sorted(closed.get_json()["activities"]) == sorted(a.id for a in released)


@freeze_time(NOW)
def test_transfer_toggle_on_waits_for_transfer_hours_off_goes_at_once(client, store):
    store.transfer_sync_scheduled = True
    db.session.commit()
    send_transfer(client, store)
    expected = datetime(2026, 11, 24, 15, 30, tzinfo=UTC)  # 22:30 WIB
    assert {a.due_at for a in activities(ActivityKind.TRANSFER_OUT)} == {expected}
    store.transfer_sync_scheduled = False
    replan_pending(store)
    db.session.commit()
    assert {a.due_at for a in activities(ActivityKind.TRANSFER_OUT)} == {datetime.now(UTC)}


@freeze_time(NOW)
def test_a_settings_change_applies_to_what_is_pending(client, store):
    send_order(client, store)
    store.sync_mode = SyncMode.SCHEDULED
    assert replan_pending(store) == 2
    db.session.commit()
    expected = datetime(2026, 11, 24, 5, 0, tzinfo=UTC)
    assert {a.due_at for a in activities(ActivityKind.SALES_INVOICE)} == {expected}


@freeze_time(NOW)
def test_a_switch_to_shift_close_holds_what_is_pending_of_an_open_shift(client, store):
    post_event(client, store, "shifts/open", {"event_id": "s-open", "shift": {
        "id": "SH-1", "outlet_id": "OUT-1", "opened_at": NOW}})
    send_order(client, store, "e1", shift_id="SH-1")
    send_order(client, store, "e2")  # taken outside any shift: nothing to wait for
    store.sync_mode = SyncMode.SHIFT_CLOSE
    assert replan_pending(store) == 2  # the invoice and the receipt of e1
    db.session.commit()
    held = {a.source_number: a.due_at for kind in (ActivityKind.SALES_INVOICE,
                                                   ActivityKind.SALES_RECEIPT)
            for a in activities(kind)}
    assert held == {"INV-e1": None, "INV-e1-1": None,
                    "INV-e2": datetime.now(UTC), "INV-e2-1": datetime.now(UTC)}


def open_shift(client, store, shift_id, outlet_id="OUT-1"):
    answer = post_event(client, store, "shifts/open", {"event_id": f"open-{shift_id}", "shift": {
        "id": shift_id, "outlet_id": outlet_id, "opened_at": NOW}})
    assert answer.status_code == 202, answer.get_json()


def close_shift(client, store, shift_id, outlet_id="OUT-1"):
    answer = post_event(client, store, "shifts/close", {
        "event_id": f"close-{shift_id}", "shift": {"id": shift_id, "outlet_id": outlet_id,
                                                   "opened_at": NOW, "closed_at": NOW}})
    assert answer.status_code == 202, answer.get_json()
    db.session.expire_all()
    return answer.get_json()["activities"]


def send_deposit(client, store, deposit_id, shift_id, direction="in"):
    answer = post_event(client, store, "deposits", {"event_id": f"dep-{deposit_id}", "deposit": {
        "id": deposit_id, "outlet_id": "OUT-1", "shift_id": shift_id, "direction": direction,
        "amount": 50000, "deposited_at": NOW}})
    assert answer.status_code == 202, answer.get_json()


def due(number):
    return db.session.scalar(select(SyncActivity.due_at).where(
        SyncActivity.source_number == number))


@freeze_time(NOW)
def test_a_deposit_made_during_an_open_shift_waits_for_its_close(client, store):
    store.sync_mode = SyncMode.SHIFT_CLOSE
    db.session.commit()
    open_shift(client, store, "SH-1")
    send_deposit(client, store, "d-in", "SH-1")
    send_deposit(client, store, "d-out", "SH-1", direction="out")
    send_deposit(client, store, "d-none", None)  # outside any shift: nothing to wait for
    assert (due("DEP-d-in"), due("DEP-d-out")) == (None, None)
    assert due("DEP-d-none") == datetime.now(UTC)
    released = close_shift(client, store, "SH-1")
    assert (due("DEP-d-in"), due("DEP-d-out")) == (datetime.now(UTC), datetime.now(UTC))
    assert len(released) == 2


@freeze_time(NOW)
def test_closing_one_of_two_open_shifts_releases_only_its_own_rows(client, store):
    store.sync_mode = SyncMode.SHIFT_CLOSE
    db.session.commit()
    open_shift(client, store, "SH-1")
    open_shift(client, store, "SH-2")
    send_order(client, store, "a", shift_id="SH-1")
    send_order(client, store, "b", shift_id="SH-2")
    send_deposit(client, store, "d-1", "SH-1")
    send_deposit(client, store, "d-2", "SH-2")
    released = close_shift(client, store, "SH-1")
    now = datetime.now(UTC)
    assert {n: due(n) for n in ("INV-a", "INV-a-1", "DEP-d-1", "INV-b", "INV-b-1", "DEP-d-2")} \
        == {"INV-a": now, "INV-a-1": now, "DEP-d-1": now,
            "INV-b": None, "INV-b-1": None, "DEP-d-2": None}
    assert sorted(released) == sorted(db.session.scalars(select(SyncActivity.id).where(
        SyncActivity.source_number.in_(["INV-a", "INV-a-1", "DEP-d-1"]))))
    # ...and the other shift's close releases the rest, not again the first's.
    assert len(close_shift(client, store, "SH-2")) == 3
    assert due("INV-b") == due("DEP-d-2") == now


@freeze_time(NOW)
def test_a_shift_close_releases_nothing_of_another_store(client, store):
    other = make_store("Toko B", sync_mode=SyncMode.SHIFT_CLOSE)
    store.sync_mode = SyncMode.SHIFT_CLOSE
    db.session.commit()
    post_event(client, other, "outlets", {"event_id": "o", "outlet": {"id": "OUT-1",
                                                                        "name": "Kemang"}})
    for shop in (store, other):
        open_shift(client, shop, "SH-1")
    send_order(client, other, "b", shift_id="SH-1")
    send_order(client, store, "a", shift_id="SH-1")
    assert len(close_shift(client, store, "SH-1")) == 2
    assert due("INV-b") is None and due("INV-a") == datetime.now(UTC)
