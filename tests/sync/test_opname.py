"""A stock opname waits only for the earlier movements of the items it counts; behind a failed
one, the owner may send the count anyway. Through the sandbox, and the web app for the button."""


from isacc.extensions import db
from isacc.models import Status, SyncMode
from tests.conftest import post_event
from tests.sync.conftest import T0

COUNTED_AT = "2026-11-24T20:00:00+07:00"  # after every order here (T0 is 10:15 that day)


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


def test_a_count_goes_past_a_failed_invoice_of_other_items(shop):
    [invoice_id, _] = shop.order("INV-1", lines=(("GONE-1", 1, 1000),))
    opname_id = count(shop, "SO-1", [("K-1", 100000, 99990)])
    shop.drain()
    assert shop.activity(invoice_id).status == Status.FAILED
    opname = shop.activity(opname_id)
    assert opname.status == Status.SUCCESS and opname.waits_for_id is None
    # Nothing of the failed sale touched K-1: Accurate has exactly what was counted.
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
