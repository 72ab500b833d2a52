import re

from playwright.sync_api import expect
from sqlalchemy import func, select

from isacc.demo import DEMO_LOGINS, build_demo
from isacc.extensions import db
from isacc.formatting import local_time
from isacc.models import InboundEvent, Status, WebhookLog
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
    expect(steps).to_have_count(5)
    expect(steps).to_have_text([
        re.compile("Connect Accurate"), re.compile("Map outlets.*0 of 3 outlets active", re.S),
        re.compile("Check and export products.*2 without SKU, 2 with a duplicated SKU", re.S),
        re.compile("Choose sync settings"),
        re.compile("Choose the sales tax.*booked as part of revenue until you choose", re.S),
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


def test_the_status_panel_shows_when_each_side_last_spoke_and_failed_notices(live_server, page):
    store = build_demo()
    last_event = db.session.scalar(select(func.max(InboundEvent.received_at)))
    sign_in(page, live_server, OWNER_EMAIL, OWNER_PASSWORD)
    panel = page.get_by_test_id("sync-status")
    # The demo's trade came in as iSeller events; Accurate has sent nothing yet.
    expect(panel.get_by_test_id("last-iseller-event")).to_have_text(
        local_time(last_event, "Asia/Jakarta"))
    expect(panel).to_contain_text(re.compile(r"Last Accurate notice:\s*none yet"))
    expect(panel.get_by_test_id("failed-notices")).to_have_count(0)
    # A notice that failed shows up on the next poll, with a way to the failed rows.
    db.session.add(WebhookLog(store_id=store.id, event_type="RECEIVE_ITEM", dedupe_key="e2e-1",
                              accurate_number="RI-1", payload={}, status=Status.FAILED,
                              reason="Warehouse X is not mapped."))
    db.session.commit()
    expect(panel.get_by_test_id("last-accurate-notice")).to_be_visible()
    failed = panel.get_by_test_id("failed-notices")
    expect(failed).to_have_text("1 notice failed")
    failed.click()
    expect(page).to_have_url(f"{live_server}/stores/{store.id}/webhooks?status=failed")
    expect(page.locator("#webhook-rows tr[data-status]")).to_have_count(1)
