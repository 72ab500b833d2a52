"""The overview's set-up checklist ticks a step only when it is really done."""

import re

import pytest

from isacc.extensions import db
from isacc.models import Product, Role, TaxMode
from isacc.models.base import utcnow
from tests.conftest import login, make_store, make_user


@pytest.fixture
def overview(app, client):
    store = make_store("Toko A")
    owner = make_user(Role.OWNER, store)
    db.session.commit()
    login(client, owner.email)
    return client, store


def products_step(client, store, language="en") -> tuple[str, str]:
    """The products step's class (done or todo) and its words, tags removed."""
    body = client.get(f"/stores/{store.id}/",
                      headers={"Accept-Language": language}).get_data(as_text=True)
    found = re.search(r'<li class="(\w+)" data-step="products">(.*?)</li>', body, re.S)
    assert found, body
    return found[1], " ".join(re.sub(r"<[^>]+>", " ", found[2]).split())


def test_a_store_without_products_is_not_ticked_every_product_exported(overview):
    client, store = overview
    state, words = products_step(client, store)
    assert state == "todo"
    assert "No products from iSeller yet: connect iSeller or send products" in words
    assert "Every product is exported" not in words
    state, words = products_step(client, store, "id")
    assert state == "todo"
    assert "Belum ada produk dari iSeller: hubungkan iSeller atau kirim produk" in words


def test_every_product_exported_is_ticked(overview):
    client, store = overview
    db.session.add(Product(store_id=store.id, iseller_id="P1", name="Kopi Susu", sku="KN-0001",
                           exported_at=utcnow()))
    db.session.commit()
    state, words = products_step(client, store)
    assert state == "done" and "Every product is exported to Accurate" in words


def test_the_overview_says_the_tills_tax_is_revenue_until_the_owner_chooses(client):
    store = make_store("Toko Pajak")
    owner = make_user(Role.OWNER, store)
    db.session.commit()
    login(client, owner.email)
    body = client.get(f"/stores/{store.id}/").get_data(as_text=True)
    step = re.search(r'<li class="(\w+)" data-step="tax">(.*?)</li>', body, re.S)
    assert step[1] == "todo"
    assert "booked as part of revenue until you choose" in step[2]
    assert f'href="/stores/{store.id}/settings/tax"' in step[2]
    store.tax_mode, store.tax_name = TaxMode.PB1, "PB1 10%"
    db.session.commit()
    body = client.get(f"/stores/{store.id}/").get_data(as_text=True)
    step = re.search(r'<li class="(\w+)" data-step="tax">(.*?)</li>', body, re.S)
    assert step[1] == "done" and "Invoices book PB1 10% as Accurate" in step[2]
