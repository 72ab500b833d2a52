"""Send the count anyway, in a browser: a stock opname waiting for a failed sale of its item."""

from playwright.sync_api import expect

from isacc.extensions import db
from isacc.models import Role, Status
from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import sign_in
from tests.sync.conftest import Shop, setup_shop


def test_the_owner_reads_what_it_means_then_sends_the_count(
        app, client, sandbox, live_server, page):
    shop = Shop(client, setup_shop(client, sandbox), sandbox)
    [invoice_id, _] = shop.order("INV-81", lines=(("K-1", 2, 25000), ("NEW-81", 1, 5000)))
    [opname_id] = shop.send("stock-opnames", stock_opname={
        "id": "s-81", "number": "SO-81", "outlet_id": "OUT-1",
        "counted_at": "2026-11-24T20:00:00+07:00",
        "lines": [{"sku": "K-1", "system_quantity": 99998, "counted_quantity": 99990}]})
    shop.drain()
    assert shop.activity(invoice_id).status == Status.FAILED
    owner = make_user(Role.OWNER, shop.store)
    db.session.commit()
    sign_in(page, live_server, owner.email, PASSWORD)
    page.goto(f"{live_server}/stores/{shop.store.id}/activity")
    row = page.get_by_test_id(f"activity-{opname_id}")
    expect(row.get_by_test_id("waiting")).to_have_text(
        "Waits for sales invoice INV-81, which failed.")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    row.get_by_role("button", name="Send stock opname SO-81 anyway").click()
    expect(page.locator("#refresh-progress")).to_contain_text(
        "Stock opname SO-81 goes without waiting for the failed documents.")
    assert asked and asked[0].startswith(
        "Accurate takes the count now, without sales invoice INV-81, which failed.")
    shop.drain()
    assert shop.activity(opname_id).status == Status.SUCCESS
    expect(row).to_have_attribute("data-status", "success")
