"""The signed inbound API: what it stores, what it refuses, and that a refusal stores nothing."""

import hashlib
import hmac
import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from isacc.extensions import db
from isacc.inbound import signing
from isacc.models import (
    ActivityKind,
    Customer,
    InboundEvent,
    Outlet,
    Product,
    SalesOrder,
    Status,
    SyncActivity,
)
from tests.conftest import make_store, post_event

T0 = "2026-11-24T10:15:00+07:00"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def store(app):
    store = make_store("Toko A", iseller_id="shop-a")
    db.session.commit()
    return store


@pytest.fixture
def outlet(client, store):
    answer = post_event(client, store, "outlets", {
        "event_id": "e-outlet", "outlet": {"id": "OUT-1", "name": "Kemang",
                                           "payment_methods": ["cash", "isellerpay"]}})
    assert answer.status_code == 202, answer.get_json()
    return "OUT-1"


def order(number="INV-1", **extra):
    return {"id": f"o-{number}", "number": number, "outlet_id": "OUT-1", "ordered_at": T0,
            "lines": [{"sku": "K-1", "name": "Kopi", "quantity": 2, "unit_price": 25000}],
            "payments": [{"method": "cash", "amount": 30000},
                         {"method": "isellerpay", "amount": 20000, "mdr_fee": 140}],
            **extra}


def test_a_sales_order_becomes_an_invoice_and_a_receipt_per_payment(client, store, outlet):
    answer = post_event(client, store, "sales-orders", {"event_id": "e-1", "order": order()})
    assert answer.status_code == 202, answer.get_json()
    activities = db.session.scalars(select(SyncActivity).order_by(SyncActivity.id)).all()
    assert [a.id for a in activities] == answer.get_json()["activities"]
    invoice, cash, isellerpay = activities
    assert (invoice.kind, invoice.accurate_number) == (ActivityKind.SALES_INVOICE, "INV-1")
    assert [(r.kind, r.accurate_number) for r in (cash, isellerpay)] == [
        (ActivityKind.SALES_RECEIPT, "INV-1-1"), (ActivityKind.SALES_RECEIPT, "INV-1-2")]
    assert cash.waits_for_id == invoice.id and isellerpay.waits_for_id == invoice.id
    assert all(a.status == Status.PENDING for a in activities)
    # The iSeller transaction time is kept (it becomes the Accurate date), in UTC.
    assert invoice.source_at == datetime(2026, 11, 24, 3, 15, tzinfo=UTC)
    stored = db.session.scalar(select(SalesOrder))
    assert stored.total == 50000 and stored.payments[1].mdr_fee == 140


def test_the_same_event_twice_is_one_activity(client, store, outlet):
    # iSeller's re-delivery is signed anew (an identical signature would be a replay): its
    # timestamp differs from the first one's even when the clock ticks between the two posts.
    now = int(time.time())
    first = post_event(client, store, "sales-orders", {"event_id": "e-1", "order": order()},
                       timestamp=now)
    again = post_event(client, store, "sales-orders", {"event_id": "e-1", "order": order()},
                       timestamp=now - 1)
    assert first.status_code == 202
    assert again.status_code == 200 and again.get_json()["status"] == "duplicate"
    assert count(SyncActivity) == 3 and count(SalesOrder) == 1


def test_the_same_order_under_a_new_event_id_is_not_sent_twice(client, store, outlet):
    post_event(client, store, "sales-orders", {"event_id": "e-1", "order": order()})
    again = post_event(client, store, "sales-orders", {"event_id": "e-2", "order": order()})
    assert again.get_json()["status"] == "duplicate"
    assert count(SyncActivity) == 3


def test_an_order_waits_for_its_customer_to_reach_accurate(client, store, outlet):
    post_event(client, store, "customers", {"event_id": "e-c", "customer": {
        "id": "C-1", "name": "Andi", "customer_code": "CUST-1"}})
    post_event(client, store, "sales-orders",
               {"event_id": "e-1", "order": order(customer_id="C-1")})
    customer_activity = db.session.scalar(
        select(SyncActivity).where(SyncActivity.kind == ActivityKind.CUSTOMER))
    invoice = db.session.scalar(
        select(SyncActivity).where(SyncActivity.kind == ActivityKind.SALES_INVOICE))
    assert customer_activity.accurate_number == "CUST-1"  # customer-ID mapping is on
    # A customer with a code is shown by it (one without, by its name: the next test).
    assert customer_activity.source_number == "CUST-1"
    assert invoice.waits_for_id == customer_activity.id


@pytest.mark.parametrize(("path", "payload", "kinds"), [
    ("transfers", {"transfer": {"id": "t1", "number": "TR-1", "from_outlet_id": "OUT-1",
                                "to_warehouse_name": "Gudang Pusat", "sent_at": T0,
                                "lines": [{"sku": "K-1", "quantity": 3}]}},
     [ActivityKind.TRANSFER_OUT, ActivityKind.TRANSFER_IN]),
    ("stock-opnames", {"stock_opname": {"id": "s1", "number": "SO-1", "outlet_id": "OUT-1",
                                        "counted_at": T0, "lines": [{
                                            "sku": "K-1", "system_quantity": 5,
                                            "counted_quantity": 4}]}},
     [ActivityKind.STOCK_OPNAME]),
    ("stock-adjustments", {"stock_adjustment": {"id": "a1", "number": "ADJ-1",
                                                "outlet_id": "OUT-1", "adjusted_at": T0,
                                                "lines": [{"sku": "K-1",
                                                           "quantity_change": -1}]}},
     [ActivityKind.STOCK_ADJUSTMENT]),
    ("deposits", {"deposit": {"id": "d1", "outlet_id": "OUT-1", "direction": "out",
                              "amount": 50000, "deposited_at": T0}},
     [ActivityKind.BANK_TRANSFER]),
    ("deposits", {"deposit": {"id": "d1", "outlet_id": "OUT-1", "direction": "out",
                              "purpose": "expense", "amount": 50000, "deposited_at": T0}},
     [ActivityKind.OTHER_PAYMENT]),
    ("deposits", {"deposit": {"id": "d1", "outlet_id": "OUT-1", "direction": "in",
                              "amount": 50000, "deposited_at": T0}},
     [ActivityKind.OTHER_DEPOSIT]),
])
def test_each_stock_and_cash_event_plans_its_documents(client, store, outlet, path, payload,
                                                        kinds):
    answer = post_event(client, store, path, {"event_id": f"e-{path}", **payload})
    assert answer.status_code == 202, answer.get_json()
    activities = db.session.scalars(select(SyncActivity).order_by(SyncActivity.id)).all()
    assert [a.kind for a in activities] == kinds
    if len(activities) == 2:  # a transfer in waits for its transfer out
        assert activities[1].waits_for_id == activities[0].id


def test_products_upsert_with_stock_per_outlet(client, store, outlet):
    payload = {"event_id": "e-p1", "products": [
        {"id": "P1", "name": "Kopi", "sku": "K-1", "price": 25000,
         "stock": [{"outlet_id": "OUT-1", "quantity": 12}]}]}
    assert post_event(client, store, "products", payload).status_code == 202
    payload["event_id"] = "e-p2"
    payload["products"][0]["stock"][0]["quantity"] = 7
    assert post_event(client, store, "products", payload).status_code == 202
    product = db.session.scalar(select(Product))
    assert count(Product) == 1 and product.stock[0].quantity == 7


def test_invalid_fields_are_all_listed_and_nothing_is_stored(client, store, outlet):
    bad = order(number="bad number!", ordered_at="yesterday")
    bad["lines"][0]["quantity"] = 0
    bad["payments"][0]["method"] = ""
    answer = post_event(client, store, "sales-orders", {"event_id": "e-1", "order": bad,
                                                        "extra": 1})
    assert answer.status_code == 422
    fields = {p["field"] for p in answer.get_json()["problems"]}
    assert {"order.number", "order.ordered_at", "order.lines.0.quantity",
            "order.payments.0.method", "extra"} <= fields
    assert count(SalesOrder) == 0 and count(SyncActivity) == 0 and count(InboundEvent) == 1


def test_payments_must_add_up_to_the_total(client, store, outlet):
    bad = order()
    bad["payments"][0]["amount"] = 1000
    answer = post_event(client, store, "sales-orders", {"event_id": "e-1", "order": bad})
    assert answer.status_code == 422
    assert "payments add up to" in json.dumps(answer.get_json())


def test_unknown_outlet_and_customer_are_named_and_nothing_is_stored(client, store, outlet):
    answer = post_event(client, store, "sales-orders", {
        "event_id": "e-1", "order": order(outlet_id="NOPE", customer_id="C-404")})
    assert answer.status_code == 422
    messages = [p["message"] for p in answer.get_json()["problems"]]
    assert any("unknown outlet 'NOPE'" in m for m in messages)
    assert any("unknown customer 'C-404'" in m for m in messages)
    assert count(SalesOrder) == 0 and count(SyncActivity) == 0
    # The refused event id is not burnt: the corrected event goes through.
    fixed = post_event(client, store, "sales-orders", {"event_id": "e-1", "order": order()})
    assert fixed.status_code == 202


def test_malformed_json_is_refused(client, store, outlet):
    body = b'{"event_id": "e-1", "order": '
    headers = signing.signed_headers(store, body)
    answer = client.post("/api/v1/sales-orders", data=body, headers=headers)
    assert answer.status_code == 400 and "not valid JSON" in answer.get_json()["error"]


def test_bad_signature_stale_timestamp_unknown_store_and_replay_are_refused(client, store,
                                                                            outlet):
    payload = {"event_id": "e-1", "order": order()}
    other = make_store("Toko B")
    db.session.commit()
    wrong_key = post_event(client, store, "sales-orders", payload, key_store=other)
    stale = post_event(client, store, "sales-orders", payload,
                       timestamp=int(time.time()) - signing.WINDOW_SECONDS - 5)
    body = json.dumps(payload).encode()
    unknown = client.post("/api/v1/sales-orders", data=body,
                          headers={**signing.signed_headers(store, body),
                                   "X-Isacc-Store": "who"})
    unsigned = client.post("/api/v1/sales-orders", data=body,
                           headers={"X-Isacc-Store": store.iseller_id})
    for answer, words in ((wrong_key, "does not match"), (stale, "seconds from now"),
                          (unknown, "unknown store"), (unsigned, "headers are required")):
        assert answer.status_code == 401 and words in answer.get_json()["error"]
    assert count(SalesOrder) == 0 and count(InboundEvent) == 1  # only the outlet's event

    headers = signing.signed_headers(store, body)
    assert client.post("/api/v1/sales-orders", data=body, headers=headers).status_code == 202
    replay = client.post("/api/v1/sales-orders", data=body, headers=headers)
    assert replay.status_code == 401 and "replay" in replay.get_json()["error"]


def signed_by_hand(store, body: bytes, timestamp: str) -> dict:
    """Headers as an integrator writes them from the documentation, not from isacc's code."""
    mac = hmac.new(store.inbound_key.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return {"X-Isacc-Store": store.iseller_id, "X-Isacc-Timestamp": timestamp,
            "X-Isacc-Signature": f"sha256={mac.hexdigest()}", "Content-Type": "application/json"}


def test_an_event_signed_by_hand_from_the_documentation_is_accepted(client, store, outlet):
    body = json.dumps({"event_id": "e-1", "order": order()}).encode()
    answer = client.post("/api/v1/sales-orders", data=body,
                         headers=signed_by_hand(store, body, str(int(time.time()))))
    assert answer.status_code == 202, answer.get_json()
    assert count(SalesOrder) == 1


@pytest.mark.parametrize("dropped", ["X-Isacc-Timestamp", "X-Isacc-Signature"])
def test_only_one_of_the_two_signing_headers_is_a_401_naming_both(client, store, outlet, dropped):
    body = json.dumps({"event_id": "e-1", "order": order()}).encode()
    headers = signed_by_hand(store, body, str(int(time.time())))
    del headers[dropped]
    answer = client.post("/api/v1/sales-orders", data=body, headers=headers)
    assert answer.status_code == 401
    assert answer.get_json()["error"] == ("X-Isacc-Timestamp and X-Isacc-Signature headers are "
                                          "required")
    assert count(SalesOrder) == 0


@pytest.mark.parametrize("timestamp", ["now", "1790000000.0", "1e9"])
def test_a_timestamp_that_is_not_unix_seconds_is_a_401(client, store, outlet, timestamp):
    body = json.dumps({"event_id": "e-1", "order": order()}).encode()
    headers = signed_by_hand(store, body, str(int(time.time())))
    headers["X-Isacc-Timestamp"] = timestamp
    answer = client.post("/api/v1/sales-orders", data=body, headers=headers)
    assert answer.status_code == 401
    assert answer.get_json()["error"] == "X-Isacc-Timestamp must be Unix seconds"
    assert count(SalesOrder) == 0


def test_a_timestamp_301_seconds_ahead_is_refused(client, store, outlet):
    body = json.dumps({"event_id": "e-1", "order": order()}).encode()
    ahead = str(int(time.time()) + signing.WINDOW_SECONDS + 1)
    answer = client.post("/api/v1/sales-orders", data=body,
                         headers=signed_by_hand(store, body, ahead))
    assert answer.status_code == 401 and "seconds from now" in answer.get_json()["error"]
    assert count(SalesOrder) == 0


def test_a_rotated_key_keeps_working_for_its_grace_period(client, store, outlet):
    old_key_store = make_store("copy", inbound_key=store.inbound_key)
    signing.rotate_key(store)
    db.session.commit()
    payload = {"event_id": "e-1", "order": order()}
    assert post_event(client, store, "sales-orders", payload,
                      key_store=old_key_store).status_code == 202
    store.previous_key_valid_until = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()
    late = post_event(client, store, "sales-orders", {"event_id": "e-2", "order": order("X2")},
                      key_store=old_key_store)
    assert late.status_code == 401


@pytest.mark.parametrize("currency", ["USD", "SGD"])
def test_an_order_in_another_currency_is_refused_naming_it(client, store, outlet, currency):
    # USD 8 booked as Rp 8 would be wrong and silent.
    answer = post_event(client, store, "sales-orders", {
        "event_id": "e-usd", "order": order(currency=currency)})
    assert answer.status_code == 422
    [problem] = answer.get_json()["problems"]
    assert f"currency {currency}" in problem["message"] and "IDR" in problem["message"]
    assert count(SalesOrder) == 0 and count(SyncActivity) == 0
    rupiah = post_event(client, store, "sales-orders", {
        "event_id": "e-idr", "order": order(currency="IDR")})
    assert rupiah.status_code == 202


@pytest.mark.parametrize(("direction", "purpose"), [("in", "bank"), ("in", "expense"),
                                                    ("out", "top_up")])
def test_a_register_cash_movement_is_for_something_its_direction_allows(
        client, store, outlet, direction, purpose):
    answer = post_event(client, store, "deposits", {"event_id": "e-d", "deposit": {
        "id": "d1", "outlet_id": "OUT-1", "direction": direction, "purpose": purpose,
        "amount": 50000, "deposited_at": T0}})
    assert answer.status_code == 422
    assert f"cash {direction} cannot be for {purpose}" in json.dumps(answer.get_json())
    assert count(SyncActivity) == 0


def test_a_method_first_seen_in_an_order_joins_the_outlets_methods(client, store, outlet):
    sale = order()
    sale["payments"][1] = {"method": "gopay", "amount": 20000}
    assert post_event(client, store, "sales-orders", {
        "event_id": "e-go", "order": sale}).status_code == 202
    assert db.session.scalar(select(Outlet.payment_methods)) == ["cash", "isellerpay", "gopay"]
    # iSeller's next outlet event without it keeps it: its receipts need their row.
    post_event(client, store, "outlets", {"event_id": "e-o2", "outlet": {
        "id": "OUT-1", "name": "Kemang", "payment_methods": ["cash", "qris"]}})
    db.session.expire_all()
    assert db.session.scalar(select(Outlet.payment_methods)) == [
        "cash", "isellerpay", "gopay", "qris"]


def test_the_contract_is_served_as_openapi(client):
    document = client.get("/api/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    assert {"/api/v1/sales-orders", "/api/v1/transfers", "/api/v1/shifts/close",
            "/api/v1/deposits", "/api/v1/payouts"} <= set(document["paths"])
    order_schema = document["components"]["schemas"]["OrderData"]
    assert {"number", "outlet_id", "ordered_at", "lines"} <= set(order_schema["required"])
    assert order_schema["properties"]["currency"]["default"] == "IDR"
    # The method field names the known methods and says what happens to a new one.
    method = document["components"]["schemas"]["Payment"]["properties"]["method"]
    assert {"cash", "qris", "isellerpay", "gopay", "debit", "credit"} <= set(method["examples"])
    assert "wait until the owner" in method["description"]
    purpose = document["components"]["schemas"]["DepositData"]["properties"]["purpose"]
    assert "bank" in json.dumps(purpose) and "top_up" in json.dumps(purpose)


def test_outlets_are_upserted(client, store, outlet):
    post_event(client, store, "outlets", {"event_id": "e-2", "outlet": {
        "id": "OUT-1", "name": "Kemang Raya"}})
    assert count(Outlet) == 1
    assert db.session.scalar(select(Outlet.name)) == "Kemang Raya"
    assert count(Customer) == 0


def activities_of(kind):
    return db.session.scalars(select(SyncActivity).where(SyncActivity.kind == kind)
                              .order_by(SyncActivity.id)).all()


def test_a_second_event_for_a_pending_customer_plans_no_second_activity(client, store, outlet):
    for event_id, name in (("e-c1", "Andi"), ("e-c2", "Andi Wijaya")):
        answer = post_event(client, store, "customers", {"event_id": event_id, "customer": {
            "id": "C-1", "name": name, "customer_code": "CUST-1"}})
        assert answer.status_code == 202, answer.get_json()
    [pending] = activities_of(ActivityKind.CUSTOMER)
    assert (pending.accurate_number, pending.source_number) == ("CUST-1", "CUST-1")
    # An order of the pending customer waits for that activity, and plans no other.
    post_event(client, store, "sales-orders", {"event_id": "e-1", "order": order(
        customer_id="C-1")})
    assert activities_of(ActivityKind.CUSTOMER) == [pending]
    [invoice] = activities_of(ActivityKind.SALES_INVOICE)
    assert invoice.waits_for_id == pending.id
    # Once it is in Accurate, an order no longer waits for it.
    pending.status = Status.SUCCESS
    db.session.commit()
    post_event(client, store, "sales-orders", {"event_id": "e-2", "order": order(
        "INV-2", customer_id="C-1")})
    assert activities_of(ActivityKind.SALES_INVOICE)[1].waits_for_id is None
    assert len(activities_of(ActivityKind.CUSTOMER)) == 1


def test_a_customer_without_a_code_is_left_to_accurate_to_number(client, store, outlet):
    store.customer_id_mapping = True
    db.session.commit()
    post_event(client, store, "customers", {"event_id": "e-c", "customer": {
        "id": "C-2", "name": "Joko " + "x" * 100}})
    [activity] = activities_of(ActivityKind.CUSTOMER)
    assert activity.accurate_number is None and activity.source_number == ("Joko " + "x" * 59)
    assert activity.outlet_id is None and activity.status == Status.PENDING


def test_the_transfer_out_goes_in_the_sending_outlets_lane_and_the_in_waits_for_it(
        client, store, outlet):
    post_event(client, store, "outlets", {"event_id": "e-o2", "outlet": {
        "id": "OUT-2", "name": "Senopati"}})
    answer = post_event(client, store, "transfers", {"event_id": "e-t", "transfer": {
        "id": "t1", "number": "TR-1", "from_outlet_id": "OUT-2", "to_outlet_id": "OUT-1",
        "sent_at": T0, "received_at": "2026-11-25T09:00:00+07:00",
        "lines": [{"sku": "K-1", "quantity": 3}]}})
    assert answer.status_code == 202, answer.get_json()
    outlets = {o.iseller_id: o.id for o in db.session.scalars(select(Outlet))}
    [out], [into] = activities_of(ActivityKind.TRANSFER_OUT), activities_of(
        ActivityKind.TRANSFER_IN)
    assert (out.outlet_id, out.accurate_number, out.source_number) == (
        outlets["OUT-2"], "TR-1-OUT", "TR-1")
    assert (into.outlet_id, into.accurate_number, into.source_number) == (
        outlets["OUT-1"], "TR-1-IN", "TR-1")
    assert into.waits_for_id == out.id and out.waits_for_id is None
    assert out.source_at == datetime(2026, 11, 24, 3, 15, tzinfo=UTC)
    assert into.source_at == datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    # To a warehouse, both ends are the sending outlet's, and the in is dated when sent.
    post_event(client, store, "transfers", {"event_id": "e-t2", "transfer": {
        "id": "t2", "number": "TR-2", "from_outlet_id": "OUT-2",
        "to_warehouse_name": "Gudang Pusat", "sent_at": T0,
        "lines": [{"sku": "K-1", "quantity": 1}]}})
    into = activities_of(ActivityKind.TRANSFER_IN)[1]
    assert into.outlet_id == outlets["OUT-2"] and into.accurate_number == "TR-2-IN"
    assert into.source_at == datetime(2026, 11, 24, 3, 15, tzinfo=UTC)


def test_opnames_adjustments_and_deposits_are_numbered_apart_in_their_outlets_lane(
        client, store, outlet):
    outlet_id = db.session.scalar(select(Outlet.id).where(Outlet.iseller_id == "OUT-1"))
    events = [
        ("stock-opnames", {"stock_opname": {"id": "s1", "number": "0001", "outlet_id": "OUT-1",
                                            "counted_at": T0, "lines": [{
                                                "sku": "K-1", "system_quantity": 5,
                                                "counted_quantity": 4}]}}),
        ("stock-adjustments", {"stock_adjustment": {"id": "a1", "number": "0001",
                                                    "outlet_id": "OUT-1", "adjusted_at": T0,
                                                    "lines": [{"sku": "K-1",
                                                               "quantity_change": -1}]}}),
        ("deposits", {"deposit": {"id": "d-in", "outlet_id": "OUT-1", "direction": "in",
                                  "amount": 50000, "deposited_at": T0}}),
        ("deposits", {"deposit": {"id": "d-out", "outlet_id": "OUT-1", "direction": "out",
                                  "amount": 50000, "deposited_at": T0}}),
    ]
    for n, (path, payload) in enumerate(events):
        assert post_event(client, store, path, {"event_id": f"e-{n}", **payload}).status_code \
            == 202
    planned = db.session.scalars(select(SyncActivity).order_by(SyncActivity.id)).all()
    assert [(a.kind, a.accurate_number, a.source_number, a.outlet_id) for a in planned] == [
        (ActivityKind.STOCK_OPNAME, "0001-OPN", "0001", outlet_id),
        (ActivityKind.STOCK_ADJUSTMENT, "0001-ADJ", "0001", outlet_id),
        (ActivityKind.OTHER_DEPOSIT, "DEP-d-in", "DEP-d-in", outlet_id),
        (ActivityKind.BANK_TRANSFER, "DEP-d-out", "DEP-d-out", outlet_id)]
    assert {a.source_at for a in planned} == {datetime(2026, 11, 24, 3, 15, tzinfo=UTC)}


def test_each_pending_customer_has_its_own_activity_and_its_orders_wait_for_it(
        client, store, outlet):
    for n in (1, 2):
        post_event(client, store, "customers", {"event_id": f"e-c{n}", "customer": {
            "id": f"C-{n}", "name": f"Pelanggan {n}", "customer_code": f"CUST-{n}"}})
        post_event(client, store, "sales-orders", {"event_id": f"e-{n}", "order": order(
            f"INV-{n}", customer_id=f"C-{n}")})
    first, second = activities_of(ActivityKind.CUSTOMER)
    assert (first.accurate_number, second.accurate_number) == ("CUST-1", "CUST-2")
    assert [i.waits_for_id for i in activities_of(ActivityKind.SALES_INVOICE)] == [
        first.id, second.id]


def test_with_customer_id_mapping_off_accurate_numbers_even_a_customer_with_a_code(
        client, store, outlet):
    store.customer_id_mapping = False
    db.session.commit()
    post_event(client, store, "customers", {"event_id": "e-c", "customer": {
        "id": "C-1", "name": "Andi", "customer_code": "CUST-1"}})
    [activity] = activities_of(ActivityKind.CUSTOMER)
    assert activity.accurate_number is None and activity.source_number == "CUST-1"
