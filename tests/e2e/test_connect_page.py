import re

from playwright.sync_api import expect

from isacc.demo import DEMO_LOGINS, build_demo
from tests.accurate.conftest import sandbox_config
from tests.e2e.conftest import sign_in

OWNER_EMAIL, OWNER_PASSWORD = DEMO_LOGINS[0][:2]


def test_owner_connects_accurate_through_the_consent_page(app, live_server, sandbox, page):
    app.config.update(sandbox_config(sandbox))
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
