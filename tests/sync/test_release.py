"""Making waiting rows due and renumbering pending customers when the settings change: which
rows each touches, and which it must leave alone (isacc/sync/release.py)."""

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from isacc.extensions import db
from isacc.models import ActivityKind, Status, SyncActivity, SyncMode
from isacc.sync.release import renumber_pending_customers, replan_pending
from tests.conftest import make_store, post_event

NOW = "2026-11-24T03:15:00Z"  # 10:15 in Jakarta
AT_NOON = datetime(2026, 11, 24, 5, 0, tzinfo=UTC)  # the store's 12:00 run


@pytest.fixture
def store(app, client):
    store = make_store("Toko A", sync_times=["12:00"], customer_id_mapping=False)
    db.session.commit()
    post_event(client, store, "outlets", {"event_id": "o", "outlet": {"id": "OUT-1",
                                                                        "name": "Kemang"}})
    return store


def send(client, store, path, event_id, **payload):
    answer = post_event(client, store, path, {"event_id": event_id, **payload})
    assert answer.status_code == 202, answer.get_json()


def row(number, kind=None):
    query = select(SyncActivity).where(SyncActivity.source_number == number)
    if kind:
        query = query.where(SyncActivity.kind == kind)
    return db.session.scalar(query)


def send_order(client, store, name, shift_id=None):
    send(client, store, "sales-orders", f"e-{name}", order={
        "id": name, "number": f"INV-{name}", "outlet_id": "OUT-1", "ordered_at": NOW,
        "shift_id": shift_id,
        "lines": [{"sku": "K-1", "name": "Kopi", "quantity": 1, "unit_price": 1000}],
        "payments": [{"method": "cash", "amount": 1000}]})


def test_the_id_switch_renumbers_only_customers_no_worker_has_touched(client, store):
    other = make_store("Toko B", customer_id_mapping=False)
    db.session.commit()
    for n in range(1, 7):
        send(client, store, "customers", f"e-c{n}", customer={
            "id": f"C-{n}", "name": f"Pelanggan {n}", "customer_code": f"CUST-{n}"})
    send(client, store, "customers", "e-c7", customer={"id": "C-7", "name": "Tanpa Kode"})
    send(client, other, "customers", "e-c1", customer={
        "id": "C-1", "name": "Lain", "customer_code": "LAIN-1"})
    send_order(client, store, "a")
    now = datetime.now(UTC)
    row("CUST-2").claimed_until = now + timedelta(minutes=1)  # a worker is sending it
    row("CUST-3").claimed_until = now - timedelta(minutes=1)  # that worker's claim ran out
    row("CUST-4").outcome_unknown = True  # sent, answer lost: the retry looks its number up
    row("CUST-5").status = Status.FAILED
    row("CUST-6").status = Status.SUCCESS
    store.customer_id_mapping = True
    renumber_pending_customers(store)
    db.session.commit()
    db.session.expire_all()
    assert {n: row(n).accurate_number for n in (
        "CUST-1", "CUST-2", "CUST-3", "CUST-4", "CUST-5", "CUST-6", "Tanpa Kode", "LAIN-1")} \
        == {"CUST-1": "CUST-1", "CUST-2": None, "CUST-3": "CUST-3", "CUST-4": None,
            "CUST-5": None, "CUST-6": None, "Tanpa Kode": None, "LAIN-1": None}
    # Only customers: the order's documents keep their numbers.
    assert row("INV-a", ActivityKind.SALES_INVOICE).accurate_number == "INV-a"
    assert row("INV-a-1").accurate_number == "INV-a-1"
    store.customer_id_mapping = False  # and back
    renumber_pending_customers(store)
    db.session.commit()
    db.session.expire_all()
    assert (row("CUST-1").accurate_number, row("CUST-3").accurate_number) == (None, None)


@freeze_time(NOW)
def test_a_mode_change_replans_only_this_stores_pending_untried_rows(client, store):
    other = make_store("Toko B", sync_times=["12:00"])
    db.session.commit()
    post_event(client, other, "outlets", {"event_id": "o", "outlet": {"id": "OUT-1",
                                                                        "name": "Kemang"}})
    for name in ("a", "b", "c", "d"):
        send_order(client, store, name)
    send_order(client, other, "x")
    now = datetime.now(UTC)
    row("INV-b", ActivityKind.SALES_INVOICE).attempts = 1  # tried: keeps its own retry time
    row("INV-c", ActivityKind.SALES_INVOICE).status = Status.FAILED
    row("INV-d", ActivityKind.SALES_INVOICE).status = Status.SUCCESS
    db.session.commit()
    store.sync_mode = SyncMode.SCHEDULED
    assert replan_pending(store) == 5  # a's two, and the receipts of b, c and d
    db.session.commit()
    db.session.expire_all()
    assert {n: row(n, ActivityKind.SALES_INVOICE).due_at for n in (
        "INV-a", "INV-b", "INV-c", "INV-d", "INV-x")} == {
        "INV-a": AT_NOON, "INV-b": now, "INV-c": now, "INV-d": now, "INV-x": now}
    assert row("INV-a-1").due_at == AT_NOON
    # Back to real time: due at once again.
    store.sync_mode = SyncMode.REALTIME
    assert replan_pending(store) == 5
    db.session.commit()
    assert row("INV-a", ActivityKind.SALES_INVOICE).due_at == now


@freeze_time(NOW)
def test_a_row_already_due_keeps_its_place_in_the_queue(client, store):
    send_order(client, store, "a")
    earlier = datetime.now(UTC) - timedelta(minutes=10)
    invoice = row("INV-a", ActivityKind.SALES_INVOICE)
    invoice.due_at = earlier
    db.session.commit()
    # Still "now" under the settings: not moved behind rows that came later.
    assert replan_pending(store) == 0
    db.session.commit()
    assert row("INV-a", ActivityKind.SALES_INVOICE).due_at == earlier
    # ...while a row due later than now is brought forward.
    invoice.due_at = datetime.now(UTC) + timedelta(minutes=10)
    db.session.commit()
    assert replan_pending(store) == 1
    assert row("INV-a", ActivityKind.SALES_INVOICE).due_at == datetime.now(UTC)


@freeze_time(NOW)
def test_a_switch_to_shift_close_holds_only_what_an_open_shift_took(client, store):
    shift = {"outlet_id": "OUT-1", "opened_at": NOW}
    send(client, store, "shifts/open", "open-1", shift={"id": "SH-1", **shift})
    send(client, store, "shifts/open", "open-2", shift={"id": "SH-2", **shift})
    send_order(client, store, "a", shift_id="SH-1")
    send_order(client, store, "b", shift_id="SH-2")
    send_order(client, store, "c")
    for n, shift_id in ((1, "SH-1"), (2, "SH-2")):
        send(client, store, "deposits", f"e-d{n}", deposit={
            "id": f"d{n}", "outlet_id": "OUT-1", "shift_id": shift_id, "direction": "in",
            "amount": 1000, "deposited_at": NOW})
    send(client, store, "shifts/close", "close-1", shift={"id": "SH-1", "closed_at": NOW,
                                                         **shift})
    store.sync_mode = SyncMode.SHIFT_CLOSE
    assert replan_pending(store) == 3
    db.session.commit()
    now = datetime.now(UTC)
    assert {n: row(n).due_at for n in ("INV-a-1", "DEP-d1", "INV-b-1", "DEP-d2", "INV-c-1")} \
        == {"INV-a-1": now, "DEP-d1": now, "INV-b-1": None, "DEP-d2": None, "INV-c-1": now}
    assert row("INV-b", ActivityKind.SALES_INVOICE).due_at is None
    assert row("INV-a", ActivityKind.SALES_INVOICE).due_at == now


@freeze_time(NOW)
def test_a_shift_close_releases_no_row_that_already_failed_or_went(client, store):
    store.sync_mode = SyncMode.SHIFT_CLOSE
    db.session.commit()
    shift = {"id": "SH-1", "outlet_id": "OUT-1", "opened_at": NOW}
    send(client, store, "shifts/open", "open-1", shift=shift)
    for name in ("a", "b", "c"):
        send_order(client, store, name, shift_id="SH-1")
    failed = row("INV-a", ActivityKind.SALES_INVOICE)
    failed.status = Status.FAILED  # refreshed by a person and failed again: no due time
    row("INV-b", ActivityKind.SALES_INVOICE).status = Status.SUCCESS
    db.session.commit()
    answer = post_event(client, store, "shifts/close", {"event_id": "close-1", "shift": {
        **shift, "closed_at": NOW}})
    released = set(answer.get_json()["activities"])
    assert released == {row(n).id for n in ("INV-a-1", "INV-b-1", "INV-c-1")} | {
        row("INV-c", ActivityKind.SALES_INVOICE).id}
    db.session.expire_all()
    assert row("INV-a", ActivityKind.SALES_INVOICE).due_at is None


@freeze_time(NOW)
def test_closing_the_later_shift_first_keeps_the_earlier_shifts_deposits_held(client, store):
    store.sync_mode = SyncMode.SHIFT_CLOSE
    db.session.commit()
    shift = {"outlet_id": "OUT-1", "opened_at": NOW}
    for n in (1, 2):
        send(client, store, "shifts/open", f"open-{n}", shift={"id": f"SH-{n}", **shift})
        send(client, store, "deposits", f"e-d{n}", deposit={
            "id": f"d{n}", "outlet_id": "OUT-1", "shift_id": f"SH-{n}", "direction": "out",
            "amount": 1000, "deposited_at": NOW})
    send(client, store, "shifts/close", "close-2", shift={"id": "SH-2", "closed_at": NOW,
                                                         **shift})
    db.session.expire_all()
    assert (row("DEP-d1").due_at, row("DEP-d2").due_at) == (None, datetime.now(UTC))


def move_record(table: str, source_kind: str, old_id: int, new_id: int) -> None:
    """Give a deposit's or payment's record (and its activity's source) the id `new_id`: ids
    count per table, so an order, a payment and a deposit share ids in any real store. A
    record already holding `new_id` moves out of its way first."""
    from sqlalchemy import text

    if old_id == new_id:
        return
    taken = db.session.scalar(text(f"SELECT id FROM {table} WHERE id = :id"),  # noqa: S608
                              {"id": new_id})
    if taken is not None:
        move_record(table, source_kind, new_id, free_id(table))
    db.session.execute(text(f"UPDATE {table} SET id = :new WHERE id = :old"),  # noqa: S608
                       {"new": new_id, "old": old_id})
    db.session.execute(text("UPDATE sync_activity SET source_id = :new "
                            "WHERE source_kind = :kind AND source_id = :old"),
                       {"new": new_id, "old": old_id, "kind": source_kind})
    db.session.commit()
    db.session.expire_all()


def free_id(table: str) -> int:
    from sqlalchemy import text

    return db.session.scalar(text(f"SELECT coalesce(max(id), 0) + 1000 FROM {table}"))  # noqa: S608


def move_deposit(number: str, new_id: int) -> None:
    move_record("deposit", "deposit", row(f"DEP-{number}").source_id, new_id)


def move_payment(number: str, new_id: int) -> None:
    move_record("sales_payment", "sales_payment", row(number).source_id, new_id)


@freeze_time(NOW)
def test_closing_a_shift_releases_its_own_rows_when_ids_meet_across_tables(client, store):
    store.sync_mode = SyncMode.SHIFT_CLOSE
    db.session.commit()
    shift = {"outlet_id": "OUT-1", "opened_at": NOW}
    for n, name in ((1, "a"), (2, "b")):
        send(client, store, "shifts/open", f"open-{n}", shift={"id": f"SH-{n}", **shift})
        send_order(client, store, name, shift_id=f"SH-{n}")
        send(client, store, "deposits", f"e-d{n}", deposit={
            "id": f"d{n}", "outlet_id": "OUT-1", "shift_id": f"SH-{n}", "direction": "out",
            "amount": 1000, "deposited_at": NOW})
    # The closing shift's deposit shares its id with the open shift's payment, and the open
    # shift's deposit with the closing shift's payment.
    move_deposit("d2", row("INV-a-1").source_id)
    move_deposit("d1", row("INV-b-1").source_id)
    answer = post_event(client, store, "shifts/close", {"event_id": "close-1", "shift": {
        "id": "SH-1", "closed_at": NOW, **shift}})
    assert set(answer.get_json()["activities"]) == {
        row("INV-a", ActivityKind.SALES_INVOICE).id, row("INV-a-1").id, row("DEP-d1").id}
    db.session.expire_all()
    assert (row("INV-b", ActivityKind.SALES_INVOICE).due_at, row("INV-b-1").due_at,
            row("DEP-d2").due_at) == (None, None, None)


@freeze_time(NOW)
def test_a_switch_to_shift_close_finds_each_rows_own_shift_when_ids_meet(client, store):
    shift = {"id": "SH-1", "outlet_id": "OUT-1", "opened_at": NOW}
    send(client, store, "shifts/open", "open-1", shift=shift)
    send_order(client, store, "c")  # outside any shift
    send(client, store, "deposits", "e-d1", deposit={
        "id": "d1", "outlet_id": "OUT-1", "shift_id": "SH-1", "direction": "in",
        "amount": 1000, "deposited_at": NOW})
    move_deposit("d1", row("INV-c", ActivityKind.SALES_INVOICE).source_id)
    store.sync_mode = SyncMode.SHIFT_CLOSE
    replan_pending(store)
    db.session.commit()
    # The order took no shift: it goes now; the deposit with its id waits for its shift.
    assert row("INV-c", ActivityKind.SALES_INVOICE).due_at == datetime.now(UTC)
    assert row("DEP-d1").due_at is None


def test_a_mode_change_leaves_a_store_made_earlier_alone(client):
    earlier = make_store("Toko Lama", sync_times=["12:00"])
    db.session.commit()
    post_event(client, earlier, "outlets", {"event_id": "o", "outlet": {"id": "OUT-1",
                                                                          "name": "Kemang"}})
    later = make_store("Toko Baru", sync_times=["12:00"])
    db.session.commit()
    post_event(client, later, "outlets", {"event_id": "o", "outlet": {"id": "OUT-1",
                                                                        "name": "Kemang"}})
    send_order(client, earlier, "x")
    before = row("INV-x", ActivityKind.SALES_INVOICE).due_at
    later.sync_mode = SyncMode.SCHEDULED
    replan_pending(later)
    db.session.commit()
    db.session.expire_all()
    assert row("INV-x", ActivityKind.SALES_INVOICE).due_at == before


def open_shift(client, store, n: int) -> dict:
    shift = {"id": f"SH-{n}", "outlet_id": "OUT-1", "opened_at": NOW}
    send(client, store, "shifts/open", f"open-{n}", shift=shift)
    return shift


def deposit_in(client, store, name: str, shift_id: str) -> None:
    send(client, store, "deposits", f"e-{name}", deposit={
        "id": name, "outlet_id": "OUT-1", "shift_id": shift_id, "direction": "in",
        "amount": 1000, "deposited_at": NOW})


@freeze_time(NOW)
def test_a_switch_to_shift_close_holds_what_an_open_shift_took_whatever_ids_it_shares(
        client, store):
    open_shift(client, store, 1)  # stays open
    closed = open_shift(client, store, 2)
    send_order(client, store, "e", shift_id="SH-2")
    send_order(client, store, "f", shift_id="SH-1")
    deposit_in(client, store, "d1", "SH-1")
    deposit_in(client, store, "d2", "SH-1")
    send(client, store, "shifts/close", "close-2", shift={**closed, "closed_at": NOW})
    order_e = row("INV-e", ActivityKind.SALES_INVOICE).source_id
    # The open shift's records share ids with the closed shift's: a deposit with its order,
    # another with its payment, a payment with its order (the closed shift's payment moved
    # out of the way first, so no two of these ids are one).
    move_payment("INV-e-1", free_id("sales_payment") + free_id("deposit") + order_e)
    move_deposit("d1", order_e)
    move_deposit("d2", row("INV-e-1").source_id)
    move_payment("INV-f-1", order_e)
    store.sync_mode = SyncMode.SHIFT_CLOSE
    replan_pending(store)
    db.session.commit()
    db.session.expire_all()
    assert (row("DEP-d1").due_at, row("DEP-d2").due_at, row("INV-f-1").due_at) == (
        None, None, None)
    assert row("INV-e-1").due_at == datetime.now(UTC)


@freeze_time(NOW)
def test_closing_a_shift_releases_none_of_another_shifts_rows_sharing_its_order_id(
        client, store):
    store.sync_mode = SyncMode.SHIFT_CLOSE
    db.session.commit()
    closing = open_shift(client, store, 1)
    open_shift(client, store, 2)
    send_order(client, store, "a", shift_id="SH-1")
    send_order(client, store, "b", shift_id="SH-2")
    deposit_in(client, store, "d2", "SH-2")
    order_a = row("INV-a", ActivityKind.SALES_INVOICE).source_id
    move_deposit("d2", order_a)
    move_payment("INV-b-1", order_a)
    send(client, store, "shifts/close", "close-1", shift={**closing, "closed_at": NOW})
    db.session.expire_all()
    assert (row("DEP-d2").due_at, row("INV-b-1").due_at) == (None, None)
    assert row("INV-a-1").due_at == datetime.now(UTC)


@freeze_time(NOW)
def test_closing_the_later_shift_first_keeps_the_earlier_shifts_orders_held(client, store):
    store.sync_mode = SyncMode.SHIFT_CLOSE
    db.session.commit()
    open_shift(client, store, 1)
    later = open_shift(client, store, 2)
    send_order(client, store, "a", shift_id="SH-1")
    send_order(client, store, "b", shift_id="SH-2")
    send(client, store, "shifts/close", "close-2", shift={**later, "closed_at": NOW})
    db.session.expire_all()
    assert row("INV-a", ActivityKind.SALES_INVOICE).due_at is None
    assert row("INV-b", ActivityKind.SALES_INVOICE).due_at == datetime.now(UTC)


def test_the_id_switch_leaves_a_store_made_earlier_alone(client):
    earlier = make_store("Toko Lama", customer_id_mapping=False)
    later = make_store("Toko Baru", customer_id_mapping=False)
    db.session.commit()
    send(client, earlier, "customers", "e-c1", customer={
        "id": "C-1", "name": "Lama", "customer_code": "LAMA-1"})
    later.customer_id_mapping = True
    renumber_pending_customers(later)
    db.session.commit()
    db.session.expire_all()
    assert row("LAMA-1").accurate_number is None


def test_a_second_replan_with_nothing_changed_changes_nothing(client, store):
    for name in ("a", "b"):
        send_order(client, store, name)
    store.sync_mode = SyncMode.SCHEDULED
    assert replan_pending(store) == 4
    db.session.commit()
    assert replan_pending(store) == 0


@freeze_time(NOW)
def test_an_open_shifts_deposit_stays_held_beside_earlier_closed_shifts(client, store):
    for n in (1, 2, 3):
        closed = open_shift(client, store, n)
        deposit_in(client, store, f"d{n}", f"SH-{n}")
        send(client, store, "shifts/close", f"close-{n}", shift={**closed, "closed_at": NOW})
    open_shift(client, store, 4)
    deposit_in(client, store, "d4", "SH-4")
    store.sync_mode = SyncMode.SHIFT_CLOSE
    replan_pending(store)
    db.session.commit()
    db.session.expire_all()
    assert row("DEP-d4").due_at is None
    assert {row(f"DEP-d{n}").due_at for n in (1, 2, 3)} == {datetime.now(UTC)}
