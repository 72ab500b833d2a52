"""SKU problems, the refused export, and an export Accurate's import (the sandbox) accepts."""

import io

import pytest
import requests
from openpyxl import load_workbook
from sqlalchemy import func, select

from isacc.accurate import account
from isacc.accurate.client import AccurateClient, DatabaseAccess
from isacc.demo import DEMO_LOGINS, DEMO_WAREHOUSES, build_demo
from isacc.extensions import db
from isacc.models import Outlet, OutletMapping, Product, ProductStock
from isacc.products import PAGE_SIZE
from tests.accurate.conftest import DATABASE, grant, sandbox_config
from tests.conftest import login

OWNER = DEMO_LOGINS[0][0]
WAREHOUSES = DEMO_WAREHOUSES


@pytest.fixture
def demo(app, client):
    store = build_demo()
    login(client, OWNER, DEMO_LOGINS[0][1])
    return client, store


def fix_skus(store) -> None:
    products = db.session.scalars(select(Product).where(Product.store_id == store.id)).all()
    seen = set()
    for n, product in enumerate(products):
        if not product.sku or product.sku in seen:
            product.sku = f"FIX-{n:03d}"
        seen.add(product.sku)
    db.session.commit()


def map_outlets(store) -> None:
    for outlet in db.session.scalars(select(Outlet).where(Outlet.store_id == store.id)):
        db.session.add(OutletMapping(store_id=store.id, outlet_id=outlet.id, active=True,
                                     branch_name="Jakarta",
                                     warehouse_name=WAREHOUSES[outlet.name]))
    db.session.commit()


def test_problems_are_counted_listed_and_block_the_export(demo):
    client, store = demo
    page = client.get(f"/stores/{store.id}/products/").get_data(as_text=True)
    assert 'data-testid="missing-count">2<' in page and 'data-testid="duplicate-count">2<' in page
    missing = client.get(f"/stores/{store.id}/products/problems/missing",
                         headers={"HX-Request": "true"}).get_data(as_text=True)
    assert missing.count("<li>") == 2 and "Saringan Teh" in missing
    shared = client.get(f"/stores/{store.id}/products/problems/duplicated",
                        headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "KN-0011" in shared and "Americano" in shared and "Es Kopi Susu" in shared
    refused = client.get(f"/stores/{store.id}/products/export", follow_redirects=True)
    assert refused.mimetype == "text/html"
    assert "Export refused. Fix the SKU problems first: 2 products without a SKU" in \
        refused.get_data(as_text=True)
    assert db.session.scalar(select(Product).where(Product.exported_at.is_not(None))) is None


def test_the_export_imports_into_accurate_with_opening_stock(demo, sandbox):
    client, store = demo
    fix_skus(store)
    no_mapping = client.get(f"/stores/{store.id}/products/export", follow_redirects=True)
    assert "Map and activate at least one outlet first" in no_mapping.get_data(as_text=True)
    map_outlets(store)
    answer = client.get(f"/stores/{store.id}/products/export")
    assert answer.status_code == 200 and answer.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(answer.data))["Barang & Jasa"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Kode Barang", "Nama Barang", "Kategori Barang", "Jenis Barang",
                           "Satuan")
    assert len(rows) - 1 == 50 * 3  # every product, once per outlet warehouse holding stock

    imported = requests.post(f"{sandbox.url}/sandbox/db/101/import", timeout=20,
                             files={"file": ("export.xlsx", answer.data)},
                             headers={"Accept": "application/json"}).json()
    assert imported == {"saved": 150, "failed": []}
    # Every item is in Accurate with the opening stock of each outlet's warehouse.
    config = sandbox_config(sandbox)
    token = grant(config)
    host, session = account.open_database(config, token.access_token, DATABASE)
    accurate = AccurateClient(DatabaseAccess(DATABASE, host, token.access_token, session))
    in_accurate = {row["no"]: {w["name"]: w["balance"] for w in row["detailWarehouseData"]}
                   for row in accurate.list("item", fields="no,detailWarehouseData")}
    for product in db.session.scalars(select(Product).where(Product.store_id == store.id)):
        expected = {WAREHOUSES[s.outlet.name]: float(s.quantity) for s in db.session.scalars(
            select(ProductStock).where(ProductStock.product_id == product.id))}
        assert in_accurate[product.sku] == expected, product.sku
    db.session.expire_all()
    assert db.session.scalar(select(Product).where(Product.exported_at.is_(None))) is None


def test_export_new_products_only(demo):
    client, store = demo
    fix_skus(store)
    map_outlets(store)
    assert client.get(f"/stores/{store.id}/products/export").status_code == 200
    nothing = client.get(f"/stores/{store.id}/products/export?new=1", follow_redirects=True)
    assert "nothing new" in nothing.get_data(as_text=True)
    db.session.add(Product(store_id=store.id, iseller_id="P-NEW", name="Kopi Baru",
                           sku="KN-NEW", price=20000))
    db.session.commit()
    fresh = client.get(f"/stores/{store.id}/products/export?new=1")
    rows = list(load_workbook(io.BytesIO(fresh.data))["Barang & Jasa"].iter_rows(
        values_only=True))
    assert [row[0] for row in rows[1:]] == ["KN-NEW"]


def test_stock_at_an_unmapped_outlet_is_named_before_the_export(demo):
    client, store = demo
    fix_skus(store)
    map_outlets(store)
    page = client.get(f"/stores/{store.id}/products/").get_data(as_text=True)
    assert 'data-testid="stock-left-out"' not in page
    senopati = db.session.scalar(select(OutletMapping).join(Outlet).where(
        Outlet.store_id == store.id, Outlet.name == "Senopati"))
    senopati.active = False
    db.session.commit()
    holding = db.session.scalar(select(func.count()).select_from(ProductStock).join(Outlet).where(
        Outlet.name == "Senopati", ProductStock.quantity > 0))
    page = client.get(f"/stores/{store.id}/products/").get_data(as_text=True)
    assert f"Senopati: stock of {holding} products" in page and "Kemang:" not in page
    # The export leaves exactly that stock out.
    rows = list(load_workbook(io.BytesIO(client.get(
        f"/stores/{store.id}/products/export").data))["Barang & Jasa"].iter_rows(values_only=True))
    assert "Gudang Senopati" not in {row[7] for row in rows[1:]}
    assert len(rows) - 1 == 50 * 2


def test_the_product_list_pages_and_searches(demo):
    client, store = demo
    for n in range(PAGE_SIZE + 30):
        db.session.add(Product(store_id=store.id, iseller_id=f"P-{n}", name=f"Roti {n:03d}",
                               sku=f"RT-{n:03d}", price=10000))
    db.session.add(Product(store_id=store.id, iseller_id="P-pct", name="Diskon 100% Susu",
                           sku="DS_1", price=1))
    db.session.commit()
    total = db.session.scalar(select(func.count()).select_from(Product).where(
        Product.store_id == store.id))
    first = client.get(f"/stores/{store.id}/products/").get_data(as_text=True)
    assert f"Products 1–{PAGE_SIZE} of {total}" in first and 'rel="next"' in first
    assert first.count("/products/") - first.count("/products/problems") > PAGE_SIZE
    last = client.get(f"/stores/{store.id}/products/?page=99").get_data(as_text=True)
    assert f"Products {PAGE_SIZE + 1}–{total} of {total}" in last and 'rel="next"' not in last
    found = client.get(f"/stores/{store.id}/products/?q=rt-12").get_data(as_text=True)
    assert "Products 1–10 of 10" in found and "Roti 129" in found and "Roti 012" not in found
    # %, _ and \ are searched for as themselves.
    assert "Products 1–1 of 1" in client.get(
        f"/stores/{store.id}/products/?q=100%25").get_data(as_text=True)
    assert "Products 1–1 of 1" in client.get(
        f"/stores/{store.id}/products/?q=S_1").get_data(as_text=True)
    nothing = client.get(f"/stores/{store.id}/products/?q=zzz").get_data(as_text=True)
    assert "No product has “zzz” in its name or SKU." in nothing
