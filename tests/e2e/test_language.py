"""Switching the language: the overview, settings and activity pages entirely in the other
language, and the choice kept for the user."""

import re

from playwright.sync_api import expect

from isacc.demo import DEMO_LOGINS, build_demo
from tests.e2e.conftest import sign_in

OWNER_EMAIL, OWNER_PASSWORD = DEMO_LOGINS[0][:2]
# English a reader would see on these pages if anything were left untranslated.
ENGLISH = ["Overview", "Settings", "Sync activity", "Synchronisation", "Last sync", "Pending",
           "Success", "Failed", "Set-up", "Connect Accurate", "Sign out", "Refresh", "Type",
           "From", "Older rows", "Real time", "Customers", "Transfers", "Received",
           "Attempts", "Nothing here", "Sales invoice", "Map outlets", "Choose", "Times shown"]


def english_left(page) -> list[str]:
    text = page.locator("body").inner_text()
    return [word for word in ENGLISH if re.search(rf"\b{re.escape(word)}\b", text)]


def test_switching_to_bahasa_indonesia_translates_overview_settings_and_activity(
        live_server, page):
    store = build_demo()
    sign_in(page, live_server, OWNER_EMAIL, OWNER_PASSWORD)
    expect(page.get_by_role("link", name="Overview", exact=True)).to_be_visible()
    page.get_by_test_id("language-id").click()

    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("link", name="Ringkasan", exact=True)).to_be_visible()
    expect(page.get_by_test_id("sync-status")).to_contain_text("Sinkronisasi terakhir")
    expect(page.get_by_test_id("setup-checklist")).to_contain_text("Petakan outlet")
    assert english_left(page) == []

    page.get_by_role("link", name="Pengaturan", exact=True).click()
    expect(page.get_by_role("heading", name="Pengaturan sinkronisasi")).to_be_visible()
    expect(page.get_by_label("Pada jam terjadwal", exact=True)).to_be_visible()
    assert english_left(page) == []

    page.get_by_role("link", name="Aktivitas sinkronisasi", exact=True).click()
    expect(page.get_by_role("heading", name="Aktivitas sinkronisasi")).to_be_visible()
    expect(page.get_by_label("Jenis")).to_be_visible()
    page.get_by_label("Status").select_option("pending")  # htmx partials come back in Indonesian
    expect(page).to_have_url(re.compile("status=pending"))
    # The swapped rows (or their empty state) are in Indonesian too.
    expect(page.locator("#activity-rows")).to_contain_text(
        re.compile("Menunggu|Tidak ada data dengan saringan ini"))
    assert english_left(page) == []

    # The choice stays with the user, and switching back works the same way.
    page.goto(f"{live_server}/stores/{store.id}/")
    expect(page.get_by_role("link", name="Ringkasan", exact=True)).to_be_visible()
    page.get_by_test_id("language-en").click()
    expect(page.get_by_role("link", name="Overview", exact=True)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
