"""The sync-activity table in a browser: filters, the reason dialog, refresh, live rows."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from isacc.extensions import db
from isacc.models import ActivityKind, Outlet, Role, Status, SyncActivity
from tests.conftest import PASSWORD, make_store, make_user
from tests.e2e.conftest import sign_in
from tests.sync.conftest import Shop, setup_shop

DAY = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)  # 10:00 in Jakarta
ROWS = [  # number, outlet, kind, status, days after DAY
    ("INV-1", "Kemang", ActivityKind.SALES_INVOICE, Status.SUCCESS, 0),
    ("INV-2", "Kemang", ActivityKind.SALES_INVOICE, Status.FAILED, 1),
    ("TR-1", "Dago", ActivityKind.TRANSFER_OUT, Status.FAILED, 2),
    ("ADJ-1", "Dago", ActivityKind.STOCK_ADJUSTMENT, Status.PENDING, 3),
]


@pytest.fixture
def seeded(app):
    store = make_store("Toko A")
    outlets = {name: Outlet(store_id=store.id, iseller_id=name, name=name)
               for name in ("Kemang", "Dago")}
    db.session.add_all(outlets.values())
    db.session.flush()
    for n, (number, outlet, kind, status, days) in enumerate(ROWS):
        db.session.add(SyncActivity(
            store_id=store.id, outlet_id=outlets[outlet].id, kind=kind, source_kind="x",
            source_id=n, source_number=number, source_at=DAY, status=status,
            reason="Item KN-9 is not in Accurate." if status == Status.FAILED else None,
            next_step="Add item KN-9 in Accurate, then refresh." if number == "INV-2" else None,
            created_at=DAY + timedelta(days=days)))
    owner = make_user(Role.OWNER, store)
    db.session.commit()
    return store, owner


def expect_shown(page, numbers: list[str]) -> None:
    """The table shows exactly these iSeller numbers, top to bottom (waiting for the swap)."""
    expect(page.locator("#activity-rows tr[data-status] td:nth-child(5)")).to_have_text(numbers)


def test_each_filter_and_a_combination_show_only_matching_rows(live_server, page, seeded):
    store, owner = seeded
    sign_in(page, live_server, owner.email, PASSWORD)
    page.goto(f"{live_server}/stores/{store.id}/activity")
    expect_shown(page, ["ADJ-1", "TR-1", "INV-2", "INV-1"])
    page.evaluate("window.sameDocument = true")  # gone if anything reloads the page

    page.get_by_label("Status").select_option("failed")
    expect(page).to_have_url(re.compile(r"status=failed"))
    expect_shown(page, ["TR-1", "INV-2"])

    page.get_by_label("Status").select_option("")
    page.get_by_label("Outlet").select_option(label="Dago")
    expect_shown(page, ["ADJ-1", "TR-1"])

    page.get_by_label("Outlet").select_option("")
    page.get_by_label("Type").select_option("sales_invoice")
    expect_shown(page, ["INV-2", "INV-1"])

    page.get_by_label("Type").select_option("")
    page.get_by_label("From", exact=True).fill("2026-11-21")
    page.get_by_label("To", exact=True).fill("2026-11-22")
    page.get_by_label("To", exact=True).dispatch_event("change")
    expect_shown(page, ["TR-1", "INV-2"])

    # A combination: failed, at Kemang, within those dates.
    page.get_by_label("Status").select_option("failed")
    page.get_by_label("Outlet").select_option(label="Kemang")
    expect_shown(page, ["INV-2"])
    expect(page).to_have_url(re.compile(r"status=failed&outlet=\d+&type=&start=2026-11-21"))
    assert page.evaluate("window.sameDocument") is True  # htmx swapped, nothing reloaded

    # The URL is shareable: opened afresh, it shows the same rows with the filters set.
    shared = page.url
    page.goto(shared)
    expect(page.get_by_label("Status")).to_have_value("failed")
    expect_shown(page, ["INV-2"])
    # ...and the back button returns to the previous filters.
    page.go_back()
    expect(page).not_to_have_url(shared)
    expect_shown(page, ["TR-1", "INV-2"])  # failed within the dates, any outlet


def test_the_reason_of_a_failed_row_opens_in_a_dialog_with_the_next_step(
        live_server, page, seeded):
    store, owner = seeded
    sign_in(page, live_server, owner.email, PASSWORD)
    page.goto(f"{live_server}/stores/{store.id}/activity")
    page.get_by_role("link", name="Why: INV-2").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_test_id("reason")).to_have_text("Item KN-9 is not in Accurate.")
    expect(dialog.get_by_test_id("next-step")).to_have_text(
        "Add item KN-9 in Accurate, then refresh.")
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()
    # A failure without a recorded next step still says what to do.
    page.get_by_role("link", name="Why: TR-1").click()
    expect(dialog.get_by_test_id("next-step")).to_contain_text("then press Refresh")


def failed_invoice(client, sandbox, live_server, page, number: str, sku: str):
    """An invoice whose item Accurate lacks, failed through the sandbox; its owner signed in."""
    shop = Shop(client, setup_shop(client, sandbox), sandbox)
    [invoice_id, _] = shop.order(number, lines=((sku, 1, 5000),))
    shop.drain()
    assert shop.activity(invoice_id).status == Status.FAILED
    owner = make_user(Role.OWNER, shop.store)
    db.session.commit()
    sign_in(page, live_server, owner.email, PASSWORD)
    return shop, invoice_id


def test_refresh_turns_a_failed_row_pending_then_success_once_the_cause_is_fixed(
        app, client, sandbox, live_server, page):
    shop, invoice_id = failed_invoice(client, sandbox, live_server, page, "INV-77", "NEW-77")
    # No status filter: a refreshed row leaves a "failed" filter, as it should.
    page.goto(f"{live_server}/stores/{shop.store.id}/activity?type=sales_invoice")
    row = page.get_by_test_id(f"activity-{invoice_id}")
    expect(row).to_have_attribute("data-status", "failed")
    page.get_by_role("link", name="Why: INV-77").click()
    expect(page.get_by_role("dialog").get_by_test_id("reason")).to_contain_text("NEW-77")
    page.get_by_role("dialog").get_by_role("button", name="Close").click()

    row.get_by_role("button", name="Refresh INV-77").click()
    expect(row).to_have_attribute("data-status", "pending")
    expect(page.locator("#refresh-progress")).to_contain_text(
        "Sending 1 row again: 0 sent, 1 waiting.")
    # The owner adds the item in Accurate; the worker sends the invoice.
    shop.accurate.save("item", {"no": "NEW-77", "name": "Baru", "itemType": "INVENTORY",
                                "detailOpenBalance": [
        {"quantity": 5, "unitCost": 1, "warehouseName": "Gudang Kemang"}]})
    shop.drain()
    assert shop.activity(invoice_id).status == Status.SUCCESS
    expect(row).to_have_attribute("data-status", "success")
    expect(page.locator("#refresh-progress")).to_contain_text("Refresh finished: 1 of 1 sent.")


def test_a_failure_reads_in_bahasa_indonesia_with_accurates_own_words(
        app, client, sandbox, live_server, page):
    shop, _ = failed_invoice(client, sandbox, live_server, page, "INV-78", "NEW-78")
    page.get_by_test_id("language-id").click()
    expect(page.locator("html")).to_have_attribute("lang", "id")
    page.goto(f"{live_server}/stores/{shop.store.id}/activity?type=sales_invoice")
    page.get_by_role("link", name="Mengapa: INV-78").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_test_id("reason")).to_have_text("Barang NEW-78 tidak ada di Accurate.")
    expect(dialog.get_by_test_id("next-step")).to_have_text(
        "Ekspor produk Anda dari isacc dan impor ke Accurate, lalu segarkan.")
    # Accurate's own message, as it answered, beside the explanation.
    expect(dialog.get_by_test_id("accurate-words")).to_contain_text('"NEW-78" tidak ditemukan')
    # The whole-row page says the same.
    dialog.get_by_role("link", name="Semua rincian baris ini").click()
    expect(page.get_by_test_id("reason")).to_have_text("Barang NEW-78 tidak ada di Accurate.")


def test_a_receipt_waiting_on_a_failed_invoice_says_for_which_in_its_dialog(
        app, client, sandbox, live_server, page):
    shop, invoice_id = failed_invoice(client, sandbox, live_server, page, "INV-79", "NEW-79")
    receipt_id = db.session.scalar(db.select(SyncActivity.id).where(
        SyncActivity.waits_for_id == invoice_id))
    page.goto(f"{live_server}/stores/{shop.store.id}/activity")
    row = page.get_by_test_id(f"activity-{receipt_id}")
    expect(row).to_have_attribute("data-status", "pending")
    expect(row.get_by_test_id("waiting")).to_have_text(
        "Waits for sales invoice INV-79, which failed.")
    row.get_by_role("link", name="Why: INV-79-1").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_test_id("reason")).to_have_text(
        "Waits for sales invoice INV-79, which failed.")
    expect(dialog.get_by_test_id("next-step")).to_contain_text(
        "Fix and refresh the document it waits for")
    expect(dialog).not_to_contain_text("No problem recorded")
    # The invoice it names is one click away, with its own reason.
    dialog.get_by_role("link", name="sales invoice INV-79").click()
    expect(page.get_by_test_id("reason")).to_contain_text("NEW-79")


def test_a_row_from_an_inbound_event_appears_in_the_open_table(
        app, client, sandbox, live_server, page):
    shop = Shop(client, setup_shop(client, sandbox), sandbox)
    owner = make_user(Role.OWNER, shop.store)
    db.session.commit()
    sign_in(page, live_server, owner.email, PASSWORD)
    page.goto(f"{live_server}/stores/{shop.store.id}/activity?type=sales_invoice")
    expect(page.locator("#activity-rows")).to_contain_text("Nothing here with these filters")
    page.evaluate("window.sameDocument = true")
    [invoice_id, receipt_id] = shop.order("INV-88")
    expect(page.get_by_test_id(f"activity-{invoice_id}")).to_contain_text("INV-88")
    expect(page.get_by_test_id(f"activity-{invoice_id}")).to_have_attribute(
        "data-status", "pending")
    expect(page.get_by_test_id(f"activity-{receipt_id}")).to_have_count(0)  # not an invoice
    shop.drain()
    expect(page.get_by_test_id(f"activity-{invoice_id}")).to_have_attribute(
        "data-status", "success")
    assert page.evaluate("window.sameDocument") is True


def test_the_overview_status_panel_and_chart_follow_new_documents(live_server, page, seeded):
    store, owner = seeded
    sign_in(page, live_server, owner.email, PASSWORD)
    panel = page.get_by_test_id("sync-status")
    expect(panel.get_by_test_id("count-failed")).to_contain_text("2")
    expect(panel.locator("svg g[data-day]")).to_have_count(14)
    page.evaluate("window.sameDocument = true")
    db.session.add(SyncActivity(store_id=store.id, kind=ActivityKind.SALES_INVOICE,
                                source_kind="x", source_id=99, source_number="INV-99",
                                source_at=DAY, status=Status.FAILED))
    db.session.commit()
    expect(panel.get_by_test_id("count-failed")).to_contain_text("3")
    today = panel.locator("svg g[data-day]").last
    expect(today.locator("rect.bar-failed")).to_have_count(1)
    assert page.evaluate("window.sameDocument") is True


def test_the_support_page_shows_new_failures_of_every_store_live(live_server, page, seeded):
    store, _ = seeded
    other = make_store("Toko B")
    support = make_user(Role.SUPPORT)
    db.session.commit()
    sign_in(page, live_server, support.email, PASSWORD)
    page.goto(f"{live_server}/support/")
    table = page.get_by_test_id("support-table")
    expect(table.locator("tbody tr")).to_have_count(2)  # the two failures of Toko A
    failure = SyncActivity(store_id=other.id, kind=ActivityKind.TRANSFER_OUT, source_kind="x",
                           source_id=1, source_number="TR-B", source_at=DAY,
                           status=Status.FAILED, reason="Warehouse Gudang B is not in Accurate.")
    db.session.add(failure)
    db.session.commit()
    row = page.get_by_test_id(f"support-{failure.id}")
    expect(row).to_contain_text("Toko B")
    expect(row).to_contain_text("Warehouse Gudang B is not in Accurate.")
    expect(table.locator("tbody tr")).to_have_count(3)


def test_a_failed_rows_own_page_refreshes_it_without_javascript(live_server, browser, seeded):
    store, owner = seeded
    inv2 = db.session.scalar(select(SyncActivity.id).where(SyncActivity.source_number == "INV-2"))
    context = browser.new_context(java_script_enabled=False)
    plain = context.new_page()
    try:
        sign_in(plain, live_server, owner.email, PASSWORD)
        plain.goto(f"{live_server}/stores/{store.id}/activity")
        # Without JavaScript the "!" is a link to the row's own page.
        plain.get_by_role("link", name="Why: INV-2").click()
        row_page = f"{live_server}/stores/{store.id}/activity/{inv2}"
        expect(plain).to_have_url(row_page)
        plain.get_by_role("button", name="Refresh now").click()
        expect(plain).to_have_url(row_page)
        expect(plain.locator("#toasts")).to_contain_text("Sending 1 row again.")
        expect(plain.locator(".facts .badge")).to_have_text("Pending")
        expect(plain.get_by_role("button", name="Refresh now")).to_have_count(0)
    finally:
        context.close()
    db.session.expire_all()
    assert db.session.get(SyncActivity, inv2).status == Status.PENDING
