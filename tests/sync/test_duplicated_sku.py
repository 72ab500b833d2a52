"""A sale refused for an item Accurate lacks because its SKU is shared in iSeller names the
products sharing it and links to them, instead of asking for an export that is refused."""

import re

import pytest

from isacc.extensions import db
from isacc.models import Product, Role, Status
from tests.conftest import login, make_user


@pytest.fixture
def duplicated(shop, client):
    """KN-0011 on two of the store's products (so never exported), and the owner signed in."""
    db.session.add_all([
        Product(store_id=shop.store.id, iseller_id="P11", name="Kopi Susu", sku="KN-0011"),
        Product(store_id=shop.store.id, iseller_id="P12", name="Kopi Susu Gula Aren",
                sku="KN-0011"),
    ])
    owner = make_user(Role.OWNER, shop.store)
    db.session.commit()
    login(client, owner.email)
    return shop


def words(html: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}">(.*?)</p>', html, re.S)
    assert found, html
    return " ".join(re.sub(r"<[^>]+>", " ", found[1]).split())


def test_a_sale_of_a_duplicated_sku_names_the_duplicate_and_links_its_products(
        duplicated, client):
    shop = duplicated
    [invoice_id, _] = shop.order("INV-11", lines=(("KN-0011", 1, 28000), ("NEW-1", 1, 5000)))
    shop.drain()
    invoice = shop.activity(invoice_id)
    assert invoice.status == Status.FAILED
    assert "SKU KN-0011 is used by 2 products in iSeller: Kopi Susu, Kopi Susu Gula Aren; " \
           "Accurate can take only one." in invoice.reason
    # An item missing for another cause keeps its own reason and next step.
    assert "Item NEW-1 is not in Accurate." in invoice.reason
    assert "Item KN-0011 is not in Accurate." not in invoice.reason
    assert "Export your products" in invoice.next_step

    url = f"/stores/{shop.store.id}/activity/{invoice_id}/reason"
    dialog = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "SKU KN-0011 is used by 2 products in iSeller" in words(dialog, "reason")
    step = re.search(r'data-testid="next-step">(.*?)</p>', dialog, re.S)[1]
    [link] = re.findall(r'<a href="([^"]+)">', step)
    assert link == f"/stores/{shop.store.id}/products/?q=KN-0011"
    listed = client.get(link).get_data(as_text=True)
    assert "Kopi Susu Gula Aren" in listed and ">Kopi Susu</a>" in listed

    dialog = client.get(url, headers={"HX-Request": "true", "Accept-Language": "id"})
    said = dialog.get_data(as_text=True)
    assert "SKU KN-0011 dipakai oleh 2 produk di iSeller: Kopi Susu, Kopi Susu Gula Aren; " \
           "Accurate hanya dapat menerima satu." in words(said, "reason")
    assert f'<a href="/stores/{shop.store.id}/products/?q=KN-0011">' in said


def test_a_lone_missing_item_still_asks_for_the_export(duplicated):
    shop = duplicated
    [invoice_id, _] = shop.order("INV-12", lines=(("NEW-2", 1, 5000),))
    shop.drain()
    invoice = shop.activity(invoice_id)
    assert invoice.reason == "Item NEW-2 is not in Accurate."
    assert invoice.next_step.startswith("Export your products")
