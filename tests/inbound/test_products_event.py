"""A products event is stored in a few set-wide statements, whatever its size (#15,
unproven: a largest event, 1,000 products with their stock, took minutes one product at a
time, past gunicorn's 30-second time-out; bench/products_event.py has the figures)."""

import pytest
from sqlalchemy import event, func, select

from isacc.extensions import db
from isacc.models import Product, ProductStock
from tests.conftest import make_store, post_event


@pytest.fixture
def store(app, client):
    store = make_store("Toko A")
    db.session.commit()
    for n in (1, 2):
        assert post_event(client, store, "outlets", {"event_id": f"o{n}", "outlet": {
            "id": f"OUT-{n}", "name": f"Outlet {n}"}}).status_code == 202
    return store


def products(count: int, quantity: int = 5) -> list[dict]:
    return [{"id": f"P-{n}", "name": f"Produk {n}", "sku": f"S-{n}", "price": 1000,
             "stock": [{"outlet_id": "OUT-1", "quantity": quantity},
                       {"outlet_id": "OUT-2", "quantity": quantity + 1}]}
            for n in range(count)]


def statements_for(client, store, app, event_id: str, payload: list[dict]) -> int:
    seen = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count)
    try:
        answer = post_event(client, store, "products", {"event_id": event_id,
                                                        "products": payload})
    finally:
        with app.app_context():
            event.remove(db.engine, "before_cursor_execute", count)
    assert answer.status_code == 202, answer.get_json()
    return len(seen)


def test_a_products_event_costs_the_same_few_statements_whatever_its_size(client, store, app):
    small = statements_for(client, store, app, "e-small", products(3))
    large = statements_for(client, store, app, "e-large", products(300))
    assert large == small and large <= 12
    # Changing them all again costs no more.
    assert statements_for(client, store, app, "e-again", products(300, quantity=9)) == small
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Product)) == 300
    assert db.session.scalar(select(func.sum(ProductStock.quantity))) == 300 * (9 + 10)


def test_a_product_or_stock_level_named_twice_keeps_its_last_values(client, store):
    first, last = products(1)[0], dict(products(1)[0], name="Produk Baru")
    last["stock"] = [{"outlet_id": "OUT-1", "quantity": 2}, {"outlet_id": "OUT-1",
                                                              "quantity": 3}]
    answer = post_event(client, store, "products", {"event_id": "e-1",
                                                    "products": [first, last]})
    assert answer.status_code == 202, answer.get_json()
    product = db.session.scalar(select(Product))
    assert product.name == "Produk Baru"
    assert sorted((s.outlet.iseller_id, s.quantity) for s in product.stock) == [
        ("OUT-1", 3), ("OUT-2", 6)]


def test_an_unknown_outlet_in_a_products_event_is_named_once_and_nothing_is_stored(client,
                                                                                   store):
    payload = products(2)
    for product in payload:
        product["stock"].append({"outlet_id": "OUT-9", "quantity": 1})
    answer = post_event(client, store, "products", {"event_id": "e-1", "products": payload})
    assert answer.status_code == 422
    assert answer.get_json()["problems"] == [{
        "field": "products.0.stock.2.outlet_id",
        "message": "unknown outlet 'OUT-9': send it first"}]
    assert db.session.scalar(select(func.count()).select_from(Product)) == 0
