"""The desk people live in (#21): a live page once the session ends, the reader's place
through live redraws and autosaves, and refresh buttons pressed twice."""

import re
from datetime import UTC, datetime

from playwright.sync_api import expect
from sqlalchemy import select

from isacc.demo import DEMO_LOGINS, build_demo
from isacc.extensions import db
from isacc.models import ActivityKind, Outlet, Role, Status, SyncActivity
from tests.conftest import PASSWORD, make_store, make_user
from tests.e2e.conftest import sign_in

DAY = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
OWNER_EMAIL, OWNER_PASSWORD = DEMO_LOGINS[0][:2]
# The control that has the keyboard focus, by what names it (rows' controls have no id).
FOCUSED = """() => {
  const e = document.activeElement;
  return {tag: e.tagName, name: e.getAttribute("name"), value: e.getAttribute("value")};
}"""


def a_store_with_rows(statuses, locale=None):
    """A store with a row per status (INV-1, INV-2, ...) and its owner."""
    store = make_store("Toko A")
    outlet = Outlet(store_id=store.id, iseller_id="Kemang", name="Kemang")
    db.session.add(outlet)
    db.session.flush()
    for n, status in enumerate(statuses, start=1):
        db.session.add(SyncActivity(
            store_id=store.id, outlet_id=outlet.id, kind=ActivityKind.SALES_INVOICE,
            source_kind="x", source_id=n, source_number=f"INV-{n}", source_at=DAY,
            status=status, created_at=DAY,
            reason="Item KN-9 is not in Accurate." if status == Status.FAILED else None))
    owner = make_user(Role.OWNER, store)
    owner.locale = locale
    db.session.commit()
    return store, owner


def add_row(store, number: str) -> None:
    """A new document arrives, sent at once: the next poll redraws the table."""
    db.session.add(SyncActivity(store_id=store.id, kind=ActivityKind.SALES_INVOICE,
                                source_kind="x", source_id=hash(number) % 10_000,
                                source_number=number, source_at=DAY, status=Status.SUCCESS,
                                attempts=1))
    db.session.commit()


def on_screen(page) -> float:
    """Where the focused control is in the window: the reader's place."""
    return page.evaluate("document.activeElement.getBoundingClientRect().top")


def test_a_live_poll_after_sign_out_in_another_tab_leads_the_window_to_sign_in_in_the_users_language(  # noqa: E501
        live_server, page):
    store, owner = a_store_with_rows([Status.FAILED], locale="id")
    sign_in(page, live_server, owner.email, PASSWORD)
    page.goto(f"{live_server}/stores/{store.id}/activity")
    expect(page.get_by_role("heading", level=1)).to_have_text("Aktivitas sinkronisasi")

    other_tab = page.context.new_page()
    other_tab.goto(f"{live_server}/stores/{store.id}/")
    other_tab.locator("form[action$='/logout'] button").click()
    # The sign-in page after signing out speaks the user's language, though nobody is
    # signed in to say which.
    expect(other_tab.get_by_role("heading", level=1)).to_have_text("Masuk ke isacc")
    expect(other_tab.locator("#toasts")).to_contain_text("Anda sudah keluar.")

    # The first tab's next poll: the whole window goes to the sign-in page, which comes
    # back to the activity page, in Bahasa Indonesia with a word on why.
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fstores%2F\d+%2Factivity"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Masuk ke isacc")
    expect(page.locator("#toasts")).to_contain_text("Silakan masuk untuk melanjutkan.")
    expect(page.get_by_test_id("activity-table")).to_have_count(0)


def test_focus_and_scroll_survive_a_live_redraw_of_the_activity_table(live_server, page):
    store, owner = a_store_with_rows([Status.FAILED] * 3 + [Status.SUCCESS] * 20)
    ids = dict(db.session.execute(select(SyncActivity.source_number, SyncActivity.id)).all())
    inv2, inv10 = ids["INV-2"], ids["INV-10"]
    page.set_viewport_size({"width": 1280, "height": 500})
    sign_in(page, live_server, owner.email, PASSWORD)
    page.goto(f"{live_server}/stores/{store.id}/activity")
    page.evaluate("window.scrollTo(0, 250)")
    tick = page.get_by_label("Select INV-2")
    tick.focus()
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 0  # the test means something only with the page scrolled

    # Another row is tried once more: the table redraws itself.
    db.session.execute(db.update(SyncActivity).where(SyncActivity.source_number == "INV-10")
                       .values(attempts=7))
    db.session.commit()
    expect(page.get_by_test_id(f"activity-{inv10}").locator("td.num")).to_have_text("7")
    assert page.evaluate(FOCUSED) == {"tag": "INPUT", "name": "activity", "value": str(inv2)}
    assert page.evaluate("window.scrollY") == scrolled

    # A new row above: the focus stays, and so does the control's place in the window
    # (the browser scrolls by the new row's height to keep it there).
    page.get_by_role("button", name="Refresh INV-3").focus()
    place = on_screen(page)
    add_row(store, "INV-NEW-1")
    expect(page.locator("#activity-rows")).to_contain_text("INV-NEW-1")
    assert page.evaluate(FOCUSED)["name"] == "one"
    assert abs(on_screen(page) - place) < 1
    page.get_by_role("link", name="INV-1", exact=True).focus()
    add_row(store, "INV-NEW-2")
    expect(page.locator("#activity-rows")).to_contain_text("INV-NEW-2")
    assert page.evaluate("document.activeElement.textContent") == "INV-1"


def test_focus_stays_on_its_setting_through_an_autosave(live_server, page):
    store = build_demo()
    page.set_viewport_size({"width": 1280, "height": 500})
    sign_in(page, live_server, OWNER_EMAIL, OWNER_PASSWORD)
    page.goto(f"{live_server}/stores/{store.id}/settings/")
    switch = page.get_by_label("Use the iSeller customer ID as the Accurate customer number")
    switch.focus()
    scrolled = page.evaluate("window.scrollY")
    # Another setting changes (as a click elsewhere would, without moving the focus).
    page.evaluate("""() => {
      const other = document.querySelector("input[name=transfer_sync_scheduled]");
      other.checked = !other.checked;
      other.dispatchEvent(new Event("change", {bubbles: true}));
    }""")
    expect(page.get_by_test_id("toast").last).to_contain_text("Settings saved.")
    assert page.evaluate(FOCUSED)["name"] == "customer_id_mapping"
    assert page.evaluate("window.scrollY") == scrolled

    # Toggled from the keyboard, the switch itself keeps the focus through its own save.
    page.keyboard.press("Space")
    expect(page.get_by_test_id("toast")).to_have_count(2)
    assert page.evaluate(FOCUSED)["name"] == "customer_id_mapping"


def posts_to(page, path: str) -> list:
    sent = []
    page.on("request", lambda r: sent.append(r) if r.method == "POST" and path in r.url else None)
    return sent


def test_double_clicking_refresh_all_failed_sends_one_request(live_server, page):
    store, owner = a_store_with_rows([Status.FAILED, Status.FAILED])
    sign_in(page, live_server, owner.email, PASSWORD)
    page.goto(f"{live_server}/stores/{store.id}/activity")
    page.on("dialog", lambda dialog: dialog.accept())
    sent = posts_to(page, "/activity/refresh")
    page.get_by_role("button", name="Refresh all failed (filtered)").dblclick()
    expect(page.locator("#refresh-progress")).to_contain_text(
        "Sending 2 rows again: 0 sent, 2 waiting.")
    page.wait_for_timeout(1500)  # a second answer, if any, would have replaced it by now
    expect(page.locator("#refresh-progress")).to_contain_text("Sending 2 rows again")
    assert len(sent) == 1


def test_double_clicking_a_rows_refresh_sends_one_request(live_server, page):
    store, owner = a_store_with_rows([Status.FAILED])
    sign_in(page, live_server, owner.email, PASSWORD)
    page.goto(f"{live_server}/stores/{store.id}/activity")
    sent = posts_to(page, "/activity/refresh")
    page.get_by_role("button", name="Refresh INV-1").dblclick()
    expect(page.locator("#refresh-progress")).to_contain_text(
        "Sending 1 row again: 0 sent, 1 waiting.")
    page.wait_for_timeout(1500)
    expect(page.locator("#refresh-progress")).not_to_contain_text("Nothing to refresh")
    assert len(sent) == 1


def test_refresh_all_failed_with_no_failed_row_in_the_filter_says_so(live_server, page):
    store, owner = a_store_with_rows([Status.SUCCESS])
    sign_in(page, live_server, owner.email, PASSWORD)
    page.goto(f"{live_server}/stores/{store.id}/activity")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Refresh all failed (filtered)").click()
    expect(page.locator("#refresh-progress")).to_have_text("No failed rows match these filters.")
