"""Sales channels over real HTTP to the sandbox: a marketplace's orders stay out of the
books until the owner picks the channel; then its earlier and later orders go, invoiced to
the marketplace as the customer, its commission booked as its payment method's fee."""

from isacc.extensions import db
from isacc.models import Outlet, OutletPaymentAccount, Role, SalesOrder, Status, SyncActivity
from tests.conftest import csrf_from, login, make_user
from tests.sync.conftest import T0


def marketplace_sale(shop, number, **channel):
    return shop.send("sales-orders", order={
        "id": f"o-{number}", "number": number, "outlet_id": "OUT-1", "ordered_at": T0,
        "lines": [{"sku": "K-1", "name": "Kopi", "quantity": 2, "unit_price": 25000}],
        "payments": [{"method": "tokopedia", "amount": 50000, "mdr_fee": 2500}], **channel})


def pick(shop, data):
    if not getattr(shop, "signed_in", False):
        owner = make_user(Role.OWNER, shop.store)
        db.session.commit()
        login(shop.client, owner.email)
        shop.signed_in = True
    page = shop.client.get(f"/stores/{shop.store.id}/settings/channels").get_data(as_text=True)
    return shop.client.post(f"/stores/{shop.store.id}/settings/channels",
                            data={**data, "csrf_token": csrf_from(page)}, follow_redirects=True)


def test_a_marketplaces_orders_wait_outside_the_books_until_its_channel_is_picked(shop):
    shop.accurate.save("customer", {"customerNo": "TOKOPEDIA", "name": "Tokopedia",
                                    "transDate": "01/11/2026"})
    kemang = db.session.scalar(db.select(Outlet).where(Outlet.iseller_id == "OUT-1"))
    kemang.mapping.payment_accounts.append(OutletPaymentAccount(
        payment_method="tokopedia", account_no="1-10102", accurate_type="OTHERS",
        fee_account_no="6-60202"))
    db.session.commit()
    channel = {"channel": "marketplace", "channel_detail": "tokopedia"}
    assert marketplace_sale(shop, "TP-1", **channel) == []  # kept, not planned
    assert marketplace_sale(shop, "WEB-1", channel="web") == []
    assert db.session.scalar(db.select(db.func.count(SalesOrder.id))) == 2
    till_invoice, _ = shop.order("INV-1")  # the till's sales always go
    shop.drain()
    assert shop.activity(till_invoice).status == Status.SUCCESS
    assert shop.accurate.find_by_number("sales-invoice", "TP-1") is None

    page = pick(shop, {"channel": "marketplace:tokopedia",
                       "customer_marketplace:tokopedia": "TOKOPEDIA"}).get_data(as_text=True)
    assert "Sales channels saved. 2 documents of their earlier sales go to Accurate." in page
    later = marketplace_sale(shop, "TP-2", **channel)
    assert len(later) == 2
    shop.drain()
    for number in ("TP-1", "TP-2"):
        invoice = shop.accurate.detail("sales-invoice", number=number)
        assert (invoice["customerNo"], invoice["outstanding"]) == ("TOKOPEDIA", 0)
        receipt = shop.accurate.detail("sales-receipt", number=f"{number}-1")
        assert (receipt["bankNo"], receipt["chequeAmount"]) == ("1-10102", 47500)
        assert receipt["detailInvoice"][0]["detailDiscount"][0]["accountNo"] == "6-60202"
    # The online store was not picked: its order stays out.
    assert shop.accurate.find_by_number("sales-invoice", "WEB-1") is None
    web = db.session.scalar(db.select(SalesOrder).where(SalesOrder.order_number == "WEB-1"))
    assert db.session.scalar(db.select(db.func.count(SyncActivity.id)).where(
        SyncActivity.source_kind == "sales_order", SyncActivity.source_id == web.id)) == 0


def test_the_channels_form_refuses_a_channel_iseller_does_not_send(shop):
    body = pick(shop, {"channel": "marketplace:ebay"}).get_data(as_text=True)
    assert "Channel marketplace:ebay is not one iSeller sends." in body
    db.session.expire_all()
    assert shop.store.sales_channels == {}
