"""The products page: SKU problems, the refused and the allowed export, and the list's search."""

import re

from playwright.sync_api import expect

from isacc.demo import DEMO_LOGINS, build_demo
from tests.e2e.conftest import sign_in

OWNER_EMAIL, OWNER_PASSWORD = DEMO_LOGINS[0][:2]


def test_sku_problems_panel_details_and_the_refused_export(live_server, page):
    store = build_demo()
    sign_in(page, live_server, OWNER_EMAIL, OWNER_PASSWORD)
    page.goto(f"{live_server}/stores/{store.id}/products/")
    panel = page.get_by_test_id("sku-problems")
    expect(panel.get_by_test_id("missing-count")).to_have_text("2")
    expect(panel.get_by_test_id("duplicate-count")).to_have_text("2")
    panel.get_by_role("button", name="Show them").first.click()
    expect(page.get_by_test_id("sku-details-missing").locator("li")).to_have_count(2)
    panel.get_by_role("button", name="Show them").last.click()
    expect(page.get_by_test_id("sku-details-duplicated")).to_contain_text("KN-0011")
    page.get_by_test_id("export-all").click()
    expect(page.locator(".toast-error")).to_contain_text("Export refused. Fix the SKU problems")


def test_after_the_skus_are_fixed_the_export_downloads(live_server, page):
    from tests.test_products_export import fix_skus, map_outlets

    store = build_demo()
    fix_skus(store)
    map_outlets(store)
    sign_in(page, live_server, OWNER_EMAIL, OWNER_PASSWORD)
    page.goto(f"{live_server}/stores/{store.id}/products/")
    expect(page.get_by_test_id("sku-problems")).to_contain_text("No SKU problems.")
    with page.expect_download() as download:
        page.get_by_test_id("export-all").click()
    assert download.value.suggested_filename == f"barang-jasa-{store.iseller_id}.xlsx"


def test_searching_the_product_list(live_server, page):
    store = build_demo()
    sign_in(page, live_server, OWNER_EMAIL, OWNER_PASSWORD)
    page.goto(f"{live_server}/stores/{store.id}/products/")
    expect(page.get_by_test_id("product-count")).to_contain_text("of 50")
    page.get_by_role("searchbox", name="Search by name or SKU").fill("americano")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page).to_have_url(re.compile(r"q=americano"))
    expect(page.get_by_test_id("product-count")).to_contain_text("of 1")
    expect(page.get_by_role("link", name="Americano")).to_be_visible()
