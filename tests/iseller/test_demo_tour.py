"""`make run`'s tour: the demo store is the iSeller sandbox's store. Connecting it to iSeller
finds the outlets its history already has (no second Kemang), and a sale rung up on the
till for a demo product comes in as that product."""

import pytest
from flask import current_app

from isacc.demo import DEMO_LOGINS, build_demo, products_for_iseller
from isacc.extensions import db
from isacc.iseller import catch_up, notices
from isacc.isellersandbox.testing import grant_access
from isacc.models import Outlet, Product, SalesOrder, Store
from tests.conftest import IsellerSandbox, login
from tests.iseller.shops import Till
from tests.iseller.test_connect_iseller import back_to_isacc, start


@pytest.fixture
def demo(app, client, tmp_path):
    store = build_demo()
    server = IsellerSandbox(tmp_path / "iseller",
                            {"SEED_PRODUCTS": products_for_iseller(store)})
    for config in (app.config, current_app.config):
        config["ISELLER_OAUTH_URL"] = server.url
    owner_email, owner_password, *_ = DEMO_LOGINS[0]
    login(client, owner_email, owner_password)
    yield store, server
    server.stop()


def test_the_demo_store_connects_to_its_own_iseller_store(demo, client):
    store, iseller = demo
    before = {o.iseller_id: o.id for o in db.session.scalars(
        db.select(Outlet).where(Outlet.store_id == store.id))}
    back_to_isacc(client, grant_access(start(client, store.id)))
    db.session.expire_all()
    after = {o.iseller_id: o.id for o in db.session.scalars(
        db.select(Outlet).where(Outlet.store_id == store.id))}
    assert after == before and len(after) == 3  # the same three outlets, none added
    kemang = db.session.scalar(db.select(Outlet).where(Outlet.store_id == store.id,
                                                       Outlet.name == "Kemang"))
    # iSeller's payment types, and the demo's earlier ones its history's sales still need.
    assert set(kemang.payment_methods) == {"cash", "card", "qris", "isellerpay", "Debit BCA",
                                           "Kartu Kredit"}
    catalogue = {p["sku"]: p for p in products_for_iseller(store)}
    price = catalogue["KN-0001"]["price"]
    sold = Till(iseller).sell([{"sku": "KN-0001", "quantity": 2}],
                              [{"payment_type": "Cash", "amount": price * 2}])
    assert catch_up.catch_up(db.session.get(Store, store.id)) == 1
    notices.run_store(store.id)
    db.session.expire_all()
    order = db.session.scalar(db.select(SalesOrder).where(
        SalesOrder.iseller_id == sold["order_id"]))
    [line] = order.lines
    assert db.session.get(Product, line.product_id).iseller_id == "P0001"
    assert order.outlet.name == "Kemang"
