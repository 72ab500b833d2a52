"""Every page works under the content security policy: the browser refuses nothing."""

from playwright.sync_api import expect

from isacc.demo import DEMO_LOGINS, build_demo
from tests.e2e.conftest import sign_in

ADMIN = next(login for login in DEMO_LOGINS if login[2].value == "admin")


def test_no_page_breaks_the_content_security_policy(live_server, page):
    store = build_demo()
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    sign_in(page, live_server, ADMIN[0], ADMIN[1])
    for path in ("/", "/connect/", "/outlets/", "/products/", "/settings/", "/activity",
                 "/webhooks"):
        page.goto(f"{live_server}/stores/{store.id}{path}")
        expect(page.locator("main h1").first).to_be_visible()
    page.goto(f"{live_server}/support/")
    expect(page.get_by_test_id("support-table")).to_be_visible()
    # htmx runs under the policy: a filter applies without a reload.
    page.goto(f"{live_server}/stores/{store.id}/activity")
    page.get_by_label("Status").select_option("failed")
    expect(page).to_have_url(f"{live_server}/stores/{store.id}/activity?status=failed"
                             "&outlet=&type=&start=&end=")
    assert refused == []
