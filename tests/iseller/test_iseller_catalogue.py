"""The store's products and stock come from iSeller's GetProducts (the iSeller sandbox, over
real HTTP): the whole catalogue with the first catch-up, then what changed since."""

from decimal import Decimal

import pytest
from flask import current_app

from isacc.extensions import db
from isacc.iseller import catch_up
from isacc.isellersandbox.settings import OUTLETS, PRODUCTS
from isacc.isellersandbox.testing import grant_access
from isacc.models import Product, ProductStock, Role, Store
from tests.conftest import login, make_store, make_user
from tests.iseller.shops import Till
from tests.iseller.test_connect_iseller import back_to_isacc, start

KEMANG = OUTLETS[0]["outlet_id"]


@pytest.fixture
def store(app, client, iseller):
    for config in (app.config, current_app.config):
        config["ISELLER_OAUTH_URL"] = iseller.url
    store = make_store("Toko A")
    owner = make_user(Role.OWNER, store)
    db.session.commit()
    login(client, owner.email)
    back_to_isacc(client, grant_access(start(client, store.id)))
    return db.session.get(Store, store.id)


def catalogue(store) -> dict[str, Product]:
    db.session.expire_all()
    return {p.sku: p for p in db.session.scalars(db.select(Product).where(
        Product.store_id == store.id))}


def in_stock(product: Product, outlet_iseller_id: str) -> Decimal:
    return next(level.quantity for level in db.session.scalars(db.select(ProductStock).where(
        ProductStock.product_id == product.id)) if level.outlet.iseller_id == outlet_iseller_id)


def test_the_first_catch_up_reads_the_whole_catalogue_with_its_stock(store):
    assert catch_up.catch_up(store) == 0  # no orders yet
    products = catalogue(store)
    assert set(products) == {p["sku"] for p in PRODUCTS}
    latte = next(p for p in PRODUCTS if p["sku"] == "KN-0014")
    found = products["KN-0014"]
    assert (found.iseller_id, found.name, found.price, found.cost, found.item_type) == (
        latte["product_id"], latte["name"], Decimal(latte["price"]),
        Decimal(latte["buying_price"]), "INV")
    assert in_stock(found, KEMANG) == latte["stock"]["KMG"]
    # A product that keeps no stock (a class) is no inventory item.
    assert products["KN-0099"].item_type == "NON"


def test_a_later_catch_up_brings_the_stock_a_sale_changed(store, iseller):
    catch_up.catch_up(store)
    latte = next(p for p in PRODUCTS if p["sku"] == "KN-0014")
    Till(iseller).sell([{"sku": "KN-0014", "quantity": 3}],
                       [{"payment_type": "Cash",
                         "amount": round(latte["price"] * 3 * 1.1)}])
    catch_up.catch_up(db.session.get(Store, store.id))
    assert in_stock(catalogue(store)["KN-0014"], KEMANG) == latte["stock"]["KMG"] - 3
