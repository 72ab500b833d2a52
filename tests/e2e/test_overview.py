import re

from playwright.sync_api import expect

from isacc.demo import DEMO_LOGINS, build_demo
from tests.e2e.conftest import sign_in

OWNER_EMAIL, OWNER_PASSWORD = DEMO_LOGINS[0][:2]


def test_demo_owner_signs_in_and_sees_overview_and_checklist(live_server, page):
    store = build_demo()
    sign_in(page, live_server, OWNER_EMAIL, OWNER_PASSWORD)
    expect(page).to_have_url(f"{live_server}/stores/{store.id}/")
    expect(page.get_by_role("heading", name="Kopi Nusantara")).to_be_visible()
    expect(page.get_by_test_id("connection-state")).to_contain_text("Not connected")
    checklist = page.get_by_test_id("setup-checklist")
    steps = checklist.locator("li")
    expect(steps).to_have_count(4)
    expect(steps).to_have_text([
        re.compile("Connect Accurate"), re.compile("Map outlets.*0 of 3 outlets active", re.S),
        re.compile("Check and export products.*2 without SKU, 2 with a duplicated SKU", re.S),
        re.compile("Choose sync settings"),
    ])
    expect(checklist.locator("li.done")).to_have_count(0)
    # Every screen of the product is one click away.
    nav = page.get_by_role("navigation", name="Main")
    for label in ("Overview", "Connect", "Outlets", "Products", "Settings", "Sync activity",
                  "Webhook log"):
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()


def test_htmx_comes_from_the_vendored_copy_when_the_cdn_is_unreachable(live_server, page):
    build_demo()
    loaded = []
    page.on("requestfinished", lambda request: loaded.append(request.url))
    sign_in(page, live_server, OWNER_EMAIL, OWNER_PASSWORD)
    page.wait_for_function("() => window.htmx !== undefined")
    assert page.evaluate("htmx.version") == "2.0.11"
    # ...and it started: it has processed the page (a late start would leave it idle).
    assert page.evaluate("document.body['htmx-internal-data'] !== undefined")
    assert f"{live_server}/static/vendor/htmx-2.0.11.min.js" in loaded


def test_form_post_without_csrf_token_is_refused_with_400(live_server, page):
    build_demo()
    page.goto(f"{live_server}/login")
    page.locator("form:has(#email) input[name=csrf_token]").evaluate("input => input.remove()")
    page.get_by_label("E-mail").fill(OWNER_EMAIL)
    page.get_by_label("Password").fill(OWNER_PASSWORD)
    with page.expect_response(f"{live_server}/login") as answer:
        page.get_by_role("button", name="Sign in").click()
    assert answer.value.status == 400
    expect(page.get_by_test_id("error-detail")).to_contain_text("CSRF token is missing")


def test_wrong_password_shows_one_plain_message(live_server, page):
    build_demo()
    sign_in(page, live_server, OWNER_EMAIL, "not-the-password")
    expect(page.get_by_test_id("login-error")).to_have_text("Wrong e-mail or password.")
    expect(page).to_have_url(re.compile(r"/login$"))
