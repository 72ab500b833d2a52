"""The inbound API's boundary (#15, finding 7): a schema-valid event is stored or refused with
a 4xx JSON body, never a 500, and a refused or failed request can be sent again as it was."""

import json
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, func, insert, select
from sqlalchemy.exc import OperationalError

from isacc.extensions import db
from isacc.inbound import signing
from isacc.models import InboundEvent, Outlet, SalesOrder, SyncActivity, Transfer
from tests.conftest import make_store, post_event

T0 = "2026-11-24T10:15:00+07:00"
LINE = {"sku": "K-1", "quantity": 1}


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def order(number="INV-1", **extra):
    return {"id": f"o-{number}", "number": number, "outlet_id": "OUT-1", "ordered_at": T0,
            "lines": [{"sku": "K-1", "name": "Kopi", "quantity": 2, "unit_price": 25000}],
            "payments": [{"method": "cash", "amount": 50000}], **extra}


@pytest.fixture
def store(app):
    store = make_store("Toko A", iseller_id="shop-a")
    db.session.commit()
    return store


def send_outlet(client, store, event_id="e-outlet", **outlet):
    return post_event(client, store, "outlets", {"event_id": event_id, "outlet": {
        "id": "OUT-1", "name": "Kemang", "payment_methods": ["cash"], **outlet}})


@pytest.fixture
def outlet(client, store):
    assert send_outlet(client, store).status_code == 202
    return "OUT-1"


def problems_of(answer) -> dict:
    body = answer.get_json()
    assert isinstance(body, dict) and body["error"], body
    return {p["field"]: p["message"] for p in body.get("problems", [])}


def signed(store, payload) -> tuple[bytes, dict]:
    body = json.dumps(payload).encode()
    return body, signing.signed_headers(store, body)


# ---- numbers used twice ----------------------------------------------------------------------

STOCK_EVENTS = {
    "transfers": ("transfer", {"from_outlet_id": "OUT-1", "to_warehouse_name": "Gudang",
                               "sent_at": T0, "lines": [LINE]}),
    "stock-opnames": ("stock_opname", {"outlet_id": "OUT-1", "counted_at": T0, "lines": [
        {"sku": "K-1", "system_quantity": 5, "counted_quantity": 4}]}),
    "stock-adjustments": ("stock_adjustment", {"outlet_id": "OUT-1", "adjusted_at": T0,
                                               "lines": [{"sku": "K-1",
                                                          "quantity_change": -1}]}),
}


@pytest.mark.parametrize("path", sorted(STOCK_EVENTS))
def test_a_number_used_by_another_transfer_opname_or_adjustment_is_refused_naming_it(
        client, store, outlet, path):
    key, fields = STOCK_EVENTS[path]
    first = post_event(client, store, path, {"event_id": "e-1", key: {
        "id": "first", "number": "0001", **fields}})
    assert first.status_code == 202, first.get_json()
    again = post_event(client, store, path, {"event_id": "e-2", key: {
        "id": "second", "number": "0001", **fields}})
    assert again.status_code == 422
    assert "0001 is already used" in problems_of(again)[f"{key}.number"]
    assert count(InboundEvent) == 2  # the outlet's and the first one's


def test_a_transfer_number_taken_at_the_same_moment_is_refused_not_a_500(client, store,
                                                                           outlet, app):
    """Another event stores a transfer with the same number between this one's look and its
    insert: the unique key catches it, and the answer is the same 422."""
    store_id, outlet_id = store.id, db.session.scalar(select(Outlet.id))
    done = []

    def competitor_first(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("INSERT INTO transfer ") and not done:
            done.append(True)

            def rival():  # its own connection and transaction, committed before ours goes on
                with app.app_context(), db.engine.begin() as other:
                    other.execute(insert(Transfer).values(
                        store_id=store_id, iseller_id="rival", number="TR-9",
                        from_outlet_id=outlet_id, to_warehouse_name="Gudang",
                        sent_at=datetime(2026, 11, 24, 3, 15, tzinfo=UTC)))
            thread = threading.Thread(target=rival)
            thread.start()
            thread.join(timeout=30)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", competitor_first)
    try:
        answer = post_event(client, store, "transfers", {"event_id": "e-1", "transfer": {
            "id": "mine", "number": "TR-9", **STOCK_EVENTS["transfers"][1]}})
    finally:
        with app.app_context():
            event.remove(db.engine, "before_cursor_execute", competitor_first)
    assert done
    assert answer.status_code == 422, answer.get_data(as_text=True)
    assert "TR-9 is already used" in problems_of(answer)["transfer.number"]


# ---- every value fits where isacc keeps it ---------------------------------------------------

def test_a_deposit_id_too_long_for_its_document_number_is_refused(client, store, outlet):
    deposit = {"outlet_id": "OUT-1", "direction": "in", "amount": 1000, "deposited_at": T0}
    long = post_event(client, store, "deposits", {"event_id": "e-1", "deposit": {
        "id": "d" * 61, **deposit}})
    assert long.status_code == 422
    assert "deposit.id" in problems_of(long)
    fits = post_event(client, store, "deposits", {"event_id": "e-2", "deposit": {
        "id": "d" * 60, **deposit}})
    assert fits.status_code == 202, fits.get_json()
    assert db.session.scalar(select(SyncActivity.accurate_number)) == "DEP-" + "d" * 60


def test_an_outlet_name_longer_than_isacc_keeps_is_refused(client, store):
    answer = send_outlet(client, store, name="K" * 121)
    assert answer.status_code == 422 and "outlet.name" in problems_of(answer)
    assert send_outlet(client, store, name="K" * 120).status_code == 202


def test_a_customer_known_only_by_a_long_name_is_stored_with_a_label_that_fits(client, store):
    answer = post_event(client, store, "customers", {"event_id": "e-1", "customer": {
        "id": "C-1", "name": "Pelanggan " + "a" * 190}})
    assert answer.status_code == 202, answer.get_json()
    label = db.session.scalar(select(SyncActivity.source_number))
    assert label.startswith("Pelanggan aaa") and len(label) <= 64


@pytest.mark.parametrize("text", ["Ke\u0000mang", "Ke\ud800mang"])
def test_text_with_a_nul_or_a_lone_surrogate_is_refused(client, store, text):
    answer = send_outlet(client, store, name=text)
    assert answer.status_code in (400, 422), answer.get_data(as_text=True)
    assert answer.get_json()["error"]
    assert count(Outlet) == 0


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+07:00", "9999-12-31T23:59:59-07:00",
                                    "1999-12-31T23:59:59+00:00", "2100-01-01T00:00:01+00:00"])
def test_moments_outside_2000_to_2100_are_refused(client, store, outlet, moment):
    answer = post_event(client, store, "sales-orders", {"event_id": "e-1",
                                                        "order": order(ordered_at=moment)})
    assert answer.status_code == 422
    assert "order.ordered_at" in problems_of(answer)


def test_amounts_beyond_what_accurate_keeps_are_refused(client, store, outlet):
    huge = order(payments=[])
    huge["lines"][0].update(quantity="99999999999999", unit_price="9999999999999999")
    answer = post_event(client, store, "sales-orders", {"event_id": "e-1", "order": huge})
    assert answer.status_code == 422, answer.get_data(as_text=True)
    assert count(SalesOrder) == 0


# ---- a signature is used up only by the event it stored ----------------------------------------

def test_an_event_refused_for_an_unknown_outlet_is_accepted_when_sent_again_as_it_was(
        client, store):
    body, headers = signed(store, {"event_id": "e-1", "order": order()})
    early = client.post("/api/v1/sales-orders", data=body, headers=headers)
    assert early.status_code == 422
    assert send_outlet(client, store).status_code == 202
    again = client.post("/api/v1/sales-orders", data=body, headers=headers)
    assert again.status_code == 202, again.get_json()
    replay = client.post("/api/v1/sales-orders", data=body, headers=headers)
    assert replay.status_code == 401 and "replay" in replay.get_json()["error"]


def test_an_event_lost_to_a_database_failure_is_accepted_when_sent_again_as_it_was(
        client, store, outlet, app):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer the 500 as in production

    def fail(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("INSERT INTO inbound_event"):
            raise OperationalError(statement, parameters, Exception("the database went away"))

    body, headers = signed(store, {"event_id": "e-1", "order": order()})
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", fail)
    try:
        lost = client.post("/api/v1/sales-orders", data=body, headers=headers)
    finally:
        with app.app_context():
            event.remove(db.engine, "before_cursor_execute", fail)
    assert lost.status_code == 500
    assert count(SalesOrder) == 0
    again = client.post("/api/v1/sales-orders", data=body, headers=headers)
    assert again.status_code == 202, again.get_json()
    assert count(SalesOrder) == 1


# ---- the same event id is the same event -------------------------------------------------------

def test_the_same_event_id_with_another_body_is_a_conflict(client, store, outlet):
    assert post_event(client, store, "sales-orders",
                      {"event_id": "e-1", "order": order()}).status_code == 202
    # The same event re-sent with its keys in another order is the same body.
    same = {"order": order(), "event_id": "e-1"}
    repeated = post_event(client, store, "sales-orders", same)
    assert repeated.status_code == 200 and repeated.get_json()["status"] == "duplicate"
    other = post_event(client, store, "sales-orders", {"event_id": "e-1",
                                                       "order": order("INV-2")})
    assert other.status_code == 409
    assert "e-1" in other.get_json()["error"]
    assert count(SalesOrder) == 1
