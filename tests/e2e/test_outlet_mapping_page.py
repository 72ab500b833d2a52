from playwright.sync_api import expect
from sqlalchemy import select

from isacc.accurate import connection
from isacc.demo import DEMO_LOGINS, build_demo
from isacc.extensions import db
from isacc.models import Outlet
from tests.accurate.conftest import sandbox_config
from tests.e2e.conftest import sign_in

OWNER_EMAIL, OWNER_PASSWORD = DEMO_LOGINS[0][:2]


def test_connect_then_map_an_outlet_from_live_lists_add_a_warehouse_and_activate(
        app, live_server, sandbox, page):
    from flask import current_app

    for config in (app.config, current_app.config):
        config.update(sandbox_config(sandbox))
    store = build_demo()
    dago = db.session.scalar(select(Outlet).where(Outlet.name == "Bandung Dago"))
    sign_in(page, live_server, OWNER_EMAIL, OWNER_PASSWORD)
    # Connect: Accurate's sign-in and consent pages (the sandbox), then the database.
    page.get_by_role("link", name="Connect", exact=True).click()
    page.get_by_role("button", name="Connect to Accurate").click()
    page.get_by_role("button", name="Masuk").click()
    page.get_by_role("button", name="Give Access").click()
    page.get_by_label("Kopi Nusantara").check()
    page.get_by_role("button", name="Use this database").click()
    expect(page.get_by_test_id("connection-state")).to_contain_text(
        "Connected to Kopi Nusantara")
    page.get_by_role("link", name="Outlets", exact=True).click()
    page.get_by_role("link", name="Bandung Dago").click()
    form = page.get_by_test_id("mapping-form")
    # Lists read live from Accurate, sensible defaults chosen.
    expect(form.get_by_label("Branch", exact=True)).to_have_value("Jakarta")
    expect(form.get_by_label("Warehouse", exact=True)).to_have_value("Gudang Dago")
    form.get_by_label("Branch", exact=True).select_option("Bandung")
    # A warehouse that does not exist yet is added in Accurate from here.
    form.get_by_test_id("warehouse-field").get_by_text("Add a warehouse in Accurate").click()
    form.get_by_label("New warehouse name").fill("Gudang Dago Atas")
    form.get_by_role("button", name="Add warehouse").click()
    expect(form.get_by_label("Warehouse", exact=True)).to_have_value("Gudang Dago Atas")
    form.get_by_role("button", name="Activate outlet").click()
    expect(page.get_by_test_id("active-check")).to_be_visible()
    expect(page.locator(".toast")).to_contain_text("Outlet Bandung Dago is mapped and active.")
    db.session.expire_all()
    assert db.session.get(Outlet, dago.id).mapping.warehouse_name == "Gudang Dago Atas"
    warehouses = [row["name"] for row in connection.client_for(store).list(
        "warehouse", fields="name")]
    assert "Gudang Dago Atas" in warehouses
