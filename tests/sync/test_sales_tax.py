"""Sales tax and order charges over real HTTP to the sandbox: with PPN or PB1 chosen, an
invoice carries Accurate's tax (revenue net, tax owed booked) and still comes to what the till
took, to the rupiah, its receipts leaving nothing owed; service charge, its tax, a tip and
the till's rounding are invoice lines to their accounts; a tax that does not match the till's
fails the document instead of booking it."""

from decimal import Decimal

import pytest

from isacc.extensions import db
from isacc.models import Outlet, Role, Status, TaxMode
from tests.conftest import csrf_from, login, make_user
from tests.sync.conftest import T0


def invoice(shop, number: str) -> dict:
    return shop.accurate.detail("sales-invoice", number=number)


def choose_tax(shop, mode: str, name: str = ""):
    if not getattr(shop, "signed_in", False):
        owner = make_user(Role.OWNER, shop.store)
        db.session.commit()
        login(shop.client, owner.email)
        shop.signed_in = True
    page = shop.client.get(f"/stores/{shop.store.id}/settings/tax").get_data(as_text=True)
    return shop.client.post(f"/stores/{shop.store.id}/settings/tax", data={
        "tax_mode": mode, "tax_name": name, "csrf_token": csrf_from(page)},
        follow_redirects=True)


def sale(shop, number, lines, *, paid=None, **extra):
    """An order of (sku, quantity, unit price, line tax) lines, paid in cash in full."""
    order = {"id": f"o-{number}", "number": number, "outlet_id": "OUT-1", "ordered_at": T0,
             "lines": [{"sku": sku, "name": sku, "quantity": q, "unit_price": p, "tax": t}
                       for sku, q, p, t in lines], **extra}
    total = sum(q * p + (0 if extra.get("tax_inclusive") else t) for _, q, p, t in lines) + \
        sum(extra.get(k, 0) for k in ("service_charge", "service_charge_tax", "rounding", "tip"))
    order["payments"] = [{"method": "cash", "amount": paid if paid is not None else total}]
    return shop.send("sales-orders", order=order)


@pytest.fixture
def pb1(shop):
    answer = choose_tax(shop, "pb1", "PB1 10%")
    assert "Sales tax saved" in answer.get_data(as_text=True)
    db.session.expire_all()
    assert (shop.store.tax_mode, shop.store.tax_rate, shop.store.tax_account_no) == (
        TaxMode.PB1, Decimal(10), "2-20502")
    return shop


def test_pb1_is_booked_as_accurates_tax_and_the_invoice_is_the_tills_total(pb1):
    invoice_id, receipt_id = sale(pb1, "INV-1", [("K-1", 2, 25000, 5000)])
    pb1.drain()
    assert pb1.activity(invoice_id).status == pb1.activity(receipt_id).status == Status.SUCCESS
    sent = invoice(pb1, "INV-1")
    assert sent["taxable"] is True and sent["tax1Name"] == "PB1 10%"
    assert [line["unitPrice"] for line in sent["detailItem"]] == [25000]  # net, not folded
    assert (sent["tax1Amount"], sent["totalAmount"], sent["outstanding"]) == (5000, 55000, 0)


def test_prices_that_hold_their_tax_come_to_the_same_total(pb1):
    choose_tax(pb1, "ppn", "PPN 11%")
    invoice_id, _ = sale(pb1, "INV-2", [("K-1", 1, 111000, 11000)], tax_inclusive=True)
    pb1.drain()
    sent = invoice(pb1, "INV-2")
    assert sent["inclusiveTax"] is True
    assert (sent["tax1Amount"], sent["totalAmount"], sent["outstanding"]) == (11000, 111000, 0)


def test_accurates_tax_rounding_goes_to_the_rounding_account(pb1):
    # The till rounds each line's tax (100.5 -> 101 twice), Accurate the document's (201).
    kemang = db.session.scalar(db.select(Outlet).where(Outlet.iseller_id == "OUT-1"))
    kemang.mapping.rounding_account_no = "7-70100"
    db.session.commit()
    invoice_id, _ = sale(pb1, "INV-3", [("K-1", 1, 1005, 101), ("R-1", 1, 1005, 101)])
    pb1.drain()
    sent = invoice(pb1, "INV-3")
    assert sent["tax1Amount"] == 201
    assert [(e["accountNo"], e["expenseAmount"]) for e in sent["detailExpense"]] == [
        ("7-70100", 1)]
    assert (sent["totalAmount"], sent["outstanding"]) == (2212, 0)


def test_a_tax_that_is_not_the_tills_fails_the_invoice_naming_both(pb1):
    invoice_id, receipt_id = sale(pb1, "INV-4", [("K-1", 1, 50000, 5500)])  # 11 %, not 10
    pb1.drain()
    failed = pb1.activity(invoice_id)
    assert failed.status == Status.FAILED
    assert failed.reason == ("The till charged Rp 5.500 tax on order INV-4, while PB1 10% in "
                             "Accurate comes to Rp 5.000.")
    assert pb1.accurate.find_by_number("sales-invoice", "INV-4") is None


def test_service_charge_its_tax_a_tip_and_rounding_down_are_lines_to_their_accounts(pb1):
    kemang = db.session.scalar(db.select(Outlet).where(Outlet.iseller_id == "OUT-1"))
    invoice_id, receipt_id = sale(pb1, "INV-5", [("K-1", 2, 25000, 5000)],
                                  service_charge=2500, service_charge_tax=250, tip=5000,
                                  rounding=-250)
    pb1.drain()
    # No service charge account yet: the invoice waits for the owner, nothing Failed.
    waiting = pb1.activity(invoice_id)
    assert waiting.status == Status.PENDING and waiting.attempts == 0
    assert waiting.reason == "Outlet Kemang has no service charge account in its mapping."
    kemang.mapping.service_charge_account_no = "4-40200"
    kemang.mapping.rounding_account_no = "7-70100"
    kemang.mapping.tips_account_no = "2-20100"
    db.session.commit()
    waiting.due_at = waiting.created_at
    db.session.commit()
    pb1.drain()
    assert pb1.activity(invoice_id).status == pb1.activity(receipt_id).status == Status.SUCCESS
    sent = invoice(pb1, "INV-5")
    assert sorted((e["accountNo"], e["expenseAmount"]) for e in sent["detailExpense"]) == [
        ("2-20100", 5000), ("2-20502", 250), ("4-40200", 2500), ("7-70100", -250)]
    assert (sent["tax1Amount"], sent["totalAmount"], sent["outstanding"]) == (5000, 62500, 0)


def test_a_store_not_yet_choosing_keeps_folding_the_tills_tax_into_prices(shop):
    assert shop.store.tax_mode == TaxMode.UNSET
    invoice_id, _ = sale(shop, "INV-6", [("K-1", 2, 25000, 5000)])
    shop.drain()
    sent = invoice(shop, "INV-6")
    assert not sent.get("taxable") and sent["detailItem"][0]["unitPrice"] == 27500
    assert (sent["totalAmount"], sent["outstanding"]) == (55000, 0)


def test_the_tax_form_refuses_a_tax_accurate_lacks_and_saves_nothing(shop):
    body = choose_tax(shop, "ppn", "PPN 12%").get_data(as_text=True)
    assert "Tax PPN 12% is not in Accurate." in body
    body = choose_tax(shop, "ppn", "").get_data(as_text=True)
    assert "Choose the Accurate tax the store&#39;s invoices carry." in body
    db.session.expire_all()
    assert shop.store.tax_mode == TaxMode.UNSET
    assert "Sales tax saved" in choose_tax(shop, "none").get_data(as_text=True)
