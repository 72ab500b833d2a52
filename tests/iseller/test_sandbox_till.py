"""The iSeller sandbox's till, over real HTTP: the only way orders are made. Its checks (a
clear 400 naming what is wrong), its money (total = subtotal + tax, MDR on iSeller Pay
only), receipts numbered per register, stock taken per outlet, the catalogue a test can
replace, register shifts, and the till page behind the store's sign-in."""

import re
import uuid

import pytest
import requests

from isacc.isellersandbox.settings import DEFAULTS, MDR_RATE, TAX_PERCENTAGE


def till(iseller, path: str, body):
    return requests.post(f"{iseller.url}/sandbox/till/{path}", json=body, timeout=10)


def sale(**fields) -> dict:
    return {"outlet_code": "KMG", "lines": [{"sku": "KN-0011", "quantity": 2}],
            "payments": [{"payment_type": "Cash", "amount": 55000}], **fields}


def ring(iseller, **fields) -> dict:
    answer = till(iseller, "orders", sale(**fields))
    assert answer.status_code == 201, answer.text
    return answer.json()["order"]


def stock(iseller, sku: str) -> dict:
    return next(p["stock"] for p in iseller.admin("products")["products"] if p["sku"] == sku)


def test_an_order_adds_up_tax_on_taxable_lines_after_their_discount(iseller):
    order = ring(iseller, lines=[{"sku": "KN-0011", "quantity": 2, "discount": 5000},
                                 {"sku": "KN-0099", "quantity": 1}],
                 payments=[{"payment_type": "Cash", "amount": 100000},
                           {"payment_type": "Debit BCA", "amount": 149500}])
    coffee, course = order["order_details"]
    # 2 x 25000 - 5000, taxed; the course is not taxable.
    assert (coffee["total_order_amount"], coffee["discount_amount"], coffee["subtotal"]) == (
        50000.0, 5000.0, 45000.0)
    assert (coffee["tax_percentage"], coffee["tax_amount"]) == (TAX_PERCENTAGE, 4500.0)
    assert (course["taxable"], course["tax_amount"], course["subtotal"]) == (False, 0.0,
                                                                               200000.0)
    assert order["total_order_amount"] == 250000.0
    assert order["total_discount_amount"] == 5000.0
    assert order["subtotal"] == 245000.0 and order["total_tax_amount"] == 4500.0
    assert order["total_amount"] == order["subtotal"] + order["total_tax_amount"] == 249500.0
    assert order["tax_inclusive"] is False
    assert sum(t["amount"] for t in order["transactions"]) == order["total_amount"]
    assert [t["mdr"] for t in order["transactions"]] == [[], []]
    assert order["buying_price"] == 2 * 9000 + 0
    assert coffee["cogs"] == [{"product_id": coffee["product_id"], "sku": "KN-0011",
                               "quantity": 2, "buying_price": 9000.0}]


def test_only_an_iseller_pay_payment_carries_mdr(iseller):
    order = ring(iseller, lines=[{"sku": "KN-0001", "quantity": 1}],
                 payments=[{"payment_type": "iSeller Pay", "amount": 54500},
                           {"payment_type": "Cash", "amount": 50000}])
    pay, cash = order["transactions"]
    fee = round(54500 * float(MDR_RATE))
    assert pay["gateway"] == "iseller_pay"
    assert pay["mdr"] == [{"payment_method_fee": float(fee), "total_amount_fee": 54500.0 - fee}]
    assert cash["mdr"] == [] and cash["payment_type_id"] is None


@pytest.mark.parametrize(("change", "named"), [
    ({"payments": [{"payment_type": "Cash", "amount": 50000}]}, "short by 5000"),
    ({"payments": [{"payment_type": "Cash", "amount": 60000}]}, "over by 5000"),
    ({"lines": [{"sku": "KN-9999", "quantity": 1}]}, "KN-9999"),
    ({"outlet_code": "XYZ"}, "XYZ"),
    ({"register_name": "Register #3340"}, "Register #3340"),  # a Senopati register
    ({"payments": [{"payment_type": "Voucher", "amount": 55000}]}, "Voucher"),  # inactive
    ({"payments": [{"payment_type": "Bitcoin", "amount": 55000}]}, "Bitcoin"),
    ({"lines": [{"sku": "KN-0011", "quantity": 0}]}, "quantity"),
    ({"lines": [{"sku": "KN-0011", "quantity": 1.5}]}, "quantity"),
    ({"lines": [{"sku": "KN-0011", "quantity": 1, "discount": 30000}]}, "discount"),
    ({"lines": []}, "lines"),
    ({"order_date": "tomorrow"}, "order_date"),
    ({"tip": 5000}, "tip"),
    ({"customer": {"first_name": "Andi"}}, "email or a phone"),
    ({"lines": [{"sku": "KN-0011", "quantity": 10**30}]}, "at most"),
    ({"payments": [{"payment_type": ["Cash"], "amount": 55000}]}, "payment_type"),
])
def test_the_till_refuses_a_bad_order_with_a_400_naming_the_problem(iseller, change, named):
    answer = till(iseller, "orders", sale(**change))
    assert answer.status_code == 400
    assert named in answer.json()["error"]
    assert stock(iseller, "KN-0011")["KMG"] == 100  # nothing was taken


def test_a_body_that_is_not_an_object_is_a_400(iseller):
    for body in ([1, 2], "x", None):
        answer = till(iseller, "orders", body)
        assert answer.status_code == 400 and "JSON object" in answer.json()["error"]


def test_receipts_count_on_per_register_and_stock_goes_down_per_outlet(iseller):
    first = ring(iseller)
    second = ring(iseller)
    other = ring(iseller, register_name="Register #3124")
    senopati = ring(iseller, outlet_code="SNP")
    assert [first["order_reference"], second["order_reference"], other["order_reference"],
            senopati["order_reference"]] == ["#3123-1001", "#3123-1002", "#3124-1001",
                                              "#3340-1001"]
    assert stock(iseller, "KN-0011") == {"KMG": 100 - 6, "SNP": 80 - 2}
    units = first["order_details"][0]["units_used"]
    assert [(u["sku"], u["stock"]) for u in units] == [("KN-0011", 2)]


def test_a_product_without_stock_keeping_is_sold_without_taking_stock(iseller):
    order = ring(iseller, lines=[{"sku": "KN-0099", "quantity": 1}],
                 payments=[{"payment_type": "Cash", "amount": 200000}])
    line = order["order_details"][0]
    assert line["track_inventory"] is False and line["units_used"] == []
    assert stock(iseller, "KN-0099") == {"KMG": 0, "SNP": 0}


def test_an_order_keeps_its_date_its_price_and_its_customer(iseller):
    order = ring(iseller, order_date="2026-12-01T10:00:00+07:00",
                 lines=[{"sku": "KN-0011", "quantity": 1, "price": 20000}],
                 payments=[{"payment_type": "Cash", "amount": 22000}],
                 customer={"first_name": "Andi", "last_name": "Wijaya",
                           "phone": "0812", "email": "andi@contoh.id"})
    assert order["order_date"] == "2026-12-01 03:00:00"  # shown in UTC
    assert order["order_details"][0]["base_price"] == 20000.0
    assert order["customer_first_name"] == "Andi" and order["customer_email"] == "andi@contoh.id"
    again = ring(iseller, customer={"email": "ANDI@contoh.id"})
    assert again["customer_id"] == order["customer_id"]
    assert ring(iseller)["customer_id"] is None


def test_a_replaced_catalogue_is_what_the_till_sells(iseller):
    answer = requests.post(f"{iseller.url}/sandbox/admin/products", timeout=10, json={
        "products": [{"sku": "ITEM-1", "name": "Kopi Test", "price": 10000,
                      "stock": {"KMG": 10, "SNP": 5}},
                     {"sku": "ITEM-2", "name": "Jasa", "price": 5000, "taxable": False,
                      "track_inventory": False}]})
    assert answer.status_code == 200
    products = answer.json()["products"]
    assert [p["sku"] for p in products] == ["ITEM-1", "ITEM-2"]
    assert all(uuid.UUID(p["product_id"]) for p in products)
    order = ring(iseller, lines=[{"sku": "ITEM-1", "quantity": 3}, {"sku": "ITEM-2",
                                                                     "quantity": 1}],
                 payments=[{"payment_type": "Cash", "amount": 38000}])
    assert order["total_amount"] == 38000.0
    assert stock(iseller, "ITEM-1") == {"KMG": 7, "SNP": 5}
    gone = till(iseller, "orders", sale())
    assert gone.status_code == 400 and "KN-0011" in gone.json()["error"]


@pytest.mark.parametrize("body", [
    {}, {"products": {"sku": "x"}}, {"products": [{"sku": "A", "name": "a", "price": -1}]},
    {"products": [{"sku": "A", "name": "a", "price": 1, "stock": {"BDG": 1}}]},
    {"products": [{"sku": "A", "name": "a", "price": 1, "colour": "red"}]},
    {"products": [{"sku": "A", "name": "a", "price": 1}, {"sku": "A", "name": "b",
                                                            "price": 2}]},
])
def test_a_bad_catalogue_is_refused_and_the_old_one_kept(iseller, body):
    answer = requests.post(f"{iseller.url}/sandbox/admin/products", json=body, timeout=10)
    assert answer.status_code == 400 and answer.json()["error"]
    assert len(iseller.admin("products")["products"]) == 8


def test_a_register_has_one_open_shift_at_a_time(iseller):
    opened = till(iseller, "shifts/open", {"outlet_code": "KMG"})
    assert opened.status_code == 201
    shift = opened.json()["register_shift"]
    assert shift["register_name"] == "Register #3123" and shift["closed_date"] is None
    twice = till(iseller, "shifts/open", {"outlet_code": "KMG",
                                          "register_name": "Register #3123"})
    assert twice.status_code == 400 and "already has an open shift" in twice.json()["error"]
    closed = till(iseller, "shifts/close", {"register_shift_id": shift["register_shift_id"]})
    assert closed.status_code == 200
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d",
                        closed.json()["register_shift"]["closed_date"])
    again = till(iseller, "shifts/close", {"register_shift_id": shift["register_shift_id"]})
    assert again.status_code == 400 and "closed already" in again.json()["error"]
    unknown = till(iseller, "shifts/close", {"register_shift_id": "nope"})
    assert unknown.status_code == 400 and "nope" in unknown.json()["error"]


def signed_in_browser(iseller) -> requests.Session:
    browser = requests.Session()
    page = browser.get(f"{iseller.url}/till", timeout=10)
    assert 'name="password"' in page.text and 'value="/till"' in page.text
    page = browser.post(f"{iseller.url}/oauth/login", timeout=10, data={
        "next": "/till", "email": DEFAULTS["USER_EMAIL"],
        "password": DEFAULTS["USER_PASSWORD"]})
    assert page.url == f"{iseller.url}/till" and "<h2>Till</h2>" in page.text
    return browser


def test_the_till_page_needs_the_store_sign_in(iseller):
    anonymous = requests.post(f"{iseller.url}/till", timeout=10, allow_redirects=False,
                              data={"outlet_code": "KMG", "sku": "KN-0011", "quantity": "1",
                                    "payment_type": "Cash", "action": "charge"})
    assert anonymous.status_code == 401
    assert iseller.admin("products")["products"][2]["stock"]["KMG"] == 100


def test_the_till_page_charges_an_order_and_lists_it(iseller):
    browser = signed_in_browser(iseller)
    page = browser.get(f"{iseller.url}/till", timeout=10)
    for control in ("outlet_code", "register_name", "sku-1", "quantity-1", "payment_type",
                    "amount"):
        assert f'<label for="{control}">' in page.text
    more = browser.post(f"{iseller.url}/till", timeout=10, data={
        "outlet_code": "KMG", "register_name": "Register #3123", "sku": "KN-0011",
        "quantity": "2", "payment_type": "Cash", "amount": "", "action": "add_line"})
    assert 'id="sku-2"' in more.text and "Rp 55,000" in more.text
    done = browser.post(f"{iseller.url}/till", timeout=10, data={
        "outlet_code": "KMG", "register_name": "Register #3123",
        "sku": ["KN-0011", "KN-0026"], "quantity": ["2", "1"], "payment_type": "Cash",
        "amount": "", "action": "charge"})
    assert done.status_code == 200 and "Order #3123-1001 charged." in done.text
    assert "Rp 85,800" in done.text  # (50000 + 28000) plus 10 % tax, in today's list
    assert stock(iseller, "KN-0026")["KMG"] == 24 - 1


def test_the_till_page_shows_a_refusal_plainly(iseller):
    browser = signed_in_browser(iseller)
    answer = browser.post(f"{iseller.url}/till", timeout=10, data={
        "outlet_code": "KMG", "register_name": "Register #3123", "sku": "KN-0011",
        "quantity": "1", "payment_type": "Cash", "amount": "1000", "action": "charge"})
    assert answer.status_code == 400
    assert re.search(r'role="alert">The payments add up to 1000, .*short by 26500', answer.text)


def test_the_till_page_opens_and_closes_a_shift(iseller):
    browser = signed_in_browser(iseller)
    page = browser.post(f"{iseller.url}/till/shift", timeout=10, data={
        "action": "open", "register_name": "Register #3340"})
    assert "Close the shift of Register #3340" in page.text
    shift_id = re.search(r'name="register_shift_id" value="([^"]+)"', page.text).group(1)
    # Orders on that register while the shift is open belong to it; others do not.
    ring(iseller, outlet_code="SNP")
    ring(iseller, outlet_code="KMG")
    page = browser.get(f"{iseller.url}/till", timeout=10)
    assert f'data-shift-orders="{shift_id}">1</td>' in page.text
    page = browser.post(f"{iseller.url}/till/shift", timeout=10, data={
        "action": "close", "register_shift_id": shift_id})
    assert "No shift is open." in page.text
    unknown = browser.post(f"{iseller.url}/till/shift", timeout=10, data={
        "action": "open", "register_name": "Register #9"})
    assert unknown.status_code == 400 and "Unknown register: &#39;Register #9&#39;" in \
        unknown.text


def test_tills_ringing_at_once_get_distinct_receipts_and_take_all_the_stock(iseller):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        orders = list(pool.map(lambda _: ring(iseller), range(16)))
    assert len({o["order_reference"] for o in orders}) == 16
    assert stock(iseller, "KN-0011")["KMG"] == 100 - 2 * 16
