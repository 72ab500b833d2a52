from playwright.sync_api import expect

from isacc.demo import DEMO_LOGINS, build_demo
from tests.e2e.conftest import sign_in

OWNER_EMAIL, OWNER_PASSWORD = DEMO_LOGINS[0][:2]


def test_each_setting_saves_on_change_and_survives_a_reload(live_server, page):
    store = build_demo()
    sign_in(page, live_server, OWNER_EMAIL, OWNER_PASSWORD)
    page.goto(f"{live_server}/stores/{store.id}/settings/")
    page.get_by_label("At scheduled hours", exact=True).check()
    expect(page.get_by_test_id("toast").last).to_contain_text("Settings saved.")
    page.get_by_label("Transfer times (HH:MM)").fill("22:30, 6:00")
    page.get_by_label("Send transfers and stock counts at scheduled hours").check()
    expect(page.get_by_test_id("toast")).to_have_count(2)
    page.get_by_label("Use the iSeller customer ID as the Accurate customer number").uncheck()
    expect(page.get_by_test_id("toast")).to_have_count(3)

    page.reload()
    expect(page.get_by_label("At scheduled hours", exact=True)).to_be_checked()
    expect(page.get_by_label("Send transfers and stock counts at scheduled hours")).to_be_checked()
    expect(page.get_by_label("Transfer times (HH:MM)")).to_have_value("06:00, 22:30")
    expect(page.get_by_label(
        "Use the iSeller customer ID as the Accurate customer number")).not_to_be_checked()


def test_a_bad_time_is_named_and_not_saved(live_server, page):
    store = build_demo()
    sign_in(page, live_server, OWNER_EMAIL, OWNER_PASSWORD)
    page.goto(f"{live_server}/stores/{store.id}/settings/")
    page.get_by_label("Scheduled times (HH:MM, separated by commas)").fill("12:00, 25:00")
    page.get_by_label("Scheduled times (HH:MM, separated by commas)").blur()
    expect(page.get_by_role("alert")).to_contain_text("'25:00' is not a time of day")
    page.reload()
    expect(page.get_by_label("Scheduled times (HH:MM, separated by commas)")).to_have_value(
        "12:00, 21:00")
