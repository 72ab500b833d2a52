"""The iSeller sandbox's v2 read endpoints over real HTTP, as iseller-api.md b.1-b.9 describe
them: GetOrders' filters (inclusive bounds, time_zone on both the request and the answer,
paging with has_next_item, includes, order_id), GetTransactions, GetRegisterShifts and
GetProducts' stock per outlet; and the refusals, HTTP 200 with status false."""

import time

import pytest
import requests

from isacc.isellersandbox.settings import DEFAULTS, OUTLETS

KEMANG = OUTLETS[0]["outlet_id"]


@pytest.fixture
def token(iseller) -> str:
    answer = requests.post(f"{iseller.url}/oauth/token", timeout=10, data={
        "grant_type": "client_credentials", "client_id": DEFAULTS["CLIENT_ID"],
        "client_secret": DEFAULTS["CLIENT_SECRET"]})
    return answer.json()["access_token"]


def v2(iseller, token, endpoint: str, as_json=False, **params) -> dict:
    headers = {"Authorization": f"Bearer {token}"}
    url = f"{iseller.url}/api/v2/{endpoint}"
    answer = requests.post(url, json=params, headers=headers, timeout=10) if as_json else \
        requests.post(url, data=params, headers=headers, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def ok(body: dict) -> dict:
    assert body["status"] is True and body["error_message"] is None, body
    return body


def ring(iseller, at: str, outlet_code="KMG", payment_type="Cash", **fields) -> dict:
    answer = requests.post(f"{iseller.url}/sandbox/till/orders", timeout=10, json={
        "outlet_code": outlet_code, "order_date": at,
        "lines": [{"sku": "KN-0011", "quantity": 2}],
        "payments": [{"payment_type": payment_type, "amount": 55000}], **fields})
    assert answer.status_code == 201, answer.text
    return answer.json()["order"]


def references(body: dict) -> list[str]:
    return [order["order_reference"] for order in ok(body)["orders"]]


def test_bounds_are_inclusive_and_read_and_shown_in_the_time_zone(iseller, token):
    order = ring(iseller, "2026-12-01T03:00:00Z")  # 10:00 in Jakarta (UTC+7)
    wib = v2(iseller, token, "GetOrders", time_zone=7, created_after="2026-12-01T10:00:00")
    assert references(wib) == [order["order_reference"]]
    assert (wib["orders"][0]["order_date"], wib["orders"][0]["closed_date"]) == (
        "2026-12-01 10:00:00", "2026-12-01 10:00:00")
    assert references(v2(iseller, token, "GetOrders", time_zone=7,
                         created_after="2026-12-01T10:00:01")) == []
    # Exactly at both modified bounds: returned.
    assert references(v2(iseller, token, "GetOrders", time_zone=7,
                         modified_after="2026-12-01T10:00:00",
                         modified_before="2026-12-01T10:00:00")) == [order["order_reference"]]
    assert references(v2(iseller, token, "GetOrders", time_zone=7,
                         modified_after="2026-12-01T09:00:00",
                         modified_before="2026-12-01T09:59:59")) == []
    # Without time_zone: UTC, both ways.
    utc = v2(iseller, token, "GetOrders", created_after="2026-12-01T03:00:00",
             created_before="2026-12-01T03:00:00")
    assert references(utc) == [order["order_reference"]]
    assert utc["orders"][0]["order_date"] == "2026-12-01 03:00:00"
    # A negative zone shifts the other way.
    west = v2(iseller, token, "GetOrders", time_zone=-3, created_after="2026-12-01T00:00:00")
    assert west["orders"][0]["order_date"] == "2026-12-01 00:00:00"


def test_pages_follow_has_next_item_and_page_zero_is_the_first(iseller, token):
    made = [ring(iseller, f"2026-12-01T0{hour}:00:00Z")["order_reference"]
            for hour in range(1, 6)]
    seen, page, more = [], 1, True
    while more:
        body = ok(v2(iseller, token, "GetOrders", created_after="2026-12-01T00:00:00",
                     page=page, page_size=2))
        assert body["count"] == len(body["orders"]) == (2 if page < 3 else 1)
        seen += references(body)
        more, page = body["has_next_item"], page + 1
    assert seen == made and page == 4
    first = v2(iseller, token, "GetOrders", created_after="2026-12-01T00:00:00", page=0,
               page_size=2)
    assert references(first) == made[:2] and first["has_next_item"] is True
    newest = v2(iseller, token, "GetOrders", created_after="2026-12-01T00:00:00",
                sort="ModifiedDate", sort_direction="DESC", page_size=2)
    assert references(newest) == made[::-1][:2]
    beyond = v2(iseller, token, "GetOrders", created_after="2026-12-01T00:00:00", page=9,
                page_size=2)
    assert references(beyond) == [] and beyond["has_next_item"] is False


def test_without_includes_an_order_has_no_sub_lists(iseller, token):
    ring(iseller, "2026-12-01T03:00:00Z", payment_type="iSeller Pay")
    body = ok(v2(iseller, token, "GetOrders", created_after="2026-12-01T00:00:00"))
    assert set(body) == {"count", "orders", "has_next_item", "status", "error_message", "time"}
    order = body["orders"][0]
    assert (order["order_details"], order["transactions"], order["discounts"],
            order["promotions"]) == (None, None, None, None)
    assert order["total_amount"] == 55000.0 and order["outlet_code"] == "KMG"


def test_includes_in_any_case_bring_their_sub_lists(iseller, token):
    ring(iseller, "2026-12-01T03:00:00Z", payment_type="iSeller Pay")
    body = ok(v2(iseller, token, "GetOrders", created_after="2026-12-01T00:00:00",
                 includes="OrderDetails, transactions,discountdetails , PROMOTIONDETAILS"))
    order = body["orders"][0]
    line = order["order_details"][0]
    assert (line["sku"], line["quantity"], line["subtotal"], line["tax_amount"]) == (
        "KN-0011", 2, 50000.0, 5000.0)
    assert line["discounts"] == [] and order["discounts"] == [] and order["promotions"] == []
    assert line["track_inventory"] is None and line["units_used"] is None
    assert order["transactions"][0]["mdr"] is None
    assert "refunded_orders" not in body and "fulfillments" not in body
    full = ok(v2(iseller, token, "GetOrders", created_after="2026-12-01T00:00:00",
                 includes="OrderDetails,Transactions,TrackInventory,MDR"))
    order = full["orders"][0]
    assert full["refunded_orders"] == [] and full["fulfillments"] == []
    line = order["order_details"][0]
    assert line["track_inventory"] is True
    assert [(u["sku"], u["stock"]) for u in line["units_used"]] == [("KN-0011", 2)]
    assert order["transactions"][0]["mdr"] == [{"payment_method_fee": 385.0,
                                                "total_amount_fee": 54615.0}]


def test_every_order_field_of_the_reference_is_there(iseller, token):
    ring(iseller, "2026-12-01T03:00:00Z")
    order = ok(v2(iseller, token, "GetOrders", created_after="2026-12-01T00:00:00",
                  includes="OrderDetails"))["orders"][0]
    for field in ("order_id", "order_reference", "external_customer_id", "channel",
                  "channel_detail", "marketplace_account", "order_date", "closed_date",
                  "status", "payment_status", "fulfillment_status", "notes",
                  "processing_method", "cancel_date", "cancel_reason", "outlet_id",
                  "outlet_name", "outlet_code", "register_id", "register_name", "customer_id",
                  "server_id", "cashier_id", "currency", "total_order_amount",
                  "discount_percentage", "total_discount_amount", "total_promotion_amount",
                  "subtotal", "total_tax_amount", "total_additional_order_amount",
                  "total_additional_subtotal_amount", "total_additional_final_amount",
                  "rounding_amount", "total_amount", "buying_price", "total_shipping_amount",
                  "total_weight", "tax_inclusive", "on_account", "remaining_on_account",
                  "billing", "shipping", "order_type"):
        assert field in order, field
    for field in ("order_detail_id", "product_id", "product_name", "sku", "quantity",
                  "base_price", "discount_amount", "discount_order_amount",
                  "total_order_amount", "subtotal", "additional_charge", "taxable",
                  "tax_percentage", "tax_amount", "cogs"):
        assert field in order["order_details"][0], field
    assert (order["status"], order["payment_status"], order["channel"]) == (
        "completed", "paid", "pos")


def test_order_id_and_outlet_id_and_payment_status_filter(iseller, token):
    kemang = ring(iseller, "2026-12-01T03:00:00Z")
    senopati = ring(iseller, "2026-12-01T04:00:00Z", outlet_code="SNP")
    assert references(v2(iseller, token, "GetOrders", order_id=senopati["order_id"])) == [
        senopati["order_reference"]]
    assert references(v2(iseller, token, "GetOrders", created_after="2026-12-01T00:00:00",
                         outlet_id=KEMANG)) == [kemang["order_reference"]]
    assert len(references(v2(iseller, token, "GetOrders", created_after="2026-12-01T00:00:00",
                             payment_status="paid"))) == 2
    assert references(v2(iseller, token, "GetOrders", created_after="2026-12-01T00:00:00",
                         payment_status="refunded")) == []


def test_a_json_body_reads_as_a_form_does(iseller, token):
    order = ring(iseller, "2026-12-01T03:00:00Z")
    body = v2(iseller, token, "GetOrders", as_json=True, time_zone=7, page=1, page_size=10,
              created_after="2026-12-01T10:00:00", includes="OrderDetails")
    assert references(body) == [order["order_reference"]]
    assert body["orders"][0]["order_details"][0]["sku"] == "KN-0011"


@pytest.mark.parametrize(("params", "named"), [
    ({"timezone": "7"}, "timezone"),  # K4's misspelling
    ({"includes": "OrderDetails,Everything"}, "everything"),
    ({"created_after": "01/12/2026"}, "created_after"),
    ({"created_after": "2026-12-01T00:00:00Z"}, "without a zone"),
    ({"modified_before": "2026-13-01T00:00:00"}, "modified_before"),
    ({"sort": "Amount"}, "sort"),
    ({"sort_direction": "UP"}, "sort_direction"),
    ({"time_zone": "7.5"}, "time_zone"),
    ({"time_zone": "30"}, "time_zone"),
    ({"page": "-1"}, "page"),
    ({"page_size": "0"}, "page_size"),
    ({"page": "two"}, "page"),
    ({"page": "99999999999999999999"}, "at most"),
    ({"outlet_id": "KMG"}, "outlet_id"),
    ({"payment_status": "lunas"}, "payment_status"),
    ({"fulfillment_status": "done"}, "fulfillment_status"),
])
def test_get_orders_refuses_what_iseller_would_not_take_with_status_false(
        iseller, token, params, named):
    body = v2(iseller, token, "GetOrders", **{"created_after": "2026-12-01T00:00:00", **params})
    assert body["status"] is False and named in body["error_message"]
    assert "orders" not in body
    # ...and counts it, so a test of isacc can tell it asked for nothing iSeller refuses.
    assert iseller.admin("stats")["refusals"][-1] == {
        "endpoint": "GetOrders", "error_message": body["error_message"]}
    assert iseller.violations() == 1


def test_get_orders_needs_created_after_unless_a_modified_bound_or_order_id(iseller, token):
    body = v2(iseller, token, "GetOrders", time_zone=7)
    assert body["status"] is False and "created_after" in body["error_message"]
    ok(v2(iseller, token, "GetOrders", modified_before="2026-12-01T00:00:00"))


def test_a_json_body_that_is_no_object_is_refused_in_the_envelope(iseller, token):
    answer = requests.post(f"{iseller.url}/api/v2/GetOrders", json=[1], timeout=10,
                           headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200 and answer.json()["status"] is False


def test_the_read_endpoints_need_a_live_token(iseller, token):
    for endpoint in ("GetOrders", "GetTransactions", "GetRegisterShifts", "GetProducts"):
        anonymous = requests.post(f"{iseller.url}/api/v2/{endpoint}", timeout=10)
        assert anonymous.status_code == 401 and anonymous.json()["status"] is False
    iseller.admin("tokens/expire", {})
    lapsed = requests.post(f"{iseller.url}/api/v2/GetOrders", timeout=10,
                           headers={"Authorization": f"Bearer {token}"})
    assert lapsed.status_code == 401


def test_get_transactions_lists_each_payment_with_its_order(iseller, token):
    order = requests.post(f"{iseller.url}/sandbox/till/orders", timeout=10, json={
        "outlet_code": "KMG", "order_date": "2026-12-01T03:00:00Z",
        "lines": [{"sku": "KN-0011", "quantity": 2}],
        "payments": [{"payment_type": "Cash", "amount": 5000},
                     {"payment_type": "iSeller Pay", "amount": 50000}]}).json()["order"]
    body = ok(v2(iseller, token, "GetTransactions", time_zone=7,
                 created_after="2026-12-01T10:00:00", includes="mdr"))
    assert body["count"] == 2 and body["has_next_item"] is False
    cash, pay = body["transactions"]
    assert {cash["order_id"], pay["order_id"]} == {order["order_id"]}
    assert cash["order_reference"] == order["order_reference"]
    assert (cash["gateway"], cash["amount"], cash["mdr"]) == ("cash", 5000.0, [])
    assert pay["mdr"] == [{"payment_method_fee": 350.0, "total_amount_fee": 49650.0}]
    assert cash["transaction_date"] == "2026-12-01 10:00:00"
    plain = ok(v2(iseller, token, "GetTransactions", created_after="2026-12-01T00:00:00"))
    assert [t["mdr"] for t in plain["transactions"]] == [None, None]
    refused = v2(iseller, token, "GetTransactions", includes="OrderDetails")
    assert refused["status"] is False and "orderdetails" in refused["error_message"]


def test_get_register_shifts_shows_open_and_closed_shifts(iseller, token):
    till = f"{iseller.url}/sandbox/till/shifts"
    first = requests.post(f"{till}/open", json={"outlet_code": "KMG"},
                          timeout=10).json()["register_shift"]
    requests.post(f"{till}/close", json={"register_shift_id": first["register_shift_id"]},
                  timeout=10).raise_for_status()
    second = requests.post(f"{till}/open", json={"outlet_code": "SNP"},
                           timeout=10).json()["register_shift"]
    body = ok(v2(iseller, token, "GetRegisterShifts", time_zone=7,
                 created_after="2020-01-01T00:00:00"))
    shifts = {s["register_shift_id"]: s for s in body["register_shifts"]}
    assert set(shifts) == {first["register_shift_id"], second["register_shift_id"]}
    assert set(shifts[first["register_shift_id"]]) == {
        "register_name", "register_id", "register_shift_id", "open_date", "closed_date"}
    assert shifts[first["register_shift_id"]]["closed_date"] is not None
    assert shifts[second["register_shift_id"]]["closed_date"] is None
    assert shifts[second["register_shift_id"]]["register_name"] == "Register #3340"
    only = ok(v2(iseller, token, "GetRegisterShifts", register_id=second["register_id"]))
    assert [s["register_shift_id"] for s in only["register_shifts"]] == [
        second["register_shift_id"]]
    assert ok(v2(iseller, token, "GetRegisterShifts",
                 created_after="2099-01-01T00:00:00"))["register_shifts"] == []


def catalogue(iseller, token, **params) -> dict:
    return ok(v2(iseller, token, "GetProducts", **{
        "track_inventory": "false", "modified_after": "2020-01-01T00:00:00", "page": 1,
        "page_size": 100, **params}))


def in_stock(body: dict, sku: str) -> dict:
    product = next(p for p in body["products"] if p["sku"] == sku)
    return {i["outlet_code"]: i["unit_in_stock"] for i in product["inventories"]}


def test_get_products_stock_goes_down_after_a_sale(iseller, token):
    assert in_stock(catalogue(iseller, token), "KN-0011") == {"KMG": 100, "SNP": 80}
    ring(iseller, "2026-12-01T03:00:00Z")
    assert in_stock(catalogue(iseller, token), "KN-0011") == {"KMG": 98, "SNP": 80}


def test_get_products_pages_and_filters_products_that_keep_stock(iseller, token):
    everything = catalogue(iseller, token)
    assert everything["count"] == 8 and everything["has_next_item"] is False
    assert "KN-0099" in {p["sku"] for p in everything["products"]}
    tracked = catalogue(iseller, token, track_inventory="TRUE")
    assert "KN-0099" not in {p["sku"] for p in tracked["products"]} and tracked["count"] == 7
    first = catalogue(iseller, token, page=1, page_size=5)
    second = catalogue(iseller, token, page=2, page_size=5)
    assert (first["count"], first["has_next_item"], second["count"],
            second["has_next_item"]) == (5, True, 3, False)
    later = catalogue(iseller, token, modified_after="2099-01-01T00:00:00")
    assert later["products"] == []
    product = everything["products"][0]
    assert (product["price"], product["taxable"], product["track_inventory"]) == (
        95000.0, True, True)
    assert product["outlet_prices"] is None
    assert catalogue(iseller, token, includes="OutletPrice")["products"][0]["outlet_prices"]


@pytest.mark.parametrize(("params", "named"), [
    ({"page": None}, "page"), ({"track_inventory": None}, "track_inventory"),
    ({"track_inventory": "maybe"}, "track_inventory"), ({"includes": "Stock"}, "stock"),
    ({"type": "bundle"}, "type"), ({"order_id": "x"}, "order_id"),
])
def test_get_products_refuses_with_status_false(iseller, token, params, named):
    given = {"track_inventory": "false", "modified_after": "2020-01-01T00:00:00", "page": 1,
             "page_size": 100, **params}
    body = v2(iseller, token, "GetProducts", **{k: v for k, v in given.items()
                                                if v is not None})
    assert body["status"] is False and named in body["error_message"]


def get_orders(iseller, token) -> requests.Response:
    return requests.post(f"{iseller.url}/api/v2/GetOrders", timeout=10,
                         data={"created_after": "2026-12-01T00:00:00"},
                         headers={"Authorization": f"Bearer {token}"})


def test_injected_failures_answer_in_the_envelope_until_switched_off(iseller, token):
    iseller.admin("faults", {"error_rate": 1, "status": 503})
    failed = get_orders(iseller, token)
    assert failed.status_code == 503 and failed.json()["status"] is False
    iseller.admin("faults", {})
    assert get_orders(iseller, token).json()["status"] is True


def test_the_next_calls_to_one_endpoint_can_be_refused(iseller, token):
    iseller.admin("faults", {"refuse_module": "GetOrders", "refuse_status": 401,
                             "refuse_count": 1})
    assert v2(iseller, token, "GetTransactions")["status"] is True  # another endpoint
    refused = get_orders(iseller, token)
    assert refused.status_code == 401 and refused.json()["status"] is False
    assert get_orders(iseller, token).status_code == 200
    iseller.admin("faults", {"refuse_module": "GetOrders", "refuse_status": 200,
                             "refuse_count": 1})
    business = get_orders(iseller, token)
    assert business.status_code == 200 and business.json()["status"] is False


def test_slow_and_dropped_answers(iseller, token):
    iseller.admin("faults", {"slow_rate": 1, "slow_seconds": 0.3})
    started = time.monotonic()
    assert get_orders(iseller, token).status_code == 200
    assert time.monotonic() - started >= 0.3
    iseller.admin("faults", {"drop_rate": 1})
    with pytest.raises(requests.ConnectionError):
        get_orders(iseller, token)


def test_unknown_fault_settings_are_a_400(iseller):
    answer = requests.post(f"{iseller.url}/sandbox/admin/faults", json={"latency": 5},
                           timeout=10)
    assert answer.status_code == 400 and "latency" in answer.json()["error"]


def test_the_summaries_add_up_each_day(iseller, token):
    ring(iseller, "2026-12-01T03:00:00Z")
    ring(iseller, "2026-12-01T20:00:00Z", payment_type="iSeller Pay")
    ring(iseller, "2026-12-02T03:00:00Z", payment_type="Debit BCA")
    orders = ok(v2(iseller, token, "GetOrderSummary", time_zone=7,
                   created_after="2026-12-01T00:00:00", includes="TrackInventory"))
    assert orders["count"] == 2
    first, second = orders["order_summaries"]
    # UTC days, shown in the zone (settings.SUMMARY_DAYS_IN_UTC).
    assert (first["order_date"], second["order_date"]) == ("2026-12-01 07:00:00",
                                                          "2026-12-02 07:00:00")
    assert (first["subtotal"], first["total_tax_amount"], first["total_amount"]) == (
        100000.0, 10000.0, 110000.0)
    assert second["total_amount"] == 55000.0 and first["currency"] == "IDR"
    assert first["units_used"] == [{"product_name": "Es Kopi Susu", "sku": "KN-0011",
                                    "stock": 4}]
    assert first["units_hpp"][0]["quantity"] == 4
    assert first["units_hpp"][0]["buying_price"] == 4 * 9000.0
    plain = ok(v2(iseller, token, "GetOrderSummary", created_after="2026-12-01T00:00:00"))
    assert "units_used" not in plain["order_summaries"][0]
    payments = ok(v2(iseller, token, "GetTransactionSummary", time_zone=7,
                     created_after="2026-12-01T00:00:00"))
    day_one, day_two = payments["transaction_summaries"]
    assert (day_one["cash"], day_one["iseller_pay"], day_one["external_debit"]) == (
        55000.0, 55000.0, 0.0)
    assert (day_two["cash"], day_two["external_debit"], day_two["customs"]) == (
        0.0, 55000.0, [])
    refused = v2(iseller, token, "GetTransactionSummary", includes="MDR")
    assert refused["status"] is False and "mdr" in refused["error_message"]


def test_a_sale_changes_the_products_modified_date(iseller, token):
    before = catalogue(iseller, token)
    stamp = next(p["modified_date"] for p in before["products"] if p["sku"] == "KN-0011")
    time.sleep(1.1)  # modified dates have whole seconds
    ring(iseller, "2026-12-01T03:00:00Z")
    later = catalogue(iseller, token, modified_after=stamp.replace(" ", "T"))
    changed = [p["sku"] for p in later["products"]
               if p["modified_date"] > stamp]
    assert changed == ["KN-0011"]


def test_register_shifts_take_modified_bounds_and_the_docs_modified_date(iseller, token):
    opened = requests.post(f"{iseller.url}/sandbox/till/shifts/open", timeout=10,
                           json={"outlet_code": "KMG"}).json()["register_shift"]
    stamp = opened["open_date"].replace(" ", "T")
    for bound in ("modified_after", "modified_date"):
        body = ok(v2(iseller, token, "GetRegisterShifts", **{bound: stamp}))
        assert [s["register_shift_id"] for s in body["register_shifts"]] == [
            opened["register_shift_id"]]
    assert ok(v2(iseller, token, "GetRegisterShifts",
                 modified_before="2020-01-01T00:00:00"))["register_shifts"] == []
    refused = v2(iseller, token, "GetRegisterShifts", includes="Cash")
    assert refused["status"] is False and "cash" in refused["error_message"]


def test_a_restarted_sandbox_keeps_its_catalogue_orders_and_stock(tmp_path):
    from tests.conftest import IsellerSandbox

    first = IsellerSandbox(tmp_path / "kept")
    try:
        requests.post(f"{first.url}/sandbox/admin/products", timeout=10, json={
            "products": [{"sku": "ITEM-1", "name": "Kopi", "price": 10000,
                          "stock": {"KMG": 10}}]}).raise_for_status()
        order = requests.post(f"{first.url}/sandbox/till/orders", timeout=10, json={
            "outlet_code": "KMG", "lines": [{"sku": "ITEM-1", "quantity": 1}],
            "payments": [{"payment_type": "Cash", "amount": 11000}]}).json()["order"]
    finally:
        first.stop()
    again = IsellerSandbox(tmp_path / "kept")
    try:
        products = again.admin("products")["products"]
        assert [(p["sku"], p["stock"]["KMG"]) for p in products] == [("ITEM-1", 9)]
        token = requests.post(f"{again.url}/oauth/token", timeout=10, data={
            "grant_type": "client_credentials", "client_id": DEFAULTS["CLIENT_ID"],
            "client_secret": DEFAULTS["CLIENT_SECRET"]}).json()["access_token"]
        body = ok(v2(again, token, "GetOrders", order_id=order["order_id"]))
        assert references(body) == [order["order_reference"]]
        nxt = requests.post(f"{again.url}/sandbox/till/orders", timeout=10, json={
            "outlet_code": "KMG", "lines": [{"sku": "ITEM-1", "quantity": 1}],
            "payments": [{"payment_type": "Cash", "amount": 11000}]}).json()["order"]
        assert nxt["order_reference"] == "#3123-1002"
    finally:
        again.stop()
