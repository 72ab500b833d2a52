"""iSeller events end as the right Accurate documents in the sandbox, in order, exactly once."""

from isacc.extensions import db
from isacc.models import Customer, Outlet, Status
from isacc.outlets import deactivate, resume
from isacc.sync.engine import run_lane
from isacc.sync.refresh import refresh
from tests.sync.conftest import T0


def test_an_order_becomes_an_invoice_and_receipts_with_the_mdr_fee(shop):
    invoice_id, cash_id, pay_id = shop.order("INV-1", lines=(("K-1", 2, 25000),), payments=[
        {"method": "cash", "amount": 30000},
        {"method": "isellerpay", "amount": 20000, "mdr_fee": 140}])
    shop.drain()
    invoice, cash, pay = (shop.activity(i) for i in (invoice_id, cash_id, pay_id))
    assert [a.status for a in (invoice, cash, pay)] == [Status.SUCCESS] * 3
    assert invoice.accurate_id and invoice.accurate_number == "INV-1"
    saved = shop.accurate.detail("sales-invoice", number="INV-1")
    assert (saved["customerNo"], saved["branchName"], saved["transDate"]) == (
        "WALKIN", "Jakarta", "24/11/2026")
    assert saved["detailItem"][0]["warehouseName"] == "Gudang Kemang"
    assert saved["totalAmount"] == 50000 and saved["outstanding"] == 0
    receipt = shop.accurate.detail("sales-receipt", number="INV-1-2")
    assert receipt["bankNo"] == "1-10103" and receipt["chequeAmount"] == 19860
    [fee] = receipt["detailInvoice"][0]["detailDiscount"]
    assert {k: fee[k] for k in ("accountNo", "amount", "discountNotes")} == {
        "accountNo": "6-60201", "amount": 140, "discountNotes": "iSeller Pay fee"}
    stock = {w["name"]: w["balance"]
             for w in shop.accurate.detail("item", no="K-1")["detailWarehouseData"]}
    assert stock["Gudang Kemang"] == 100000 - 2


def test_customer_id_mapping_on_keeps_the_id_otherwise_accurate_numbers_it(shop):
    shop.send("customers", customer={"id": "C-1", "name": "Andi", "customer_code": "CUST-1"})
    shop.send("customers", customer={"id": "C-2", "name": "Joko"})  # no ID
    shop.store.customer_id_mapping = False
    db.session.commit()
    shop.send("customers", customer={"id": "C-3", "name": "Rina", "customer_code": "CUST-3"})
    shop.order("INV-2", customer_id="C-2")
    shop.drain()
    numbers = {c.iseller_id: c.accurate_customer_no for c in db.session.scalars(
        db.select(Customer).execution_options(populate_existing=True))}
    assert numbers["C-1"] == "CUST-1"
    assert numbers["C-2"].startswith("C.") and numbers["C-3"].startswith("C.")
    # The invoice of C-2 waited for its customer, then used the number Accurate gave it.
    assert shop.accurate.detail("sales-invoice", number="INV-2")["customerNo"] == numbers["C-2"]


def test_transfer_in_waits_for_its_transfer_out_then_both_go_in_order(shop):
    out_id, in_id = shop.send("transfers", transfer={
        "id": "t1", "number": "TR-1", "from_outlet_id": "OUT-1", "to_outlet_id": "OUT-2",
        "sent_at": T0, "lines": [{"sku": "NEW-1", "quantity": 3}]})
    shop.drain()
    out, into = shop.activity(out_id), shop.activity(in_id)
    assert out.status == Status.FAILED and "Item NEW-1 is not in Accurate" in out.reason
    assert into.status == Status.PENDING and into.waits_for_id == out.id
    # The owner adds the item in Accurate and refreshes the failed transfer out.
    shop.accurate.save("item", {"no": "NEW-1", "name": "Baru", "itemType": "INVENTORY",
                                "detailOpenBalance": [
        {"quantity": 10, "unitCost": 1, "warehouseName": "Gudang Kemang"}]})
    refresh(shop.store, [out_id])
    db.session.commit()
    shop.drain()
    out, into = shop.activity(out_id), shop.activity(in_id)
    assert (out.status, into.status) == (Status.SUCCESS, Status.SUCCESS)
    assert into.finished_at >= out.finished_at
    saved_in = shop.accurate.detail("item-transfer", number="TR-1-IN")
    assert saved_in["fromItemTransferNo"] == "TR-1-OUT"
    assert saved_in["warehouseName"] == "Gudang Senopati"


def test_a_failed_invoice_does_not_hold_back_an_unrelated_transfer(shop):
    [invoice_id, _] = shop.order("INV-3", lines=(("GONE-1", 1, 1000),))
    out_id, in_id = shop.send("transfers", transfer={
        "id": "t2", "number": "TR-2", "from_outlet_id": "OUT-1", "to_warehouse_name":
        "Gudang Utama", "sent_at": T0, "lines": [{"sku": "K-1", "quantity": 1}]})
    shop.drain()
    assert shop.activity(invoice_id).status == Status.FAILED
    assert shop.activity(out_id).status == Status.SUCCESS
    assert shop.activity(in_id).status == Status.SUCCESS


def test_a_stock_opname_waits_for_an_earlier_failed_movement_of_its_items(shop):
    # The sale failed for GONE-2, but it also sold K-1, which the opname counts.
    [invoice_id, _] = shop.order("INV-4", lines=(("GONE-2", 1, 1000), ("K-1", 1, 1000)))
    [opname_id] = shop.send("stock-opnames", stock_opname={
        "id": "s1", "number": "SO-1", "outlet_id": "OUT-1",
        "counted_at": "2026-11-24T20:00:00+07:00",
        "lines": [{"sku": "K-1", "system_quantity": 100, "counted_quantity": 97}]})
    shop.drain()
    opname = shop.activity(opname_id)
    assert opname.status == Status.PENDING and opname.waits_for_id == invoice_id
    shop.accurate.save("item", {"no": "GONE-2", "name": "Kembali", "itemType": "INVENTORY",
                                "detailOpenBalance": [
        {"quantity": 5, "unitCost": 1, "warehouseName": "Gudang Kemang"}]})
    refresh(shop.store, [invoice_id])
    db.session.commit()
    shop.drain()
    assert shop.activity(opname_id).status == Status.SUCCESS
    adjustment = shop.accurate.detail("item-adjustment", number="SO-1-OPN")
    assert adjustment["detailItem"][0]["itemAdjustmentType"] == "ADJUSTMENT_OUT"
    assert adjustment["detailItem"][0]["quantity"] == 3


def test_an_unmapped_outlet_fails_with_the_reason_and_the_next_step(shop):
    shop.send("outlets", outlet={"id": "OUT-3", "name": "Dago"})
    [invoice_id, _] = shop.order("INV-5", outlet="OUT-3")
    shop.drain()
    invoice = shop.activity(invoice_id)
    assert invoice.status == Status.FAILED
    assert invoice.reason == "Outlet Dago is not mapped to Accurate yet."
    assert invoice.next_step == "Map and activate outlet Dago, then refresh."


def test_a_transfer_to_a_deactivated_outlet_leaves_and_arrives_once_it_is_active(shop):
    senopati = db.session.scalar(db.select(Outlet).where(Outlet.iseller_id == "OUT-2"))
    assert deactivate(senopati)
    db.session.commit()
    out_id, in_id = shop.send("transfers", transfer={
        "id": "t9", "number": "TR-9", "from_outlet_id": "OUT-1", "to_outlet_id": "OUT-2",
        "sent_at": T0, "lines": [{"sku": "K-1", "quantity": 2}]})
    shop.drain()
    # The goods left Kemang, which is active; Senopati's receipt waits for Senopati.
    out, into = shop.activity(out_id), shop.activity(in_id)
    assert out.status == Status.SUCCESS
    assert shop.accurate.detail("item-transfer", number="TR-9-OUT")[
        "referenceWarehouseName"] == "Gudang Senopati"
    assert into.status == Status.PENDING and into.attempts == 0
    assert into.reason == "Outlet Senopati is not active: activate it to send its documents."
    senopati = db.session.get(Outlet, senopati.id)
    senopati.mapping.active = True
    db.session.commit()
    resume(shop.store, senopati)
    shop.drain()
    into = shop.activity(in_id)
    assert into.status == Status.SUCCESS and into.reason is None


def test_a_lost_answer_is_looked_up_not_saved_twice(shop):
    [invoice_id, receipt_id] = shop.order("INV-6")
    shop.sandbox.admin("faults", {"commit_then_fail_rate": 1.0})
    shop.drain(rounds=1)
    shop.sandbox.admin("faults", {})
    # The first save's answer was lost. The retry comes after a jittered backoff, which may
    # be short enough to fall in the same pass; either way it looks the number up first.
    invoice = shop.activity(invoice_id)
    if invoice.status == Status.PENDING:
        invoice.due_at = invoice.created_at  # skip the backoff wait
        db.session.commit()
    shop.drain()
    invoice = shop.activity(invoice_id)
    assert invoice.status == Status.SUCCESS and invoice.attempts == 2
    assert shop.activity(receipt_id).status == Status.SUCCESS
    numbers = [row["number"] for row in shop.accurate.list("sales-invoice", fields="number")]
    assert numbers.count("INV-6") == 1


def test_many_due_invoices_go_through_bulk_save_100_at_a_time(shop):
    for n in range(150):
        shop.order(f"B-{n:03d}", payments=[])
    before = shop.sandbox.admin("stats")["101"]["requests"]
    lane = db.session.execute(db.text(
        "SELECT DISTINCT store_id, outlet_id FROM sync_activity")).one()
    run_lane(lane.store_id, lane.outlet_id)
    calls = shop.sandbox.admin("stats")["101"]["requests"] - before
    assert calls == 2  # 150 invoices: two bulk-save calls
    statuses = db.session.scalars(db.text("SELECT status FROM sync_activity")).all()
    assert set(statuses) == {"success"} and len(statuses) == 150


def test_a_stock_adjustment_and_register_cash_in_and_out_reach_accurate(shop):
    [adjustment_id] = shop.send("stock-adjustments", stock_adjustment={
        "id": "a1", "number": "ADJ-1", "outlet_id": "OUT-2", "adjusted_at": T0,
        "reason": "Rusak", "lines": [{"sku": "R-1", "quantity_change": -2},
                                     {"sku": "K-1", "quantity_change": 5, "unit_cost": 9000}]})
    [cash_in_id] = shop.send("deposits", deposit={
        "id": "d1", "outlet_id": "OUT-1", "direction": "in", "amount": 500000,
        "description": "Modal kasir", "deposited_at": T0})
    [cash_out_id] = shop.send("deposits", deposit={
        "id": "d2", "outlet_id": "OUT-1", "direction": "out", "purpose": "expense",
        "amount": 200000, "description": "Beli es batu", "deposited_at": T0})
    [to_bank_id] = shop.send("deposits", deposit={
        "id": "d3", "outlet_id": "OUT-1", "direction": "out", "amount": 300000,
        "deposited_at": T0})
    shop.drain()
    for activity_id in (adjustment_id, cash_in_id, cash_out_id, to_bank_id):
        assert shop.activity(activity_id).status == Status.SUCCESS
    adjustment = shop.accurate.detail("item-adjustment", number="ADJ-1-ADJ")
    assert adjustment["branchName"] == "Jakarta"
    assert [(d["itemNo"], d["itemAdjustmentType"], d["quantity"], d["warehouseName"])
            for d in adjustment["detailItem"]] == [
        ("R-1", "ADJUSTMENT_OUT", 2, "Gudang Senopati"),
        ("K-1", "ADJUSTMENT_IN", 5, "Gudang Senopati")]
    # Register cash moves against the account of its direction, never revenue.
    cash_in = shop.accurate.detail("other-deposit", number="DEP-d1")
    assert (cash_in["bankNo"], cash_in["detailAccount"][0]["accountNo"],
            cash_in["detailAccount"][0]["amount"]) == ("1-10001", "3-30000", 500000)
    cash_out = shop.accurate.detail("other-payment", number="DEP-d2")
    assert (cash_out["bankNo"], cash_out["detailAccount"][0]["accountNo"]) == (
        "1-10001", "6-60202")
    to_bank = shop.accurate.detail("bank-transfer", number="DEP-d3")
    assert (to_bank["fromBankNo"], to_bank["toBankNo"], to_bank["fromBankAmount"]) == (
        "1-10001", "1-10101", 300000)


def test_a_customer_accurate_numbers_is_not_created_twice_after_a_lost_answer(shop):
    [customer_id] = shop.send("customers", customer={"id": "C-9", "name": "Tanpa Kode"})
    shop.sandbox.admin("faults", {"commit_then_fail_rate": 1.0})
    shop.drain(rounds=1)
    shop.sandbox.admin("faults", {})
    customer = shop.activity(customer_id)
    assert customer.status == Status.PENDING and customer.attempts == 1
    customer.due_at = customer.created_at  # skip the backoff wait
    db.session.commit()
    shop.drain()
    customer = shop.activity(customer_id)
    assert customer.status == Status.SUCCESS and customer.accurate_number.startswith("C.")
    named = [row for row in shop.accurate.list("customer", fields="name")
             if row["name"] == "Tanpa Kode"]
    assert len(named) == 1
