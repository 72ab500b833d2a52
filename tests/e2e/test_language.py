"""Switching the language: the overview, settings, activity, outlets, products and webhook
log pages entirely in the other language, and the choice kept for the user."""

import re
from functools import cache

from babel.messages.pofile import read_po
from playwright.sync_api import expect

from isacc.demo import DEMO_LOGINS, build_demo
from tests.e2e.conftest import sign_in
from tests.test_i18n import CATALOGUE

OWNER_EMAIL, OWNER_PASSWORD = DEMO_LOGINS[0][:2]
# English a reader would see on these pages if anything were left untranslated.
ENGLISH = ["Overview", "Settings", "Sync activity", "Synchronisation", "Last sync", "Pending",
           "Success", "Failed", "Set-up", "Connect Accurate", "Sign out", "Refresh", "Type",
           "From", "Older rows", "Real time", "Customers", "Transfers", "Received",
           "Attempts", "Nothing here", "Sales invoice", "Map outlets", "Choose", "Times shown"]


# The same for the outlets, products and webhook log pages.
ENGLISH_STORE_PAGES = [
    "Outlets", "Branch", "Warehouse", "Active", "billable", "Products", "SKU problems",
    "without a SKU", "with a duplicated SKU", "Show them", "Export products", "Export new",
    "Category", "Price", "In Accurate", "exported", "missing", "Every product", "Export refused",
    "Fix the SKU problems", "Webhook log", "What Accurate sends", "Event", "Received",
    "Attempts", "Refresh", "Select", "Action", "Pending", "Success", "Failed", "No events",
    "Older rows", "Type", "From", "Sales invoice", "Purchase order", "Receive item",
]


# Every text node of the page, hidden ones too (dialogs, templates htmx shows later), and
# the attributes a reader or a screen reader meets.
TEXTS_ON_THE_PAGE = """() => {
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement.closest("script, style")) texts.push(node.textContent);
  }
  for (const element of document.querySelectorAll("[aria-label], [title], [placeholder]")) {
    for (const name of ["aria-label", "title", "placeholder"]) {
      if (element.hasAttribute(name)) texts.push(element.getAttribute(name));
    }
  }
  for (const option of document.querySelectorAll("option")) texts.push(option.label);
  return texts.map(text => text.replace(/\\s+/g, " ").trim()).filter(Boolean);
}"""


@cache
def english_sentences() -> list[re.Pattern]:
    """Each English text the catalogue translates into something else, as a pattern whose
    placeholders match anything: seen on an Indonesian page, it was left untranslated."""
    patterns = []
    for message in read_po(CATALOGUE.open("rb"), locale="id"):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english in ids:
            if not english or english in strings:
                continue
            words = re.escape(" ".join(english.split()))
            patterns.append(re.compile(re.sub(r"%(?:\\\(\w+\\\))?[sd]", ".+", words)))
    return patterns


def untranslated(page) -> list[str]:
    """The texts on the page that are a whole catalogue entry still in English."""
    return sorted({text for text in page.evaluate(TEXTS_ON_THE_PAGE)
                   for english in english_sentences() if english.fullmatch(text)})


def english_left(page, words=ENGLISH) -> list[str]:
    text = page.locator("body").inner_text()
    return [word for word in words if re.search(rf"\b{re.escape(word)}\b", text)] + \
        untranslated(page)


def test_switching_to_bahasa_indonesia_translates_overview_settings_and_activity(
        live_server, page):
    store = build_demo()
    sign_in(page, live_server, OWNER_EMAIL, OWNER_PASSWORD)
    expect(page.get_by_role("link", name="Overview", exact=True)).to_be_visible()
    assert len(untranslated(page)) > 10  # the check sees English where English is shown
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


def test_outlets_products_and_the_webhook_log_in_bahasa_indonesia(live_server, page):
    store = build_demo()
    sign_in(page, live_server, OWNER_EMAIL, OWNER_PASSWORD)
    page.get_by_test_id("language-id").click()
    expect(page.locator("html")).to_have_attribute("lang", "id")

    page.get_by_role("link", name="Outlet", exact=True).click()
    expect(page.get_by_role("heading", name="Outlet", exact=True)).to_be_visible()
    expect(page.get_by_role("columnheader", name="Gudang")).to_be_visible()
    assert english_left(page, ENGLISH_STORE_PAGES) == []

    page.get_by_role("link", name="Produk", exact=True).click()
    panel = page.get_by_test_id("sku-problems")
    expect(panel.get_by_role("heading", name="Masalah SKU")).to_be_visible()
    panel.get_by_role("button", name="Tampilkan").first.click()  # an htmx partial
    expect(page.get_by_test_id("sku-details-missing").locator("li")).to_have_count(2)
    expect(page.get_by_test_id("sku-details-missing")).to_contain_text("ID iSeller")
    assert english_left(page, ENGLISH_STORE_PAGES) == []
    page.get_by_test_id("export-all").click()  # refused: a message from Python
    expect(page.locator(".toast-error")).to_contain_text(
        "Ekspor ditolak. Perbaiki dulu masalah SKU")
    assert english_left(page, ENGLISH_STORE_PAGES) == []

    page.get_by_role("link", name="Log webhook", exact=True).click()
    expect(page.get_by_role("heading", name="Log webhook")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Kejadian")).to_be_visible()
    assert english_left(page, ENGLISH_STORE_PAGES) == []
    page.get_by_label("Status").select_option("failed")  # the rows come back in Indonesian
    expect(page).to_have_url(re.compile("status=failed"))
    expect(page.locator("#webhook-rows")).to_contain_text(
        re.compile("Gagal|Tidak ada kejadian dari Accurate dengan saringan ini"))
    assert english_left(page, ENGLISH_STORE_PAGES) == []
    assert f"/stores/{store.id}/webhooks" in page.url
