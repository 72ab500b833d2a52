"""Payment methods as data, end to end over real HTTP to the sandbox: a method first seen in a
sale waits for the owner (never Failed, never an account of null) while the outlet's other
documents go, and goes once the owner maps it on the outlet's form; fees on any method land
in that method's fee account; register cash never touches revenue."""

import re
from decimal import Decimal

from isacc.extensions import db
from isacc.models import Outlet, Role, Status
from tests.conftest import csrf_from, login, make_user
from tests.test_outlet_mapping import form_values


def receipt(shop, number: str) -> dict:
    found = shop.accurate.find_by_number("sales-receipt", number)
    return shop.accurate.call("sales-receipt", "detail", params={"id": found["id"]})["d"]


def test_a_method_first_seen_in_a_sale_waits_for_the_owner_then_goes_once_mapped(shop):
    invoice, cash, gopay = shop.order("INV-1", lines=(("K-1", 2, 25000),), payments=[
        {"method": "cash", "amount": 20000}, {"method": "gopay", "amount": 30000}])
    later_invoice, later_cash = shop.order("INV-2")
    shop.drain()
    for done in (invoice, cash, later_invoice, later_cash):
        assert shop.activity(done).status == Status.SUCCESS  # the lane went on
    waiting = shop.activity(gopay)
    assert waiting.status == Status.PENDING and waiting.attempts == 0
    assert waiting.reason == "Outlet Kemang has no account for GoPay payments yet."
    assert waiting.next_step == ("Choose the GoPay account in outlet Kemang's mapping; its "
                                 "receipts go by themselves after.")
    assert shop.accurate.find_by_number("sales-receipt", "INV-1-2") is None
    kemang = db.session.scalar(db.select(Outlet).where(Outlet.iseller_id == "OUT-1"))
    assert "gopay" in kemang.payment_methods

    # The row links to the outlet's form, which has the method's row.
    owner = make_user(Role.OWNER, shop.store)
    db.session.commit()
    login(shop.client, owner.email)
    rows = shop.client.get(f"/stores/{shop.store.id}/activity").get_data(as_text=True)
    assert 'data-testid="waits-for-mapping"' in rows
    assert f'href="/stores/{shop.store.id}/outlets/{kemang.id}"' in rows
    page = shop.client.get(f"/stores/{shop.store.id}/outlets/{kemang.id}").get_data(
        as_text=True)
    values = form_values(page)
    key = next(k[:-5] for k, v in values.items() if k.endswith("_name") and v == "gopay")
    assert values[f"{key}_type"] == "OTHERS"
    saved = shop.client.post(f"/stores/{shop.store.id}/outlets/{kemang.id}/mapping", data={
        **values, f"{key}_account": "1-10102", "csrf_token": csrf_from(page)},
        follow_redirects=True)
    assert "is mapped and active" in saved.get_data(as_text=True)

    shop.drain()
    assert shop.activity(gopay).status == Status.SUCCESS
    sent = receipt(shop, "INV-1-2")
    assert sent["bankNo"] == "1-10102"
    assert Decimal(str(sent["chequeAmount"])) == 30000


def test_a_fee_on_a_card_goes_to_the_cards_fee_account(shop):
    kemang = db.session.scalar(db.select(Outlet).where(Outlet.iseller_id == "OUT-1"))
    card = next(a for a in kemang.mapping.payment_accounts if a.payment_method == "isellerpay")
    kemang.mapping.payment_accounts.append(type(card)(
        payment_method="debit", account_no="1-10101", accurate_type="EDC",
        fee_account_no="6-60202"))
    db.session.commit()
    _, paid = shop.order("INV-3", payments=[{"method": "debit", "amount": 50000,
                                             "mdr_fee": 750}])
    shop.drain()
    assert shop.activity(paid).status == Status.SUCCESS
    sent = receipt(shop, "INV-3-1")
    assert Decimal(str(sent["chequeAmount"])) == 49250
    assert sent["paymentMethod"] == "EDC"
    [line] = sent["detailInvoice"]
    [fee] = line["detailDiscount"]
    assert fee["accountNo"] == "6-60202"
    assert Decimal(str(fee["amount"])) == 750
    assert re.search("fee", fee.get("discountNotes", ""), re.I)


def test_a_fee_without_a_fee_account_waits_instead_of_booking_to_nothing(shop):
    kemang = db.session.scalar(db.select(Outlet).where(Outlet.iseller_id == "OUT-1"))
    kemang.mapping.payment_accounts.append(type(kemang.mapping.payment_accounts[0])(
        payment_method="qris", account_no="1-10101", accurate_type="QRIS"))
    db.session.commit()
    invoice, paid = shop.order("INV-4", payments=[{"method": "qris", "amount": 50000,
                                                   "mdr_fee": 350}])
    shop.drain()
    assert shop.activity(invoice).status == Status.SUCCESS
    waiting = shop.activity(paid)
    assert waiting.status == Status.PENDING and waiting.attempts == 0
    assert waiting.reason == "Outlet Kemang has no fee account for QRIS fees."


def test_an_isellerpay_payout_moves_its_net_from_the_clearing_account_to_the_bank(shop):
    # Two iSeller Pay sales, their MDR booked with each receipt; then the payout of the net.
    for number in ("INV-7", "INV-8"):
        shop.order(number, payments=[{"method": "isellerpay", "amount": 50000,
                                      "mdr_fee": 350}])
    [payout] = shop.send("payouts", payout={"id": "PY-1", "outlet_id": "OUT-1",
                                            "amount": 99300, "fees": 700,
                                            "paid_out_at": "2026-11-26T09:00:00+07:00"})
    shop.drain()
    waiting = shop.activity(payout)
    assert waiting.status == Status.PENDING and waiting.attempts == 0
    assert waiting.reason == "Outlet Kemang has no payout bank account in its mapping."
    kemang = db.session.scalar(db.select(Outlet).where(Outlet.iseller_id == "OUT-1"))
    kemang.mapping.payout_account_no = "1-10101"
    db.session.commit()
    waiting.due_at = waiting.created_at
    db.session.commit()
    shop.drain()
    assert shop.activity(payout).status == Status.SUCCESS
    sent = shop.accurate.detail("bank-transfer", number="PAYOUT-PY-1")
    assert (sent["fromBankNo"], sent["toBankNo"], sent["fromBankAmount"], sent["transDate"]) \
        == ("1-10103", "1-10101", 99300, "26/11/2026")


def test_a_sale_partly_on_account_leaves_its_receivable_open_by_as_much(shop):
    invoice, paid = shop.order("INV-9", payments=[{"method": "cash", "amount": 20000}],
                               on_account=30000)
    shop.drain()
    assert shop.activity(invoice).status == shop.activity(paid).status == Status.SUCCESS
    sent = shop.accurate.detail("sales-invoice", number="INV-9")
    assert (sent["totalAmount"], sent["outstanding"]) == (50000, 30000)
