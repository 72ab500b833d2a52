"""Exactly once against races and odd answers: the holes an outside review found (#15), each
pinned by the behaviour that must hold, against the real sandbox and the real Redis."""

import threading
import time

import pytest
from flask import current_app

from isacc.accurate.client import AccurateClient
from isacc.extensions import db
from isacc.models import Status, SyncActivity
from isacc.sync import engine, lanes, plan
from isacc.sync.engine import run_lane
from isacc.sync.refresh import refresh
from tests.sync.conftest import T0


def _lane(shop, activity_id):
    row = shop.activity(activity_id)
    return row.store_id, row.outlet_id


def _skip_backoff(shop, *ids):
    for activity_id in ids:
        row = shop.activity(activity_id)
        if row.status == Status.PENDING:
            row.due_at = row.created_at
    db.session.commit()


def _person_saves(shop, module, record):
    """A document entered in Accurate by a person, not by isacc."""
    return shop.accurate.save(module, record)


# ---- 1. only what is provably ours is adopted ------------------------------------------------

def test_an_opname_and_an_adjustment_with_the_same_number_are_two_documents(shop):
    [adjustment_id] = shop.send("stock-adjustments", stock_adjustment={
        "id": "a-1", "number": "0001", "outlet_id": "OUT-1", "adjusted_at": T0,
        "lines": [{"sku": "R-1", "quantity_change": -2}]})
    [opname_id] = shop.send("stock-opnames", stock_opname={
        "id": "s-1", "number": "0001", "outlet_id": "OUT-1",
        "counted_at": "2026-11-24T20:00:00+07:00",
        "lines": [{"sku": "K-1", "system_quantity": 100, "counted_quantity": 90}]})
    shop.drain()
    adjustment, opname = shop.activity(adjustment_id), shop.activity(opname_id)
    assert (adjustment.status, opname.status) == (Status.SUCCESS, Status.SUCCESS)
    assert adjustment.accurate_id != opname.accurate_id
    assert adjustment.accurate_number != opname.accurate_number
    counted = shop.accurate.detail("item-adjustment", number=opname.accurate_number)
    assert [(d["itemNo"], d["quantity"]) for d in counted["detailItem"]] == [("K-1", 10)]
    stock = {w["name"]: w["balance"]
             for w in shop.accurate.detail("item", no="K-1")["detailWarehouseData"]}
    assert stock["Gudang Kemang"] == 100000 - 10  # the opname's quantities arrived


def test_a_document_a_person_made_under_the_number_is_not_taken_over(shop):
    person = _person_saves(shop, "sales-invoice", {
        "number": "P-1", "transDate": "24/11/2026", "customerNo": "WALKIN",
        "branchName": "Jakarta", "description": "typed in Accurate by the owner",
        "detailItem": [{"itemNo": "R-1", "quantity": 1, "unitPrice": 999,
                        "warehouseName": "Gudang Kemang"}]})
    [invoice_id, receipt_id] = shop.order("P-1")
    shop.drain()
    invoice = shop.activity(invoice_id)
    assert invoice.status == Status.FAILED
    assert "Accurate already has a document numbered P-1 that isacc did not make" in \
        invoice.reason
    assert invoice.next_step and invoice.accurate_id is None
    assert shop.activity(receipt_id).status == Status.PENDING  # waits for its invoice
    kept = shop.accurate.detail("sales-invoice", number="P-1")
    assert kept["id"] == person["id"] and kept["description"] == "typed in Accurate by the owner"


def test_a_retry_with_an_unknown_outcome_does_not_adopt_a_persons_document(shop):
    [invoice_id, _] = shop.order("P-2")
    shop.sandbox.admin("faults", {"drop_rate": 1.0})  # never saved, but isacc cannot know
    shop.drain(rounds=1)
    shop.sandbox.admin("faults", {})
    assert shop.activity(invoice_id).status == Status.PENDING
    _person_saves(shop, "sales-invoice", {
        "number": "P-2", "transDate": "24/11/2026", "customerNo": "WALKIN",
        "branchName": "Jakarta", "detailItem": [
            {"itemNo": "R-1", "quantity": 1, "unitPrice": 5, "warehouseName": "Gudang Kemang"}]})
    _skip_backoff(shop, invoice_id)
    shop.drain()
    invoice = shop.activity(invoice_id)
    assert invoice.status == Status.FAILED and invoice.accurate_id is None
    assert "that isacc did not make" in invoice.reason


# ---- 2. every error lands in exactly one outcome ----------------------------------------------

def test_a_whole_batch_refused_for_a_missing_scope_waits_for_the_owner(shop):
    # Accurate refuses although the owner approved everything (say, a permission withdrawn
    # in Accurate since): a 403 for the whole bulk-save.
    ids = [shop.order(f"S-{n}", payments=[])[0] for n in range(3)]
    shop.sandbox.admin("faults", {"refuse_module": "sales-invoice", "refuse_status": 403,
                                  "refuse_count": 1})
    run_lane(*_lane(shop, ids[0]))  # must not raise
    for activity_id in ids:
        row = shop.activity(activity_id)
        assert row.status == Status.PENDING and row.claimed_by is None
        assert "does not cover" in row.reason and row.next_step
        assert row.attempts == 0  # waiting for the owner is no attempt
        assert row.due_at is not None


def test_a_single_document_waits_too_when_accurate_needs_a_reconnect(shop):
    [invoice_id] = shop.order("R-0", payments=[])
    shop.sandbox.admin("revoke", {})
    shop.sandbox.admin("expire-tokens", {})
    run_lane(*_lane(shop, invoice_id))
    row = shop.activity(invoice_id)
    assert row.status == Status.PENDING and "Reconnect Accurate" in row.next_step
    assert row.attempts == 0


# ---- 5. a claim or lock that outlives its batch ----------------------------------------------

def _in_thread(app, target, *args, **kwargs):
    errors = []

    def run():
        with app.app_context():
            try:
                target(*args, **kwargs)
            except BaseException as error:  # noqa: BLE001 - reported to the test
                errors.append(error)
            finally:
                db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


def test_a_batch_that_outlasts_its_claim_is_not_sent_twice(shop, app):
    app.config.update(CLAIM_SECONDS=1, LANE_LOCK_SECONDS=1)
    current_app.config.update(CLAIM_SECONDS=1, LANE_LOCK_SECONDS=1)
    shop.store.customer_id_mapping = False  # Accurate numbers it: no number to look up
    db.session.commit()
    [customer_id] = shop.send("customers", customer={"id": "C-slow", "name": "Lambat"})
    lane = _lane(shop, customer_id)
    shop.sandbox.admin("faults", {"slow_rate": 1.0, "slow_seconds": 2.5})
    first, errors = _in_thread(app, run_lane, *lane, worker="worker-a")
    time.sleep(0.4)
    shop.sandbox.admin("faults", {})  # only worker A's call is slow
    time.sleep(1.2)  # past its first claim
    with app.app_context():
        run_lane(*lane, worker="worker-b")
        db.session.remove()
    first.join(timeout=30)
    shop.sandbox.admin("faults", {})
    assert not errors
    named = [r for r in shop.accurate.list("customer", fields="name") if r["name"] == "Lambat"]
    assert len(named) == 1
    assert shop.activity(customer_id).status == Status.SUCCESS


def test_a_worker_whose_claim_was_taken_writes_no_outcome(shop, app):
    [invoice_id] = shop.order("CL-1", payments=[])
    lane = _lane(shop, invoice_id)
    shop.sandbox.admin("faults", {"slow_rate": 1.0, "slow_seconds": 1.5})
    first, errors = _in_thread(app, run_lane, *lane, worker="worker-a")
    time.sleep(0.7)
    # Another worker took the row meanwhile (as after a claim lapsed).
    db.session.execute(db.update(SyncActivity).where(SyncActivity.id == invoice_id)
                       .values(claimed_by="worker-b"))
    db.session.commit()
    first.join(timeout=30)
    shop.sandbox.admin("faults", {})
    assert not errors
    row = shop.activity(invoice_id)
    assert row.claimed_by == "worker-b" and row.status == Status.PENDING


def test_a_worker_that_lost_its_lane_lock_stops_cleanly(shop, app, redis_client):
    app.config.update(LANE_LOCK_SECONDS=1)
    [invoice_id] = shop.order("LK-1", payments=[])
    store_id, outlet_id = _lane(shop, invoice_id)
    shop.sandbox.admin("faults", {"slow_rate": 1.0, "slow_seconds": 2.5})
    first, errors = _in_thread(app, lanes.work_lane, store_id, outlet_id)
    time.sleep(0.8)
    redis_client.delete(f"isacc:lane:{store_id}:{outlet_id}:lock")  # lost, as after expiry
    first.join(timeout=30)
    shop.sandbox.admin("faults", {})
    assert not errors, errors
    assert shop.activity(invoice_id).status == Status.SUCCESS


def test_a_worker_name_is_unique_even_where_host_and_pid_repeat(monkeypatch):
    monkeypatch.setattr(engine.socket, "gethostname", lambda: "container")
    monkeypatch.setattr(engine.os, "getpid", lambda: 1)
    first = engine.worker_name()
    monkeypatch.setattr(engine, "_names", {})  # what a new process starts with
    assert engine.worker_name() != first
    assert first.startswith("container:1:")


# ---- 6. money adds up to the rupiah ----------------------------------------------------------

@pytest.mark.parametrize(("quantity", "price", "tax"), [(7, 1000, 100), (3, 1000, 1000)])
def test_line_tax_keeps_the_invoice_equal_to_the_till(shop, quantity, price, tax):
    total = quantity * price + tax
    [invoice_id, receipt_id] = shop.send("sales-orders", order={
        "id": f"o-tax-{quantity}", "number": f"TAX-{quantity}", "outlet_id": "OUT-1",
        "ordered_at": T0, "lines": [{"sku": "K-1", "name": "Kopi", "quantity": quantity,
                                     "unit_price": price, "tax": tax}],
        "payments": [{"method": "cash", "amount": total}]})
    shop.drain()
    assert shop.activity(invoice_id).status == Status.SUCCESS
    assert shop.activity(receipt_id).status == Status.SUCCESS, shop.activity(receipt_id).reason
    saved = shop.accurate.detail("sales-invoice", number=f"TAX-{quantity}")
    assert saved["totalAmount"] == total and saved["outstanding"] == 0
    for line in saved["detailItem"]:
        assert line["unitPrice"] == int(line["unitPrice"])  # no fraction of a rupiah


# ---- 9. a refresh starts a fresh retry budget --------------------------------------------------

def test_a_refresh_starts_a_fresh_retry_budget(shop, app):
    app.config.update(RETRY_ATTEMPTS=2)
    current_app.config.update(RETRY_ATTEMPTS=2)
    [invoice_id] = shop.order("BUD-1", payments=[])
    shop.sandbox.admin("faults", {"error_rate": 1.0, "status": 503})
    for _ in range(3):
        _skip_backoff(shop, invoice_id)
        run_lane(*_lane(shop, invoice_id))
    assert shop.activity(invoice_id).status == Status.FAILED
    refresh(shop.store, [invoice_id])
    db.session.commit()
    run_lane(*_lane(shop, invoice_id))  # Accurate still failing: one more retry, not Failed
    row = shop.activity(invoice_id)
    assert row.status == Status.PENDING, row.reason
    shop.sandbox.admin("faults", {})
    _skip_backoff(shop, invoice_id)
    run_lane(*_lane(shop, invoice_id))
    assert shop.activity(invoice_id).status == Status.SUCCESS
    numbers = [r["number"] for r in shop.accurate.list("sales-invoice", fields="number")]
    assert numbers.count("BUD-1") == 1


# ---- 10. a 429 while settling a refusal loses nothing ----------------------------------------

def test_a_429_during_the_duplicate_look_up_keeps_the_batch_successes(shop, monkeypatch):
    _person_saves(shop, "sales-invoice", {
        "number": "LU-1", "transDate": "24/11/2026", "customerNo": "WALKIN",
        "branchName": "Jakarta", "detailItem": [
            {"itemNo": "R-1", "quantity": 1, "unitPrice": 5, "warehouseName": "Gudang Kemang"}]})
    first = shop.order("LU-1", payments=[])[0]
    second = shop.order("LU-2", payments=[])[0]
    real_call = AccurateClient.call
    sandbox = shop.sandbox

    def slow_down_look_ups(self, module, action, **kwargs):
        if action == "list":  # Accurate answers this one with a 429
            sandbox.admin("faults", {"error_rate": 1.0, "status": 429})
            try:
                return real_call(self, module, action, **kwargs)
            finally:
                sandbox.admin("faults", {})
        return real_call(self, module, action, **kwargs)

    monkeypatch.setattr(AccurateClient, "call", slow_down_look_ups)
    run_lane(*_lane(shop, first))  # must not raise
    monkeypatch.setattr(AccurateClient, "call", real_call)
    saved = shop.activity(second)
    assert saved.status == Status.SUCCESS and saved.accurate_id  # recorded, not dropped
    waiting = shop.activity(first)
    assert waiting.status == Status.PENDING and waiting.claimed_by is None
    _skip_backoff(shop, first)
    shop.drain()
    assert "that isacc did not make" in shop.activity(first).reason


# ---- 11. oldest first across kinds, where stock depends on it --------------------------------

def test_stock_documents_of_an_outlet_go_in_source_order_across_kinds(shop, monkeypatch):
    shop.send("sales-orders", order={
        "id": "o-early", "number": "ORD-1000", "outlet_id": "OUT-1",
        "ordered_at": "2026-11-24T10:00:00+07:00", "payments": [],
        "lines": [{"sku": "K-1", "name": "Kopi", "quantity": 1, "unit_price": 1000}]})
    shop.send("sales-orders", order={
        "id": "o-late", "number": "ORD-1010", "outlet_id": "OUT-1",
        "ordered_at": "2026-11-24T10:10:00+07:00", "payments": [],
        "lines": [{"sku": "K-1", "name": "Kopi", "quantity": 1, "unit_price": 1000}]})
    shop.send("stock-adjustments", stock_adjustment={
        "id": "a-mid", "number": "ADJ-1005", "outlet_id": "OUT-1",
        "adjusted_at": "2026-11-24T10:05:00+07:00",
        "lines": [{"sku": "K-1", "quantity_change": -1}]})
    sent = []
    real_call = AccurateClient.call

    def record(self, module, action, **kwargs):
        if action in ("save", "bulk-save"):
            records = kwargs["body"].get("data") or [kwargs["body"]]
            sent.extend(r.get("number") for r in records)
        return real_call(self, module, action, **kwargs)

    monkeypatch.setattr(AccurateClient, "call", record)
    shop.drain()
    assert sent == ["ORD-1000", plan.adjustment_number("ADJ-1005"), "ORD-1010"]
