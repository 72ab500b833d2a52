"""The sandbox keeps books: every document posts its journal lines as Accurate posts them, the
trial balance (/sandbox/admin/trial-balance) holds each account to the rupiah, and
glaccount/get-balance.do and get-pl-account-amount.do answer from it. Every body here is
valid against Accurate's request schema."""

from datetime import date
from decimal import Decimal

import pytest
import requests

from isacc.accurate.errors import FinalError
from isacc.sandbox import ledger
from tests.accurate.test_sandbox_edits_and_deletes import stock
from tests.conftest import SandboxServer

DAY = "01/12/2026"
LATER = "10/12/2026"
SHOP = {"branchName": "Jakarta"}
# Every item starts with 10 in Gudang Kemang at 5,000: 50,000 of stock against opening equity.
OPENING = {"1-10401": 50000, "3-30100": -50000}


@pytest.fixture
def sandbox(tmp_path):
    """Without Accurate's rate limit: these tests check amounts, not pacing."""
    server = SandboxServer(tmp_path / "sandbox", {"RATE_PER_SECOND": 10_000,
                                                  "MAX_IN_FLIGHT": 100})
    yield server
    server.stop()


def add_item(client, no: str, **fields) -> None:
    client.save("item", {"no": no, "name": no, "itemType": "INVENTORY", **fields,
                         "detailOpenBalance": [{"quantity": 10, "unitCost": 5000,
                                                "warehouseName": "Gudang Kemang",
                                                "asOf": DAY}]})


def books(sandbox, as_of: date | None = None) -> dict[str, Decimal]:
    """The trial balance without the accounts that came back to nothing."""
    return {no: balance for no, balance in sandbox.trial_balance(as_of=as_of).items()
            if balance}


def plus(*parts: dict) -> dict[str, Decimal]:
    total: dict[str, Decimal] = {}
    for part in parts:
        for no, amount in part.items():
            total[no] = total.get(no, Decimal(0)) + Decimal(amount)
    return {no: amount for no, amount in total.items() if amount}


def sale(lines, when: str = DAY, **header) -> dict:
    return {"customerNo": "WALKIN", "transDate": when, **SHOP, "detailDownPayment": [],
            "detailExpense": [], "detailItem": [
                {"itemNo": no, "quantity": quantity, "unitPrice": price,
                 "warehouseName": "Gudang Kemang"} for no, quantity, price in lines], **header}


def receipt(invoice_no: str, paid: float, bank: str = "1-10001", fee: float = 0) -> dict:
    line = {"invoiceNo": invoice_no, "paymentAmount": paid}
    if fee:
        line["detailDiscount"] = [{"accountNo": "6-60201", "amount": fee}]
    return {"customerNo": "WALKIN", "transDate": DAY, **SHOP, "bankNo": bank,
            "chequeAmount": paid, "paymentMethod": "CASH_OTHER", "detailInvoice": [line]}


def transfer(amount: float, source: str = "1-10001", target: str = "1-10101",
             **header) -> dict:
    return {"fromBankNo": source, "toBankNo": target, "fromBankAmount": amount,
            "transDate": DAY, **SHOP, **header}


def cash(bank: str, account: str, amount: float, when: str = DAY) -> dict:
    return {"bankNo": bank, "transDate": when, **SHOP, "payee": "Toko",
            "detailAccount": [{"accountNo": account, "amount": amount,
                               "expenseName": "Lain-lain"}]}


@pytest.fixture
def shop(person):
    add_item(person, "K-1", tax1Name="PPN 11%")  # coffee beans, with PPN
    add_item(person, "N-1", tax1Name="PB1 10%")  # a dish, with PB1
    return person


def test_items_opening_stock_is_booked_at_its_unit_cost(shop, sandbox):
    assert books(sandbox) == plus(OPENING, OPENING)
    page = requests.get(f"{sandbox.url}/sandbox/db/101", timeout=10).text
    assert "<td>1-10401</td><td>Persediaan Barang</td><td>100000</td>" in page


def test_an_invoice_paid_by_two_receipts_leaves_nothing_receivable(shop, sandbox):
    # 2 x 15,000 less 1,000 on the line, 2,000 cash discount, 11 % PPN on what is left
    # (27,000: 2,970) and a 1,500 service charge: 31,470 owed.
    invoice = sale([("K-1", 2, 15000)], taxable=True, inclusiveTax=False, cashDiscount=2000,
                   detailExpense=[{"accountNo": "4-40200", "expenseAmount": 1500,
                                   "expenseName": "Service charge"}])
    invoice["detailItem"][0]["itemCashDiscount"] = 1000
    saved = shop.save("sales-invoice", invoice)
    assert saved["totalAmount"] == 31470
    sold = {"4-40000": -29000, "4-40100": 2000, "2-20501": -2970, "4-40200": -1500,
            "5-50000": 10000, "1-10401": -10000}
    assert books(sandbox) == plus(OPENING, OPENING, sold, {"1-10200": 31470})
    shop.save("sales-receipt", receipt(saved["number"], 20000))
    # iSellerPay pays the rest less its 470 fee, booked as a discount on the invoice.
    shop.save("sales-receipt", receipt(saved["number"], 11000, bank="1-10103", fee=470))
    assert books(sandbox) == plus(OPENING, OPENING, sold, {
        "1-10001": 20000, "1-10103": 11000, "6-60201": 470})
    assert shop.detail("sales-invoice", number=saved["number"])["outstanding"] == 0


def test_the_cost_of_goods_is_the_average_opening_cost_to_six_decimals(person, sandbox):
    person.save("item", {"no": "G-1", "name": "Gula", "itemType": "INVENTORY",
                         "detailOpenBalance": [
                             {"quantity": 1, "unitCost": 1000, "warehouseName": "Gudang Kemang",
                              "asOf": DAY},
                             {"quantity": 2, "unitCost": 2000, "warehouseName": "Gudang Dago",
                              "asOf": DAY}]})
    person.save("sales-invoice", sale([("G-1", 1, 3000)]))
    cost = Decimal("1666.666667")  # 5,000 / 3
    assert books(sandbox) == {"1-10401": 5000 - cost, "3-30100": -5000, "5-50000": cost,
                              "1-10200": 3000, "4-40000": -3000}


def test_tax_inside_the_prices_comes_off_the_revenue(shop, sandbox):
    shop.save("item", {"no": "J-1", "name": "Jasa seduh", "itemType": "SERVICE",
                       "salesGlAccountNo": "4-40200"})
    shop.save("sales-invoice", sale([("K-1", 1, 11100), ("J-1", 1, 5000)], taxable=True,
                                    inclusiveTax=True))
    shop.save("sales-invoice", sale([("N-1", 3, 25000)], taxable=True, inclusiveTax=True))
    # 11,100 holds 1,100 PPN; 75,000 holds 6,818 PB1 (rounded); the service has its own
    # sales account and, not being stock, no cost.
    assert books(sandbox) == plus(OPENING, OPENING, {
        "1-10200": 11100 + 5000 + 75000, "4-40000": -(10000 + 68182), "4-40200": -5000,
        "2-20501": -1100, "2-20502": -6818, "5-50000": 20000, "1-10401": -20000})


def test_a_negative_cost_line_is_a_debit(shop, sandbox):
    shop.save("sales-invoice", sale([("N-1", 1, 10050)], detailExpense=[
        {"accountNo": "7-70100", "expenseAmount": -50, "expenseName": "Pembulatan"}]))
    assert books(sandbox) == plus(OPENING, OPENING, {
        "1-10200": 10000, "4-40000": -10050, "7-70100": 50, "5-50000": 5000,
        "1-10401": -5000})


def test_a_return_reverses_its_lines_tax_and_cost_against_the_receivable(shop, sandbox):
    invoice = shop.save("sales-invoice", sale([("K-1", 2, 15000)], taxable=True))
    shop.save("sales-return", {
        "customerNo": "WALKIN", "transDate": DAY, **SHOP, "returnType": "INVOICE",
        "invoiceNumber": invoice["number"], "taxDate": DAY, "taxNumber": "",
        "detailExpense": [], "detailItem": [{"itemNo": "K-1", "quantity": 1,
                                             "unitPrice": 15000}]})
    # What is left is one bag sold: 15,000 + 1,650 PPN owed, one cost of 5,000.
    assert books(sandbox) == plus(OPENING, OPENING, {
        "1-10200": 16650, "4-40000": -15000, "2-20501": -1650, "5-50000": 5000,
        "1-10401": -5000})


def test_other_deposits_and_payments_move_the_bank_against_their_accounts(shop, sandbox):
    shop.save("other-deposit", cash("1-10001", "7-70000", 250000))
    shop.save("other-payment", cash("1-10001", "6-60202", 15000.5))
    assert books(sandbox) == plus(OPENING, OPENING, {
        "1-10001": Decimal("234999.5"), "7-70000": -250000, "6-60202": Decimal("15000.5")})


def test_a_bank_transfer_moves_money_and_each_bank_pays_its_charge(shop, sandbox):
    saved = shop.save("bank-transfer", transfer(1_000_000, detailBankTransfer=[
        {"accountNo": "6-60202", "amount": 6500, "bankChargeType": "SOURCE_BANK",
         "expenseName": "Biaya transfer"},
        {"accountNo": "6-60202", "amount": 2500, "bankChargeType": "DESTINATION_BANK",
         "expenseName": "Biaya terima"}]))
    assert saved["number"].startswith("BT.")
    assert books(sandbox) == plus(OPENING, OPENING, {
        "1-10001": -1_006_500, "1-10101": 997_500, "6-60202": 9000})
    assert shop.detail("bank-transfer", id=saved["id"])["fromBankAmount"] == 1_000_000
    assert [row["number"] for row in shop.list("bank-transfer", fields="id,number")] == [
        saved["number"]]
    shop.delete("bank-transfer", id=saved["id"])
    assert books(sandbox) == plus(OPENING, OPENING)


def test_a_bank_transfer_needs_two_cash_or_bank_accounts(shop, sandbox):
    results = shop.bulk_save("bank-transfer", [
        transfer(1000, source="9-99999"), transfer(1000, target="1-10200"),
        transfer(1000, target="1-10001"), transfer(1000, number="BT-1")])
    assert [r.messages if isinstance(r, FinalError) else r["number"] for r in results] == [
        ['Akun "9-99999" tidak ditemukan'], ['Akun "1-10200" bukan akun Kas/Bank'],
        ["Kas/Bank asal dan tujuan tidak boleh sama"], "BT-1"]
    assert books(sandbox) == plus(OPENING, OPENING, {"1-10001": -1000, "1-10101": 1000})


def test_a_refused_bank_transfer_is_an_accurate_style_refusal(shop, sandbox):
    answer = requests.post(
        f"{shop.access.host}/accurate/api/bank-transfer/save.do",
        json=transfer(1000, target="1-10200"), timeout=10,
        headers={"Authorization": f"Bearer {shop.access.access_token}",
                 "X-Session-ID": shop.access.session_id})
    assert (answer.status_code, answer.json()) == (
        200, {"s": False, "d": ['Akun "1-10200" bukan akun Kas/Bank']})


def test_item_adjustments_in_at_their_cost_and_out_at_the_items(shop, sandbox):
    shop.save("item-adjustment", {
        "transDate": DAY, **SHOP, "adjustmentAccountNo": "6-60301", "detailItem": [
            {"itemNo": "K-1", "itemAdjustmentType": "ADJUSTMENT_IN", "quantity": 5,
             "unitCost": 6000, "warehouseName": "Gudang Kemang"},
            {"itemNo": "N-1", "itemAdjustmentType": "ADJUSTMENT_OUT", "quantity": 2,
             "unitCost": 0, "warehouseName": "Gudang Kemang"}]})
    assert books(sandbox) == plus(OPENING, OPENING, {
        "1-10401": 30000 - 10000, "6-60301": -30000 + 10000})


def test_purchases_book_goods_once_and_orders_and_transfers_nothing(shop, sandbox):
    header = {"vendorNo": "V-001", "transDate": DAY, **SHOP}
    line = {"itemNo": "K-1", "quantity": 3, "unitPrice": 9000,
            "warehouseName": "Gudang Kemang"}
    shop.save("purchase-order", {**header, "detailItem": [
        {k: v for k, v in line.items() if k != "warehouseName"}]})
    shop.save("item-transfer", {
        "transDate": DAY, **SHOP, "itemTransferType": "TRANSFER_OUT",
        "warehouseName": "Gudang Kemang", "referenceWarehouseName": "Gudang Senopati",
        "detailItem": [{"itemNo": "K-1", "quantity": 1}]})
    assert books(sandbox) == plus(OPENING, OPENING)
    received = shop.save("receive-item", {**header, "receiveNumber": "SJ-1",
                                          "detailItem": [line]})
    shop.save("purchase-invoice", {**header, "detailItem": [
        {**line, "receiveItemNumber": received["number"]}]})
    shop.save("purchase-invoice", {**header, "detailItem": [{**line, "quantity": 1,
                                                             "itemCashDiscount": 500}]})
    assert books(sandbox) == plus(OPENING, OPENING, {"1-10401": 27000 + 8500,
                                                    "2-20100": -(27000 + 8500)})


def test_an_invoice_of_received_goods_adds_no_stock_again(person):
    # The spec names the receipt an invoice bills on its line, not on the invoice.
    add_item(person, "K-1")
    header = {"vendorNo": "V-001", "transDate": DAY, **SHOP}
    line = {"itemNo": "K-1", "quantity": 3, "unitPrice": 9000,
            "warehouseName": "Gudang Kemang"}
    received = person.save("receive-item", {**header, "receiveNumber": "SJ-1",
                                            "detailItem": [line]})
    person.save("purchase-invoice", {**header, "detailItem": [
        {**line, "receiveItemNumber": received["number"]}]})
    assert stock(person, "K-1") == 13
    with pytest.raises(FinalError) as in_use:
        person.delete("receive-item", id=received["id"])
    assert "sudah ditagih" in in_use.value.messages[0]


def test_a_deleted_document_takes_its_lines_with_it_and_an_edit_moves_them(shop, sandbox):
    paid = shop.save("other-payment", cash("1-10001", "6-60202", 15000))
    [line] = paid["detailAccount"]
    shop.save("other-payment", {**cash("1-10001", "6-60202", 0), "id": paid["id"],
                                "detailAccount": [{"id": line["id"], "amount": 20000}]})
    assert books(sandbox) == plus(OPENING, OPENING, {"1-10001": -20000, "6-60202": 20000})
    shop.delete("other-payment", id=paid["id"])
    assert books(sandbox) == plus(OPENING, OPENING)


def test_get_balance_counts_only_what_is_dated_up_to_its_day(shop, sandbox):
    shop.save("sales-invoice", sale([("N-1", 1, 10000)], taxable=True))
    shop.save("sales-invoice", sale([("N-1", 2, 10000)], when=LATER, taxable=True))

    def balance(**params) -> float:
        return shop.call("glaccount", "get-balance", params=params)["d"]

    assert balance(no="1-10200", asOfDate="05/12/2026") == 11000
    assert balance(no="1-10200", asOfDate=LATER) == balance(no="1-10200") == 33000
    assert balance(no="1-10200", fromDate="02/12/2026", toDate="31/12/2026") == 22000
    assert balance(no="1-10200", asOfDate="30/11/2026") == 0
    # A liability shows its credit balance as Accurate shows it, positive.
    assert balance(no="2-20502", asOfDate="05/12/2026") == 1000
    account = shop.detail("glaccount", no="4-40000")
    assert balance(id=account["id"]) == 30000
    assert sandbox.trial_balance(as_of=date(2026, 12, 5))["1-10200"] == 11000
    for params, message in ((
            {"no": "9-99999"}, 'Akun "9-99999" tidak ditemukan'),
            ({"no": "1-10200", "asOfDate": "2026-12-05"},
             'Format tanggal "2026-12-05" tidak valid, gunakan dd/MM/yyyy'),
            ({"no": "1-10200", "per": DAY}, "Parameter per tidak dikenal")):
        with pytest.raises(FinalError) as refused:
            balance(**params)
        assert refused.value.messages == [message]


def test_get_pl_account_amount_lists_income_and_expenses_of_the_period(shop, sandbox):
    shop.save("sales-invoice", sale([("K-1", 1, 20000)], cashDiscount=1000))
    shop.save("sales-invoice", sale([("K-1", 1, 99000)], when=LATER))
    shop.save("other-payment", cash("1-10001", "6-60202", 2500))
    rows = shop.call("glaccount", "get-pl-account-amount",
                     params={"fromDate": DAY, "toDate": "05/12/2026"})["d"]
    amounts = {row["accountNo"]: row["amount"] for row in rows if row["amount"]}
    assert amounts == {"4-40000": 20000, "4-40100": -1000, "5-50000": 5000, "6-60202": 2500}
    assert {row["accountType"] for row in rows} <= ledger.PROFIT_AND_LOSS
    assert not {"1-10001", "1-10200", "2-20501"} & {row["accountNo"] for row in rows}
    with pytest.raises(FinalError) as refused:
        shop.call("glaccount", "get-pl-account-amount", params={"fromDate": DAY})
    assert refused.value.messages == ["S/d Tanggal harus diisi"]


def test_every_document_posts_debits_equal_to_credits(shop, sandbox):
    invoice = shop.save("sales-invoice", sale(
        [("K-1", 3, 12345.67), ("N-1", 1, 9999)], taxable=True, inclusiveTax=True,
        cashDiscPercent="5+2", detailExpense=[
            {"accountNo": "4-40200", "expenseAmount": 617.28, "expenseName": "Service"}]))
    taxed = shop.save("sales-invoice", sale([("K-1", 1, 333.33)], taxable=True,
                                            cashDiscount=33.33))
    shop.save("sales-receipt", receipt(invoice["number"], 1000, fee=12.5))
    shop.save("sales-return", {
        "customerNo": "WALKIN", "transDate": DAY, **SHOP, "returnType": "INVOICE",
        "invoiceNumber": taxed["number"], "taxDate": DAY, "taxNumber": "",
        "detailExpense": [], "detailItem": [{"itemNo": "K-1", "quantity": 1,
                                             "unitPrice": 333.33}]})
    shop.save("other-deposit", cash("1-10001", "7-70000", 100.01))
    shop.save("other-payment", cash("1-10001", "6-60202", 50.02))
    shop.save("bank-transfer", transfer(777.77, detailBankTransfer=[
        {"accountNo": "6-60202", "amount": 1.11, "bankChargeType": "DESTINATION_BANK",
         "expenseName": "Biaya"}]))
    shop.save("item-adjustment", {"transDate": DAY, **SHOP, "adjustmentAccountNo": "6-60301",
                                  "detailItem": [
        {"itemNo": "K-1", "itemAdjustmentType": "ADJUSTMENT_IN", "quantity": 1.5,
         "unitCost": 4321.09, "warehouseName": "Gudang Kemang"},
        {"itemNo": "N-1", "itemAdjustmentType": "ADJUSTMENT_OUT", "quantity": 1,
         "unitCost": 0, "warehouseName": "Gudang Kemang"}]})
    header = {"vendorNo": "V-001", "transDate": DAY, **SHOP}
    line = {"itemNo": "K-1", "quantity": 2, "unitPrice": 4444.44, "itemDiscPercent": "10",
            "warehouseName": "Gudang Kemang"}
    shop.save("receive-item", {**header, "receiveNumber": "SJ-2", "detailItem": [line]})
    shop.save("purchase-invoice", {**header, "detailItem": [line]})
    database = sandbox.app.extensions["sandbox"].databases[101]
    posted = ledger.postings(database)
    assert {p.module for p in posted} == {"item", *ledger.POSTINGS}
    for p in posted:
        assert p.lines, f"{p.module} {p.number} posts nothing"
        assert sum(line.debit for line in p.lines) == sum(line.credit for line in p.lines), \
            f"{p.module} {p.number}"
    whole = sandbox.admin("trial-balance")
    assert whole["debit"] == whole["credit"] > 0
