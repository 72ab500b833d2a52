"""The owner connects the store to iSeller in a real browser: Connect page, iSeller's sign-in
and Authorize App pages (the iSeller sandbox), back on the Connect page connected."""

import re

from flask import current_app
from playwright.sync_api import expect

from isacc.demo import DEMO_LOGINS, build_demo
from tests.e2e.conftest import sign_in

OWNER_EMAIL, OWNER_PASSWORD = DEMO_LOGINS[0][:2]


def test_owner_connects_iseller_through_sign_in_and_grant(app, live_server, iseller, page):
    for config in (app.config, current_app.config):
        config["ISELLER_OAUTH_URL"] = iseller.url
    # This server's port is new each run: register its callback, as a developer would.
    iseller.admin("redirect-uris", {"uri": f"{live_server}/connect/iseller/callback"})
    store = build_demo()
    sign_in(page, live_server, OWNER_EMAIL, OWNER_PASSWORD)
    page.goto(f"{live_server}/stores/{store.id}/connect/")
    expect(page.get_by_test_id("iseller-connection")).to_contain_text(
        "not connected to iSeller yet")
    page.get_by_role("button", name="Connect to iSeller").click()
    # iSeller's own pages (the sandbox): sign in to the store, then Grant.
    expect(page).to_have_url(re.compile(rf"^{re.escape(iseller.url)}/oauth/authorize\?"))
    expect(page.get_by_role("heading", name="Welcome to iSeller")).to_be_visible()
    page.get_by_role("button", name="Login").click()
    expect(page.get_by_role("heading", name="Authorize App")).to_be_visible()
    page.get_by_role("button", name="Grant").click()
    expect(page).to_have_url(f"{live_server}/stores/{store.id}/connect/")
    expect(page.locator(".toast")).to_contain_text("Connected to iSeller store kopinusantara.")
    expect(page.get_by_test_id("iseller-state")).to_have_text("Connected")
    expect(page.get_by_role("button", name="Connect to iSeller again")).to_be_visible()
