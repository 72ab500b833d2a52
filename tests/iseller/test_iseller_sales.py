"""A sale rung up on the iSeller sandbox's till reaches Accurate through iSeller's webhook:
the sandbox signs and sends the Order notice to isacc over real HTTP, a worker reads the
order through GetOrders and brings it in, the sync lane books it. Checked in Accurate's
books, to the rupiah: the invoice, the receipt into the method's account, the MDR fee, the
stock."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import requests
from flask import current_app

from isacc.extensions import db
from isacc.iseller import notices
from isacc.models import IsellerNotice, SalesOrder, Status, Store
from isacc.sandbox.settings import SEED_CASH_ACCOUNT, SEED_PAYMENT_ACCOUNTS
from tests.conftest import csrf_from
from tests.iseller.shops import WAREHOUSES, Till, connect_to_both, patiently
from tests.sync.conftest import Shop

# Two untaxed items (tax is booked apart with #18): a bag of beans and a class with no stock.
CATALOGUE = [
    {"sku": "KN-0001", "name": "Arabika Gayo 250 g", "price": 95000, "taxable": False,
     "stock": {"KMG": 20, "SNP": 12}},
    {"sku": "KN-0099", "name": "Kelas Seduh Manual", "price": 200000, "taxable": False,
     "track_inventory": False, "stock": {}},
]
WAREHOUSE = WAREHOUSES["Kemang"]


@pytest.fixture
def shop(app, client, sandbox, iseller, live_server):
    return Shop(client, connect_to_both(app, client, sandbox, iseller, live_server, CATALOGUE),
                sandbox)


def bring_in(shop: Shop) -> None:
    """What the workers do: the store's iSeller notices, then its sync lanes."""
    notices.run_store(shop.store.id)
    shop.drain()


def stock(accurate, sku: str) -> Decimal:
    detail = patiently(accurate.detail, "item", no=sku)
    return Decimal(str({w["name"]: w["balance"] for w in detail["detailWarehouseData"]}
                       .get(WAREHOUSE, 0)))


def test_a_sale_rung_up_on_the_till_reaches_accurate_once_to_the_rupiah(shop, iseller):
    till = Till(iseller)
    before = stock(shop.accurate, "KN-0001")
    order = till.sell([{"sku": "KN-0001", "quantity": 2}, {"sku": "KN-0099", "quantity": 1}],
                      [{"payment_type": "Cash", "amount": 390000}])
    [delivery] = till.delivered(1)
    # The same notice again (a replay of the same request) and iSeller's retry of it.
    assert requests.post(f"{iseller.url}/sandbox/admin/webhooks/deliveries/"
                         f"{delivery['id']}/resend", timeout=10).json()["status"] == 200
    bring_in(shop)
    number = order["order_reference"].lstrip("#")
    invoice = shop.accurate.detail("sales-invoice", number=number)
    assert Decimal(str(invoice["totalAmount"])) == Decimal(390000)
    assert {(line["itemNo"], Decimal(str(line["quantity"])),
             Decimal(str(line["unitPrice"]))) for line in invoice["detailItem"]} == {
        ("KN-0001", Decimal(2), Decimal(95000)), ("KN-0099", Decimal(1), Decimal(200000))}
    receipt = shop.accurate.detail("sales-receipt", number=f"{number}-1")
    assert receipt["bankNo"] == SEED_CASH_ACCOUNT
    assert Decimal(str(receipt["chequeAmount"])) == Decimal(390000)
    assert len(list(shop.accurate.list("sales-receipt"))) == 1
    assert stock(shop.accurate, "KN-0001") == before - 2
    # Once: one order in isacc, one notice worked, one invoice in Accurate.
    assert db.session.scalar(db.select(db.func.count()).select_from(SalesOrder)) == 1
    [notice] = db.session.scalars(db.select(IsellerNotice)).all()
    assert notice.status == Status.SUCCESS
    assert len(list(shop.accurate.list("sales-invoice"))) == 1
    assert shop.sandbox.violations() == 0 and iseller.violations() == 0


def test_an_iseller_pay_sale_books_its_fee_to_the_mdr_account(shop, iseller):
    till = Till(iseller)
    order = till.sell([{"sku": "KN-0099", "quantity": 1}],
                      [{"payment_type": "iSeller Pay", "amount": 200000}])
    [transaction] = order["transactions"]
    fee = Decimal(str(transaction["mdr"][0]["payment_method_fee"]))
    assert fee > 0
    till.delivered(1)
    bring_in(shop)
    receipt = shop.accurate.detail("sales-receipt",
                                   number=f"{order['order_reference'].lstrip('#')}-1")
    clearing, _, fee_account = SEED_PAYMENT_ACCOUNTS["isellerpay"]
    assert receipt["bankNo"] == clearing
    assert Decimal(str(receipt["chequeAmount"])) == Decimal(200000) - fee
    [cut] = receipt["detailInvoice"][0]["detailDiscount"]
    assert (cut["accountNo"], Decimal(str(cut["amount"]))) == (
        fee_account, fee)


def test_with_webhooks_off_the_catch_up_still_brings_every_sale(shop, iseller, app):
    from isacc.iseller import catch_up

    iseller.admin("webhooks/switch", {"on": False})
    for config in (app.config, current_app.config):
        config["ISELLER_PAGE_SIZE"] = 2  # three sales: two pages
    till = Till(iseller)
    sold = [till.sell([{"sku": "KN-0099", "quantity": n}],
                      [{"payment_type": "Cash", "amount": 200000 * n}]) for n in (1, 2, 3)]
    assert till.deliveries() == []
    store = db.session.get(Store, shop.store.id)
    assert catch_up.catch_up(store) == 3
    assert catch_up.catch_up(store) == 0  # the overlap reads them again: the same notices
    bring_in(shop)
    for order, n in zip(sold, (1, 2, 3), strict=True):
        invoice = shop.accurate.detail("sales-invoice",
                                       number=order["order_reference"].lstrip("#"))
        assert Decimal(str(invoice["totalAmount"])) == Decimal(200000 * n)
    assert len(list(shop.accurate.list("sales-invoice"))) == 3
    assert iseller.violations() == 0  # every GetOrders and GetProducts asked as iSeller takes
    assert db.session.get(Store, shop.store.id).iseller.caught_up_at is not None


def test_a_first_import_from_a_day_brings_the_sales_since_then(shop, iseller, client):
    from isacc.iseller import catch_up

    iseller.admin("webhooks/switch", {"on": False})
    now = datetime.now(UTC).replace(microsecond=0)
    old, recent = (requests.post(f"{iseller.url}/sandbox/till/orders", json={
        "outlet_code": "KMG", "lines": [{"sku": "KN-0099", "quantity": 1}],
        "payments": [{"payment_type": "Cash", "amount": 200000}],
        "order_date": (now - timedelta(days=days)).isoformat().replace("+00:00", "Z")},
        timeout=10).json()["order"] for days in (10, 3))
    store = db.session.get(Store, shop.store.id)
    assert catch_up.catch_up(store) == 0  # both before the store was connected
    page = client.get(f"/stores/{store.id}/connect/").get_data(as_text=True)
    since = (now - timedelta(days=5)).astimezone(ZoneInfo(store.timezone)).date()
    answer = client.post(f"/stores/{store.id}/connect/iseller/import",
                         data={"csrf_token": csrf_from(page), "since": since.isoformat()},
                         follow_redirects=True)
    assert f"iSeller sales since {since:%d/%m/%Y}" in answer.get_data(as_text=True)
    assert catch_up.catch_up(db.session.get(Store, store.id)) == 1
    bring_in(shop)
    numbers = {i["number"] for i in shop.accurate.list("sales-invoice", fields="id,number")}
    assert numbers == {recent["order_reference"].lstrip("#")}
    assert old["order_reference"].lstrip("#") not in numbers


@pytest.mark.parametrize("since", ["", "not a date", "2099-01-01", "2000-01-01"])
def test_an_import_from_no_day_or_a_day_out_of_reach_is_refused_on_the_form(shop, client,
                                                                              since):
    store_id = shop.store.id
    before = db.session.get(Store, store_id).iseller.orders_cursor
    page = client.get(f"/stores/{store_id}/connect/").get_data(as_text=True)
    answer = client.post(f"/stores/{store_id}/connect/iseller/import",
                         data={"csrf_token": csrf_from(page), "since": since})
    assert answer.status_code == 400
    assert 'id="since-error"' in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Store, store_id).iseller.orders_cursor == before


def test_a_notice_for_an_order_iseller_does_not_show_waits_and_says_why(shop, client):
    import json

    from tests.iseller.test_iseller_webhooks import iseller_headers

    link = db.session.get(Store, shop.store.id).iseller
    body = json.dumps({"order_id": "00000000-0000-0000-0000-00000000dead"}).encode()
    answer = client.post(f"/webhooks/iseller/{link.webhook_id}/order", data=body,
                         headers=iseller_headers(link.webhook_key, body))
    assert answer.status_code == 200
    notices.run_store(shop.store.id)
    db.session.expire_all()
    [notice] = db.session.scalars(db.select(IsellerNotice)).all()
    assert notice.status == Status.PENDING and notice.attempts == 1
    assert "does not show order" in notice.reason
    assert notice.due_at > datetime.now(UTC)  # tried again after a backoff


def test_an_order_read_again_once_its_products_are_known_is_the_same_order(shop, iseller):
    from isacc.iseller import catch_up

    till = Till(iseller)
    till.sell([{"sku": "KN-0001", "quantity": 1}], [{"payment_type": "Cash", "amount": 95000}])
    till.delivered(1)
    bring_in(shop)  # read before the catalogue: the line is known by its SKU alone
    assert catch_up.catch_up(db.session.get(Store, shop.store.id)) == 1  # products, then it
    notices.run_store(shop.store.id)
    db.session.expire_all()
    assert [n.status for n in db.session.scalars(db.select(IsellerNotice))] == [
        Status.SUCCESS, Status.SUCCESS]
    assert len(list(shop.accurate.list("sales-invoice"))) == 1
