import re

from playwright.sync_api import expect

from isacc.demo import DEMO_LOGINS, build_demo
from isacc.extensions import db
from isacc.models import Store
from tests.accurate.conftest import sandbox_config
from tests.e2e.conftest import sign_in

OWNER_EMAIL, OWNER_PASSWORD = DEMO_LOGINS[0][:2]


def test_owner_connects_accurate_through_the_consent_page(app, live_server, sandbox, page):
    app.config.update(sandbox_config(sandbox))
    # This server's port is new each run: register its callback, as a developer would.
    sandbox.admin("redirect-uris", {"uri": f"{live_server}/connect/callback"})
    store = build_demo()
    sign_in(page, live_server, OWNER_EMAIL, OWNER_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Connect",
                                                            exact=True).click()
    page.get_by_role("button", name="Connect to Accurate").click()
    # Accurate's own pages (the sandbox): sign in, then Give Access.
    expect(page).to_have_url(re.compile(rf"^{re.escape(sandbox.url)}/oauth/authorize\?"))
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", name="Berikan akses")).to_be_visible()
    page.get_by_role("button", name="Give Access").click()
    # Back in isacc: choose the database.
    expect(page.get_by_role("heading", name="Choose the Accurate database")).to_be_visible()
    page.get_by_label("Kopi Nusantara").check()
    page.get_by_role("button", name="Use this database").click()
    expect(page).to_have_url(f"{live_server}/stores/{store.id}/")
    expect(page.get_by_test_id("connection-state")).to_contain_text(
        "Connected to Kopi Nusantara")
    expect(page.locator('[data-step="connect"]')).to_have_class("done")


def test_disconnect_asks_first_and_cancelling_keeps_the_connection(live_server, connected_demo,
                                                                   page):
    store = connected_demo
    sign_in(page, live_server, OWNER_EMAIL, OWNER_PASSWORD)
    page.goto(f"{live_server}/stores/{store.id}/connect/")
    detail = page.get_by_test_id("connection-detail")
    expect(detail).to_contain_text("nothing already in Accurate is removed")
    expect(detail).not_to_contain_text("Connecting opens Accurate's sign-in")

    asked = []

    def cancel(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", cancel)
    page.evaluate("window.sameDocument = true")  # gone if the form was sent after all
    page.get_by_role("button", name="Disconnect").click()
    page.wait_for_load_state()
    assert asked and "Syncing stops until you connect again" in asked[0]
    assert page.evaluate("window.sameDocument") is True
    db.session.expire_all()
    assert db.session.get(Store, store.id).accurate is not None

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Disconnect").click()
    expect(page.locator("#toasts")).to_contain_text("Disconnected from Accurate")
    expect(detail).to_contain_text("not connected to Accurate yet")
