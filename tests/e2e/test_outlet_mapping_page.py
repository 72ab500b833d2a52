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
    # This server's port is new each run: register its callback, as a developer would.
    sandbox.admin("redirect-uris", {"uri": f"{live_server}/connect/callback"})
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
    form.get_by_label("New warehouse name").press("Enter")  # adds it; the outlet is not saved
    expect(form.get_by_label("Warehouse", exact=True)).to_have_value("Gudang Dago Atas")
    expect(page.get_by_test_id("active-check")).to_have_count(0)
    form.get_by_role("button", name="Activate outlet").click()
    expect(page.get_by_test_id("active-check")).to_be_visible()
    expect(page.locator(".toast")).to_contain_text("Outlet Bandung Dago is mapped and active.")
    db.session.expire_all()
    assert db.session.get(Outlet, dago.id).mapping.warehouse_name == "Gudang Dago Atas"
    assert "Gudang Dago Atas" in connection.client_for(store).names("warehouse")


def test_a_billable_activation_asks_first_and_an_active_outlet_can_be_deactivated(
        live_server, connected_demo, page):
    store = connected_demo
    sign_in(page, live_server, OWNER_EMAIL, OWNER_PASSWORD)
    outlets = f"{live_server}/stores/{store.id}/outlets/"
    # The first outlet says it is free and activates without a question.
    page.goto(outlets)
    page.get_by_role("link", name="Kemang").click()
    expect(page.get_by_test_id("activation-cost")).to_have_text(
        "Activating this outlet is free: it is the store's first.")
    page.get_by_role("button", name="Activate outlet").click()
    expect(page.get_by_test_id("active-check")).to_be_visible()
    # A further one says it is billable, and asks: declined, nothing happens.
    page.goto(outlets)
    page.get_by_role("link", name="Senopati").click()
    expect(page.get_by_test_id("activation-cost")).to_have_text(
        "Activating adds a billable outlet to your subscription.")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Activate outlet").click()
    expect(page.get_by_test_id("activation-cost")).to_be_visible()
    expect(page.get_by_test_id("active-check")).to_have_count(0)
    assert asked == ["Activate outlet Senopati? This adds a billable outlet to your "
                     "subscription."]
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Activate outlet").click()
    expect(page.get_by_test_id("active-check")).to_be_visible()
    expect(page.locator(".facts")).to_contain_text("billable outlet")
    # Deactivating asks too, then the check goes and the page says the documents wait.
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_test_id("deactivate-outlet").click()
    expect(page.get_by_test_id("inactive-note")).to_be_visible()
    expect(page.get_by_test_id("active-check")).to_have_count(0)
    expect(page.locator(".toast")).to_contain_text("Outlet Senopati is no longer active")
    assert asked[-1].startswith("Deactivate outlet Senopati?")
    db.session.expire_all()
    senopati = db.session.scalar(select(Outlet).where(Outlet.name == "Senopati"))
    assert (senopati.mapping.active, senopati.mapping.billable) == (False, True)
