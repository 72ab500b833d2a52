"""A stock opname waits only for the earlier movements of the items it counts; behind a failed
one, the owner may send the count anyway. Through the sandbox, and the web app for the button."""

import re

import pytest
from sqlalchemy import event as sql_events
from sqlalchemy.engine import Engine

from isacc.extensions import db
from isacc.models import Role, Status, SyncMode
from isacc.sync.engine import run_lane
from isacc.sync.lanes import lanes_due
from isacc.sync.opname import waits
from isacc.sync.refresh import refresh
from tests.conftest import csrf_from, login, make_user, post_event
from tests.sync.conftest import T0

COUNTED_AT = "2026-11-24T20:00:00+07:00"  # after every order here (T0 is 10:15 that day)
HX = {"HX-Request": "true"}


def count(shop, number, lines, outlet="OUT-1"):
    """A stock opname of (sku, system quantity, counted quantity) lines; its row's id."""
    [opname_id] = shop.send("stock-opnames", stock_opname={
        "id": f"s-{number}", "number": number, "outlet_id": outlet, "counted_at": COUNTED_AT,
        "lines": [{"sku": sku, "system_quantity": system, "counted_quantity": counted}
                  for sku, system, counted in lines]})
    return opname_id


def stock(shop, sku, warehouse="Gudang Kemang"):
    """The item's stock in the warehouse, as the sandbox's own item detail reads it."""
    return {w["name"]: w["balance"] for w in
            shop.accurate.detail("item", no=sku)["detailWarehouseData"]}[warehouse]


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def row_html(client, store, activity_id) -> str:
    rows = client.get(f"/stores/{store.id}/activity", headers=HX).get_data(as_text=True)
    return re.search(rf'<tr data-testid="activity-{activity_id}".*?</tr>', rows, re.S)[0]


def test_a_count_goes_past_a_failed_invoice_of_other_items(shop):
    [invoice_id, _] = shop.order("INV-1", lines=(("GONE-1", 1, 1000),))
    opname_id = count(shop, "SO-1", [("K-1", 100000, 99990)])
    shop.drain()
    assert shop.activity(invoice_id).status == Status.FAILED
    opname = shop.activity(opname_id)
    assert opname.status == Status.SUCCESS and opname.waits_for_id is None
    # Nothing of the failed sale touched K-1: Accurate has exactly what was counted.
    assert stock(shop, "K-1") == 99990


# An earlier movement at Kemang of K-1 and of an item Accurate lacks (so it fails, or waits for
# what failed), as iSeller sends each kind; returns the Kemang row of it.
MOVEMENTS = {
    "transfer_in": lambda shop: shop.send("transfers", transfer={
        "id": "t-in", "number": "TR-IN", "from_outlet_id": "OUT-2", "to_outlet_id": "OUT-1",
        "sent_at": T0, "lines": [{"sku": "K-1", "quantity": 3}, {"sku": "NEW-T", "quantity": 1}]
    })[1],
    "transfer_out": lambda shop: shop.send("transfers", transfer={
        "id": "t-out", "number": "TR-OUT", "from_outlet_id": "OUT-1", "to_outlet_id": "OUT-2",
        "sent_at": T0, "lines": [{"sku": "K-1", "quantity": 3}, {"sku": "NEW-U", "quantity": 1}]
    })[0],
    "stock_adjustment": lambda shop: shop.send("stock-adjustments", stock_adjustment={
        "id": "a-1", "number": "ADJ-1", "outlet_id": "OUT-1", "adjusted_at": T0,
        "lines": [{"sku": "K-1", "quantity_change": -1}, {"sku": "NEW-A", "quantity_change": 2}]
    })[0],
    "stock_opname": lambda shop: shop.send("stock-opnames", stock_opname={
        "id": "s-early", "number": "SO-E", "outlet_id": "OUT-1",
        "counted_at": "2026-11-24T12:00:00+07:00",
        "lines": [{"sku": "K-1", "system_quantity": 5, "counted_quantity": 4},
                  {"sku": "NEW-O", "system_quantity": 1, "counted_quantity": 2}]})[0],
}


@pytest.mark.parametrize("kind", sorted(MOVEMENTS))
def test_every_kind_of_movement_holds_back_only_counts_of_its_items(shop, kind):
    movement_id = MOVEMENTS[kind](shop)
    kopi_id = count(shop, "SO-K", [("K-1", 100000, 99990)])
    rice_id = count(shop, "SO-R", [("R-1", 100000, 99990)])
    shop.drain()
    movement = shop.activity(movement_id)
    assert movement.kind == kind and movement.status != Status.SUCCESS
    kopi = shop.activity(kopi_id)
    assert kopi.status == Status.PENDING and kopi.waits_for_id == movement_id
    assert shop.activity(rice_id).status == Status.SUCCESS
    assert stock(shop, "R-1") == 99990


def test_a_count_waits_for_a_pending_invoice_of_its_item_and_says_which(shop, client):
    shop.store.sync_mode = SyncMode.SHIFT_CLOSE
    db.session.commit()
    assert post_event(client, shop.store, "shifts/open", {"event_id": "s-open", "shift": {
        "id": "SH-1", "outlet_id": "OUT-1", "register_name": "Kasir 1",
        "opened_at": T0}}).status_code == 202
    # Both sales wait for the shift to close; the first sold the counted item.
    [kopi_id, _] = shop.order("INV-2", lines=(("K-1", 2, 25000),), shift_id="SH-1")
    shop.order("INV-3", lines=(("R-1", 1, 30000),), shift_id="SH-1")
    opname_id = count(shop, "SO-2", [("K-1", 99998, 99990)])
    shop.drain()
    opname = shop.activity(opname_id)
    assert opname.status == Status.PENDING and opname.waits_for_id == kopi_id
    owner = make_user(Role.OWNER, shop.store)
    db.session.commit()
    login(client, owner.email)
    row = row_html(client, shop.store, opname_id)
    assert "Waits for sales invoice INV-2, which is still pending." in text_of(row)
    assert 'data-testid="send-anyway"' not in row  # nothing failed: nothing to choose
    assert post_event(client, shop.store, "shifts/close", {"event_id": "s-close", "shift": {
        "id": "SH-1", "outlet_id": "OUT-1", "opened_at": T0,
        "closed_at": COUNTED_AT}}).status_code == 202
    shop.drain()
    assert shop.activity(kopi_id).status == Status.SUCCESS
    assert shop.activity(opname_id).status == Status.SUCCESS
    assert stock(shop, "K-1") == 99990


def test_a_count_does_not_wait_for_a_pending_sale_of_other_items(shop, client):
    shop.store.sync_mode = SyncMode.SHIFT_CLOSE
    db.session.commit()
    post_event(client, shop.store, "shifts/open", {"event_id": "s-open", "shift": {
        "id": "SH-1", "outlet_id": "OUT-1", "register_name": "Kasir 1", "opened_at": T0}})
    [rice_id, _] = shop.order("INV-4", lines=(("R-1", 1, 30000),), shift_id="SH-1")
    opname_id = count(shop, "SO-4", [("K-1", 100000, 99995)])
    shop.drain()
    assert shop.activity(rice_id).status == Status.PENDING
    assert shop.activity(opname_id).status == Status.SUCCESS
    assert stock(shop, "K-1") == 99995


def test_a_count_behind_a_failed_invoice_of_its_item_can_be_sent_anyway_by_the_owner(
        shop, client):
    # The sale of K-1 fails (GONE-5 is not in Accurate): Accurate still has the 2 sold.
    [invoice_id, _] = shop.order("INV-5", lines=(("K-1", 2, 25000), ("GONE-5", 1, 1000)))
    opname_id = count(shop, "SO-5", [("K-1", 99998, 99990)])
    shop.drain()
    assert shop.activity(invoice_id).status == Status.FAILED
    opname = shop.activity(opname_id)
    assert opname.status == Status.PENDING and opname.waits_for_id == invoice_id
    store = shop.store
    support = make_user(Role.SUPPORT)
    owner = make_user(Role.OWNER, store)
    db.session.commit()

    # Support sees why, but sending stock past a failure is the owner's choice.
    login(client, support.email)
    row = row_html(client, store, opname_id)
    assert "Waits for sales invoice INV-5, which failed." in text_of(row)
    assert 'data-testid="send-anyway"' not in row
    page = client.get(f"/stores/{store.id}/activity/{opname_id}").get_data(as_text=True)
    assert "Send the count anyway" not in page
    refused = client.post(f"/stores/{store.id}/activity/{opname_id}/send-anyway",
                          data={"csrf_token": csrf_from(page)})
    assert refused.status_code == 403
    client.post("/logout", data={"csrf_token": csrf_from(page)})

    login(client, owner.email)
    row = row_html(client, store, opname_id)
    assert "Waits for sales invoice INV-5, which failed." in text_of(row)
    [button] = re.findall(r'<a role="button"[^>]*data-testid="send-anyway".*?</a>', row, re.S)
    assert f'hx-post="/stores/{store.id}/activity/{opname_id}/send-anyway"' in button
    assert "without sales invoice INV-5, which failed" in button  # what it means, first
    assert 'aria-label="Send stock opname SO-5 anyway"' in button
    page = client.get(f"/stores/{store.id}/activity/{opname_id}").get_data(as_text=True)
    assert "Or send the count anyway" in text_of(page)
    assert 'aria-describedby="send-anyway-means"' in page
    # In Bahasa Indonesia too.
    page_id = client.get(f"/stores/{store.id}/activity/{opname_id}",
                         headers={"Accept-Language": "id"}).get_data(as_text=True)
    assert "Tetap kirim hitungan ini" in page_id

    # Without the CSRF token the press is refused; with it, the count goes.
    assert client.post(f"/stores/{store.id}/activity/{opname_id}/send-anyway",
                       headers=HX).status_code == 400
    answer = client.post(f"/stores/{store.id}/activity/{opname_id}/send-anyway",
                         headers={**HX, "X-CSRFToken": csrf_from(page)})
    assert answer.status_code == 200 and answer.headers["HX-Trigger"] == "activity-changed"
    assert "Stock opname SO-5 goes without waiting for the failed documents." in text_of(
        answer.get_data(as_text=True))
    shop.drain()
    assert shop.activity(opname_id).status == Status.SUCCESS
    # Accurate took the counted difference (-8) while the 2 sold are still missing there.
    assert stock(shop, "K-1") == 99990 + 2
    # The failed invoice says why it failed as before; once fixed and sent, stock is the count.
    invoice = shop.activity(invoice_id)
    assert invoice.reason == "Item GONE-5 is not in Accurate."
    shop.accurate.save("item", {"no": "GONE-5", "name": "Baru", "itemType": "INVENTORY",
                                "detailOpenBalance": [
        {"quantity": 5, "unitCost": 1, "warehouseName": "Gudang Kemang"}]})
    refresh(store, [invoice_id])
    db.session.commit()
    shop.drain()
    assert shop.activity(invoice_id).status == Status.SUCCESS
    assert stock(shop, "K-1") == 99990
    # Pressed again once nothing failed is waited for, it says so.
    again = client.post(f"/stores/{store.id}/activity/{opname_id}/send-anyway",
                        headers={**HX, "X-CSRFToken": csrf_from(page)})
    assert "is not waiting for a failed document" in text_of(again.get_data(as_text=True))


def test_sent_anyway_the_count_still_waits_for_a_pending_movement_of_its_items(shop, client):
    [failed_id, _] = shop.order("INV-6", lines=(("K-1", 1, 25000), ("GONE-6", 1, 1000)))
    shop.drain()
    shop.store.sync_mode = SyncMode.SHIFT_CLOSE
    db.session.commit()
    post_event(client, shop.store, "shifts/open", {"event_id": "s-open", "shift": {
        "id": "SH-1", "outlet_id": "OUT-1", "register_name": "Kasir 1", "opened_at": T0}})
    [pending_id, _] = shop.order("INV-7", lines=(("K-1", 1, 25000),), shift_id="SH-1")
    opname_id = count(shop, "SO-6", [("K-1", 99998, 99990)])
    shop.drain()
    assert shop.activity(opname_id).waits_for_id == failed_id  # the earliest of the two
    owner = make_user(Role.OWNER, shop.store)
    db.session.commit()
    login(client, owner.email)
    page = client.get(f"/stores/{shop.store.id}/activity/{opname_id}").get_data(as_text=True)
    # From the row's own page, without JavaScript: back to that page, which says what's next.
    answer = client.post(f"/stores/{shop.store.id}/activity/{opname_id}/send-anyway",
                         data={"back": "row", "csrf_token": csrf_from(page)},
                         follow_redirects=True)
    shown = text_of(answer.get_data(as_text=True))
    assert "Stock opname SO-6 goes without waiting for the failed documents." in shown
    assert "Waits for sales invoice INV-7, which is still pending." in shown
    shop.drain()
    opname = shop.activity(opname_id)
    assert opname.status == Status.PENDING and opname.waits_for_id == pending_id


def test_a_count_left_pointing_at_a_failure_of_other_items_goes(shop):
    """A count pointed at an unrelated failed row (as when every movement of the outlet held
    counts back) is not ready, so the lane looks at it again and sends it."""
    [invoice_id, _] = shop.order("INV-8", lines=(("GONE-8", 1, 1000),))
    shop.drain()
    opname_id = count(shop, "SO-8", [("K-1", 100000, 99997)])
    opname = shop.activity(opname_id)
    opname.waits_for_id = invoice_id
    db.session.commit()
    # Not ready, but due: the scheduler's tick works its lane (what lanes.dispatch_due does).
    for lane in lanes_due(shop.store.id):
        run_lane(*lane)
    assert shop.activity(opname_id).status == Status.SUCCESS
    assert stock(shop, "K-1") == 99997


def test_what_a_count_waits_for_is_one_query_however_many_lines_and_rows(shop, client):
    shop.store.sync_mode = SyncMode.SHIFT_CLOSE
    db.session.commit()
    post_event(client, shop.store, "shifts/open", {"event_id": "s-open", "shift": {
        "id": "SH-1", "outlet_id": "OUT-1", "register_name": "Kasir 1", "opened_at": T0}})
    for n in range(30):  # pending sales of other items, then one of a counted item
        shop.order(f"INV-{n}", lines=((f"X-{n}", 1, 1000),), shift_id="SH-1")
    [last_id, _] = shop.order("INV-L", lines=(("Z-1999", 1, 1000),), shift_id="SH-1")
    opname_id = count(shop, "SO-9", [(f"Z-{n}", 10, 10) for n in range(2000)])
    opname = shop.activity(opname_id)
    seen = []

    def counted(*_):
        seen.append(1)
    sql_events.listen(Engine, "before_cursor_execute", counted)
    try:
        assert waits(opname)
    finally:
        sql_events.remove(Engine, "before_cursor_execute", counted)
    # The question, and the pointer written: 2,000 SKUs and 31 rows ask no more.
    assert len(seen) == 2
    assert shop.activity(opname_id).waits_for_id == last_id
    run_lane(shop.store.id, opname.outlet_id)
    assert shop.activity(opname_id).status == Status.PENDING
