"""A realistic day of two shops, posted through the inbound API to the real sandbox, and the
books it leaves, per account and to the rupiah (#18's done-when).

Kopi Nusantara (PB1 10 %, prices before tax) has three outlets taking cash, QRIS with its fee,
debit and credit cards with theirs, iSeller Pay with its MDR, and GoPay, which no outlet has
an account for until the owner maps it; a service charge and its tax, rounding up and down, a
tip; cash taken to the bank, cash added to a register, an expense paid from one; a stock count
beside an unrelated invoice that fails. Toko Contoh books PPN 11 % inside its prices.

The figures expected are worked out here from the day's own numbers, not read back."""

from datetime import date
from decimal import Decimal

import pytest
from flask import current_app

from isacc import outlets as mapping_logic
from isacc import tax
from isacc.accurate import account, connection, oauth
from isacc.accurate.client import AccurateClient, DatabaseAccess
from isacc.extensions import db
from isacc.models import Outlet, OutletMapping, OutletPaymentAccount, Status
from isacc.sandbox.settings import SEED_MAPPING
from tests.accurate.conftest import DATABASE, every_scope, grant, sandbox_config
from tests.conftest import make_store, post_event, seed_payment_accounts
from tests.iseller.shops import patiently
from tests.sync.conftest import Shop

DAY = "2026-11-24"
COST = Decimal(9000)  # every item's opening unit cost
OPENING = 1000  # units of each item in each outlet's warehouse
K, R = 25000, 15000  # the two items' prices before tax
# Kopi Nusantara's outlets: iSeller id -> (name, warehouse, register cash account).
OUTLETS = {"KMG": ("Kemang", "Gudang Kemang", "1-10011"),
           "SNP": ("Senopati", "Gudang Senopati", "1-10012"),
           "DGO": ("Dago", "Gudang Dago", "1-10013")}
FEES = "6-60202"  # card and QRIS fees
EXPENSES = "6-60400"  # paid from the register
TIPS = "2-20600"


def at(hour: int, minute: int = 0) -> str:
    return f"{DAY}T{hour:02d}:{minute:02d}:00+07:00"


class Day(Shop):
    def sale(self, number, outlet, hour, lines, payments, **charges):
        """lines: (sku, quantity, price); each line's tax is the store's rate of it."""
        rate = charges.pop("rate", Decimal("0.10"))
        inclusive = charges.get("tax_inclusive", False)
        body = [{"sku": sku, "name": sku, "quantity": q, "unit_price": p,
                 "tax": str((q * p * rate / (1 + rate) if inclusive else q * p * rate)
                            .quantize(Decimal(1)))} for sku, q, p in lines]
        return self.send("sales-orders", order={
            "id": f"o-{number}", "number": number, "outlet_id": outlet, "ordered_at": at(hour),
            "lines": body, "payments": payments, **charges})

    def cash(self, deposit_id, outlet, hour, direction, purpose, amount):
        return self.send("deposits", deposit={
            "id": deposit_id, "outlet_id": outlet, "direction": direction, "purpose": purpose,
            "amount": amount, "deposited_at": at(hour), "description": purpose})


def a_person(database: int) -> AccurateClient:
    """The owner's own Accurate access (every scope): sets the chart of accounts and items
    up, as a shop's accountant does before connecting isacc."""
    config = current_app.config
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(oauth, "SCOPES", every_scope())
        token = grant(config)
    host, session = account.open_database(config, token.access_token, database)
    return AccurateClient(DatabaseAccess(database, host, token.access_token, session))


def open_store(client, name, database, database_name, outlets, items, branch):
    store = make_store(name, customer_id_mapping=True)
    db.session.commit()
    connection.save_token(store, grant(current_app.config))
    connection.choose_database(store, database, database_name)
    accurate = a_person(database)
    for no, account_name, kind in (("1-10011", "Kas Register Kemang", "CASH_BANK"),
                                   ("1-10012", "Kas Register Senopati", "CASH_BANK"),
                                   ("1-10013", "Kas Register Dago", "CASH_BANK"),
                                   (EXPENSES, "Biaya Operasional Toko", "EXPENSE"),
                                   (TIPS, "Hutang Tip Karyawan", "OTHER_CURRENT_LIABILITY")):
        patiently(accurate.save, "glaccount", {"no": no, "name": account_name, "accountType": kind,
                                    "asOf": "01/11/2026", "currencyCode": "IDR"})
    for sku in items:
        patiently(accurate.save, "item", {"no": sku, "name": sku, "itemType": "INVENTORY",
                               "detailOpenBalance": [
                                   {"quantity": OPENING, "unitCost": int(COST),
                                    "warehouseName": warehouse, "asOf": "01/11/2026"}
                                   for _, warehouse, _ in outlets.values()]})
    for iseller_id, (outlet_name, warehouse, register) in outlets.items():
        answer = post_event(client, store, "outlets", {"event_id": f"o-{iseller_id}", "outlet": {
            "id": iseller_id, "name": outlet_name,
            "payment_methods": ["cash", "qris", "debit", "credit", "isellerpay"]}})
        assert answer.status_code == 202, answer.get_json()
        outlet = db.session.scalar(db.select(Outlet).where(Outlet.store_id == store.id,
                                                           Outlet.iseller_id == iseller_id))
        rows = [row for row in seed_payment_accounts() if row.payment_method != "cash"] + [
            OutletPaymentAccount(payment_method="cash", account_no=register,
                                 accurate_type="CASH_OTHER"),
            OutletPaymentAccount(payment_method="qris", account_no="1-10101",
                                 accurate_type="QRIS", fee_account_no=FEES),
            OutletPaymentAccount(payment_method="debit", account_no="1-10101",
                                 accurate_type="EDC", fee_account_no=FEES),
            OutletPaymentAccount(payment_method="credit", account_no="1-10102",
                                 accurate_type="EDC", fee_account_no=FEES)]
        db.session.add(OutletMapping(
            store_id=store.id, outlet_id=outlet.id, active=True, warehouse_name=warehouse,
            **{**SEED_MAPPING, "branch_name": branch, "register_cash_account_no": register,
               "cash_expense_account_no": EXPENSES},
            service_charge_account_no="4-40200", rounding_account_no="7-70100",
            tips_account_no=TIPS, payment_accounts=rows))
        db.session.commit()  # before the next outlet event: SQLite has one writer
    return store


def nonzero(books: dict) -> dict:
    return {account: balance for account, balance in books.items() if balance}


def test_a_day_of_two_shops_leaves_books_an_accountant_signs(app, client, sandbox):
    current_app.config.update(sandbox_config(sandbox))
    store = open_store(client, "Kopi Nusantara", DATABASE, "Kopi Nusantara", OUTLETS,
                       ("K-1", "R-1"), "Jakarta")
    assert tax.choose(store, {"tax_mode": "pb1", "tax_name": "PB1 10%"},
                      tax.accurate_taxes(store)) == {}
    db.session.commit()
    day = Day(client, store, sandbox)

    # Kemang: cash; QRIS with a service charge, its tax and rounding up; debit with a tip.
    day.sale("K-001", "KMG", 9, [("K-1", 2, K)], [{"method": "cash", "amount": 55000}])
    day.sale("K-002", "KMG", 10, [("R-1", 1, R)],
             [{"method": "qris", "amount": 18500, "mdr_fee": 130}],
             service_charge=1500, service_charge_tax=150, rounding=350)
    day.sale("K-003", "KMG", 11, [("K-1", 1, K)],
             [{"method": "debit", "amount": 32500, "mdr_fee": 325}], tip=5000)
    day.cash("d-k1", "KMG", 18, "out", "bank", 50000)
    # Senopati: a credit card rounded down; GoPay, which nobody mapped; iSeller Pay; a float.
    day.sale("S-001", "SNP", 9, [("K-1", 3, K)],
             [{"method": "credit", "amount": 82000, "mdr_fee": 1640}], rounding=-500)
    _, gopay = day.sale("S-002", "SNP", 12, [("R-1", 2, R)],
                        [{"method": "gopay", "amount": 33000}])
    day.sale("S-003", "SNP", 13, [("K-1", 1, K)],
             [{"method": "isellerpay", "amount": 27500, "mdr_fee": 193}])
    day.cash("d-s1", "SNP", 8, "in", "top_up", 100000)
    # Dago: cash; an invoice of an item Accurate does not know (it fails); an expense paid
    # from the register; then a stock count of K-1, which the failed invoice does not hold up.
    day.sale("D-001", "DGO", 9, [("K-1", 1, K)], [{"method": "cash", "amount": 27500}])
    [failing, failing_receipt] = day.sale("D-002", "DGO", 10, [("X-9", 1, 10000)],
                                          [{"method": "cash", "amount": 11000}])
    day.cash("d-d1", "DGO", 15, "out", "expense", 20000)
    [opname] = day.send("stock-opnames", stock_opname={
        "id": "so-d1", "number": "SO-D1", "outlet_id": "DGO", "counted_at": at(20),
        "lines": [{"sku": "K-1", "system_quantity": OPENING - 1,
                   "counted_quantity": OPENING - 5}]})

    day.drain()
    assert day.activity(failing).status == Status.FAILED
    assert day.activity(failing_receipt).status == Status.PENDING
    assert day.activity(opname).status == Status.SUCCESS  # the count went
    waiting = day.activity(gopay)
    assert waiting.status == Status.PENDING and waiting.attempts == 0
    # The owner maps GoPay at Senopati; the waiting receipt goes.
    senopati = db.session.scalar(db.select(Outlet).where(Outlet.store_id == store.id,
                                                         Outlet.iseller_id == "SNP"))
    senopati.mapping.payment_accounts.append(OutletPaymentAccount(
        payment_method="gopay", account_no="1-10102", accurate_type="OTHERS"))
    db.session.commit()
    mapping_logic.release_waiting(store, senopati)
    day.drain()
    assert day.activity(gopay).status == Status.SUCCESS

    # Worked out from the day: prices before tax, PB1 on each line and on the service charge.
    lines_sold = {"K-001": 2 * K, "K-002": R, "K-003": K, "S-001": 3 * K, "S-002": 2 * R,
                  "S-003": K, "D-001": K}
    revenue = sum(lines_sold.values())
    line_tax = sum(Decimal(amount) / 10 for amount in lines_sold.values())
    units_sold = 2 + 1 + 1 + 3 + 2 + 1 + 1
    expected = {
        "4-40000": -revenue,  # revenue, net of tax
        "4-40200": Decimal(-1500),  # service charge
        "2-20502": -(line_tax + 150),  # PB1 owed
        "7-70100": Decimal(-350 + 500),  # rounded up at Kemang, down at Senopati
        TIPS: Decimal(-5000),
        "1-10011": Decimal(55000 - 50000),  # Kemang's register: a cash sale, a drop
        "1-10012": Decimal(100000),  # Senopati's float
        "1-10013": Decimal(27500 - 20000),  # Dago's cash sale, less the expense
        "1-10101": Decimal((18500 - 130) + (32500 - 325) + 50000),  # QRIS, debit, the drop
        "1-10102": Decimal((82000 - 1640) + 33000),  # the credit card and GoPay
        "1-10103": Decimal(27500 - 193),  # iSeller Pay's clearing account
        FEES: Decimal(130 + 325 + 1640),
        "6-60201": Decimal(193),  # iSeller Pay's MDR
        EXPENSES: Decimal(20000),
        "3-30000": Decimal(-100000),  # the float came from the owner's capital
        "5-50000": units_sold * COST,
        "1-10401": 2 * 3 * OPENING * COST - units_sold * COST - 4 * COST,
        "3-30100": -(2 * 3 * OPENING * COST),  # opening stock
        "6-60301": 4 * COST,  # four K-1 short at Dago's count
    }
    books = nonzero(sandbox.trial_balance(DATABASE, date(2026, 11, 30)))
    assert books == expected
    assert "1-10200" not in books  # every invoice in Accurate is paid

    # Toko Contoh: PPN 11 % inside the prices, one outlet, one sale in cash.
    contoh = open_store(client, "Toko Contoh", 102, "Toko Contoh",
                        {"PST": ("Pusat", "Gudang Utama", "1-10011")}, ("K-1",), "Pusat")
    assert tax.choose(contoh, {"tax_mode": "ppn", "tax_name": "PPN 11%"},
                      tax.accurate_taxes(contoh)) == {}
    db.session.commit()
    shop = Day(client, contoh, sandbox)
    shop.sale("P-001", "PST", 10, [("K-1", 1, 111000)], [{"method": "cash", "amount": 111000}],
              tax_inclusive=True, rate=Decimal("0.11"))
    shop.drain()
    assert nonzero(sandbox.trial_balance(102, date(2026, 11, 30))) == {
        "4-40000": Decimal(-100000), "2-20501": Decimal(-11000), "1-10011": Decimal(111000),
        "5-50000": COST, "1-10401": OPENING * COST - COST, "3-30100": -(OPENING * COST)}
