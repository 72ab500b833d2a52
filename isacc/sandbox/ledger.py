"""The sandbox's books: the journal lines each document posts, as Accurate posts them, and the
balances, trial balance and profit and loss made from those lines.

The lines are worked out from the documents the database holds, every time: an edited
document posts what it says now and a deleted one posts nothing, with no journal to keep in
step. Amounts are Decimal rupiah with the decimals the documents carry; each document's
debits equal its credits. Which accounts a document posts to when it names none, and every
other guess about Accurate's postings, is in settings.py (LEDGER_ACCOUNTS and the notes
above it).
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from isacc.sandbox import settings, tax
from isacc.sandbox.modules import received_with
from isacc.sandbox.storage import Database

ZERO = Decimal(0)
# Where the sandbox keeps an account's balance as Accurate shows it: credit minus debit for
# these types, debit minus credit for the rest.
CREDIT_NORMAL = {"ACCOUNT_PAYABLE", "OTHER_CURRENT_LIABILITY", "LONG_TERM_LIABILITY", "EQUITY",
                 "REVENUE", "OTHER_INCOME", "ACCUMULATED_DEPRECIATION"}
PROFIT_AND_LOSS = {"REVENUE", "COGS", "COST_OF_GOOD_SOLD", "EXPENSE", "OTHER_INCOME",
                   "OTHER_EXPENSE"}
# Accurate keeps amounts to 6 decimals: an amount the sandbox divides is rounded there.
STEP = Decimal("0.000001")


def money(value) -> Decimal:
    """A stored amount (number, or a form post's text) as Decimal; nothing is 0."""
    if value in (None, ""):
        return ZERO
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return ZERO


def day(value) -> date | None:
    """A dd/MM/yyyy date, or None when it is not one."""
    try:
        return datetime.strptime(str(value), "%d/%m/%Y").date()
    except ValueError:
        return None


@dataclass(frozen=True)
class Line:
    """One journal line: a debit or a credit to one account, from one document."""

    account: str
    debit: Decimal
    credit: Decimal
    date: date
    module: str
    number: str


class Books:
    """What postings look up, read once per journal: items by number, taxes by id."""

    def __init__(self, db: Database):
        self.db = db
        self.items = {item["no"]: item for item in db.all("item")}
        self.taxes = {tax_record["id"]: tax_record for tax_record in db.all("tax")}

    def item(self, no) -> dict:
        return self.items.get(no) or {}

    def account(self, item: dict, field: str, default: str) -> str:
        """The item's own account for `field` (salesGlAccountNo...), else the default."""
        return item.get(field) or settings.LEDGER_ACCOUNTS[default]

    def cost(self, item: dict) -> Decimal:
        """[G] The item's unit cost: the average unit cost of its opening balances, by
        quantity; 0 when it has none (settings.py)."""
        openings = item.get("detailOpenBalance") or []
        quantity = sum((money(o.get("quantity")) for o in openings), ZERO)
        if not quantity:
            return ZERO
        value = sum((money(o.get("quantity")) * money(o.get("unitCost")) for o in openings),
                    ZERO)
        return value / quantity

    def value(self, quantity, item: dict) -> Decimal:
        """`quantity` of the item at its cost, to Accurate's 6 decimals."""
        return (money(quantity) * self.cost(item)).quantize(STEP, ROUND_HALF_UP)


class Posting:
    """One document's lines: `post(account, amount)` debits a positive amount and credits a
    negative one, so the reverse of a posting is the same calls with the sign turned."""

    def __init__(self, module: str, record: dict, when: date | None = None):
        self.module, self.record = module, record
        self.date = when or day(record.get("transDate")) or date.min
        self.number = str(record.get("number") or record.get("no") or record.get("id"))
        self.lines: list[Line] = []

    def post(self, account: str, amount: Decimal) -> None:
        if not amount:
            return
        debit, credit = (amount, ZERO) if amount > 0 else (ZERO, -amount)
        self.lines.append(Line(str(account), debit, credit, self.date, self.module,
                               self.number))


def _split(amount: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """`amount` in proportion to `weights`, to 6 decimals; the last share takes what
    rounding leaves, so the shares add up to `amount` exactly."""
    total = sum(weights, ZERO)
    if not total:
        return [ZERO] * (len(weights) - 1) + [amount]
    shares = [(amount * w / total).quantize(STEP) for w in weights[:-1]]
    return [*shares, amount - sum(shares, ZERO)]


def _sale(books: Books, p: Posting, sign: int) -> None:
    """A sales invoice (sign 1) or return (sign -1), against the receivable."""
    record = p.record
    lines = record.get("detailItem") or []
    total = money(record.get("totalAmount"))
    tax_total = money(record.get("tax1Amount"))
    expenses = money(record.get("totalExpense"))
    inclusive = tax.flag(record.get("inclusiveTax"))
    added = ZERO if inclusive else tax_total
    # The cash discount is what the total lacks of its parts (tax.work_out's sum).
    discount = money(record.get("subTotal")) + added + expenses - total
    p.post(settings.LEDGER_ACCOUNTS["RECEIVABLE"], sign * total)
    p.post(settings.LEDGER_ACCOUNTS["SALES_DISCOUNT"], sign * discount)
    revenue = [money(line.get("totalPrice")) for line in lines]
    if inclusive:
        for charged in record.get("detailTax") or []:
            # [G] Tax inside the prices comes off the revenue of the lines that pay it.
            paying = [n for n, line in enumerate(lines)
                      if (tax.tax_of_line(books.db, record, line) or {}).get("id")
                      == charged.get("taxId")] or list(range(len(lines)))
            shares = _split(money(charged.get("taxAmount")), [revenue[n] for n in paying])
            for n, share in zip(paying, shares, strict=True):
                revenue[n] -= share
    for line, amount in zip(lines, revenue, strict=True):
        item = books.item(line.get("itemNo"))
        account = books.account(item, "salesGlAccountNo", "SALES")
        if sign < 0:
            account = item.get("salesRetGlAccountNo") or account
        p.post(account, -sign * amount)
        if item.get("itemType", "INVENTORY") == "INVENTORY":
            cost = books.value(line.get("quantity"), item)
            p.post(books.account(item, "cogsGlAccountNo", "COGS"), sign * cost)
            p.post(books.account(item, "inventoryGlAccountNo", "INVENTORY"), -sign * cost)
    for charged in record.get("detailTax") or []:
        account = (books.taxes.get(charged.get("taxId")) or {}).get("salesTaxGlAccountNo")
        p.post(account or settings.LEDGER_ACCOUNTS["SALES_TAX"],
               -sign * money(charged.get("taxAmount")))
    for cost in record.get("detailExpense") or []:
        p.post(cost["accountNo"], -sign * money(cost.get("expenseAmount")))


def _invoice(books, p):
    _sale(books, p, 1)


def _return(books, p):
    _sale(books, p, -1)


def _receipt(books, p):
    p.post(p.record["bankNo"], money(p.record.get("chequeAmount")))
    for paid in p.record.get("detailInvoice") or []:
        settled = money(paid.get("paymentAmount"))
        for cut in paid.get("detailDiscount") or []:
            p.post(cut["accountNo"], money(cut.get("amount")))
            settled += money(cut.get("amount"))
        p.post(settings.LEDGER_ACCOUNTS["RECEIVABLE"], -settled)


def _cash(sign: int):
    """other-deposit (sign 1: money into bankNo) and other-payment (sign -1: out of it)."""

    def post(books, p):
        for line in p.record.get("detailAccount") or []:
            amount = money(line.get("amount"))
            p.post(p.record["bankNo"], sign * amount)
            p.post(line["accountNo"], -sign * amount)

    return post


def _bank_transfer(books, p):
    amount = money(p.record.get("fromBankAmount"))
    p.post(p.record["toBankNo"], amount)
    p.post(p.record["fromBankNo"], -amount)
    for charge in p.record.get("detailBankTransfer") or []:
        # [G] A charge comes out of the bank that charges it.
        bank = p.record["toBankNo"] if charge.get("bankChargeType") == "DESTINATION_BANK" \
            else p.record["fromBankNo"]
        p.post(charge["accountNo"], money(charge.get("amount")))
        p.post(bank, -money(charge.get("amount")))


def _adjustment(books, p):
    adjustment = p.record.get("adjustmentAccountNo") or settings.LEDGER_ACCOUNTS["ADJUSTMENT"]
    for line in p.record.get("detailItem") or []:
        item = books.item(line.get("itemNo"))
        inventory = books.account(item, "inventoryGlAccountNo", "INVENTORY")
        quantity = money(line.get("quantity"))
        if line.get("itemAdjustmentType") == "ADJUSTMENT_IN":
            value = quantity * money(line.get("unitCost"))
        else:
            value = -books.value(quantity, item)
        p.post(inventory, value)
        p.post(adjustment, -value)


def _purchase(books, p):
    for line in p.record.get("detailItem") or []:
        # [G] An invoice's line for goods already received posts nothing more: the receipt
        # booked them.
        if p.module == "purchase-invoice" and received_with(p.record, line):
            continue
        item = books.item(line.get("itemNo"))
        value = money(round(tax.line_amount(line), 6))
        p.post(books.account(item, "inventoryGlAccountNo", "INVENTORY"), value)
        p.post(settings.LEDGER_ACCOUNTS["PAYABLE"], -value)


def _opening_stock(books, item: dict) -> list[Posting]:
    """[G] An item's opening balances: its stock at their unit costs, against opening
    balance equity, each on its `asOf` day (undated: before everything)."""
    postings = []
    for opening in item.get("detailOpenBalance") or []:
        p = Posting("item", item, day(opening.get("asOf")))
        value = money(opening.get("quantity")) * money(opening.get("unitCost"))
        p.post(books.account(item, "inventoryGlAccountNo", "INVENTORY"), value)
        p.post(settings.LEDGER_ACCOUNTS["OPENING_BALANCE"], -value)
        postings.append(p)
    return postings


# What each module posts; the others (orders, item transfers between warehouses of one
# inventory account, master data) post nothing.
POSTINGS = {
    "sales-invoice": _invoice, "sales-return": _return, "sales-receipt": _receipt,
    "other-deposit": _cash(1), "other-payment": _cash(-1), "bank-transfer": _bank_transfer,
    "item-adjustment": _adjustment, "receive-item": _purchase, "purchase-invoice": _purchase,
}


def postings(db: Database) -> list[Posting]:
    """Every document's posting, the items' opening stock first."""
    books = Books(db)
    found = [p for item in books.items.values() for p in _opening_stock(books, item)]
    for module, post in POSTINGS.items():
        for record in db.all(module):
            p = Posting(module, record)
            post(books, p)
            found.append(p)
    return found


def journal(db: Database) -> list[Line]:
    return [line for p in postings(db) for line in p.lines]


def totals(db: Database, since: date | None = None, until: date | None = None,
           ) -> dict[str, tuple[Decimal, Decimal]]:
    """Per account, (debit, credit) of the lines dated from `since` to `until`, both
    included (None: no bound)."""
    found: dict[str, tuple[Decimal, Decimal]] = {}
    for line in journal(db):
        if (since and line.date < since) or (until and line.date > until):
            continue
        debit, credit = found.get(line.account, (ZERO, ZERO))
        found[line.account] = (debit + line.debit, credit + line.credit)
    return found


def shown(kind: str | None, debit: Decimal, credit: Decimal) -> Decimal:
    """[G] A balance as Accurate shows it: credit minus debit for the account types that
    grow on the credit side (liabilities, equity, income), debit minus credit otherwise."""
    return credit - debit if kind in CREDIT_NORMAL else debit - credit


def balance(db: Database, account: dict, since: date | None = None,
            until: date | None = None) -> Decimal:
    debit, credit = totals(db, since, until).get(account["no"], (ZERO, ZERO))
    return shown(account.get("accountType"), debit, credit)


def profit_and_loss(db: Database, since: date, until: date) -> list[dict]:
    """Every income and expense account with what it made in the period, as
    get-pl-account-amount.do lists them (settings.py on the row's fields)."""
    moved = totals(db, since, until)
    rows = []
    for account in sorted(db.all("glaccount"), key=lambda a: a["no"]):
        if account.get("accountType") not in PROFIT_AND_LOSS:
            continue
        debit, credit = moved.get(account["no"], (ZERO, ZERO))
        rows.append({"accountNo": account["no"], "accountName": account.get("name"),
                     "accountType": account["accountType"],
                     "amount": shown(account["accountType"], debit, credit),
                     "lvl": 1, "isParent": False, "parentNo": None})
    return rows


def trial_balance(db: Database, until: date | None = None) -> dict:
    """Per account that has lines up to `until`: its name, debit, credit and balance
    (debit minus credit, whatever the account's type); and the debit and credit totals."""
    names = {account["no"]: account.get("name") for account in db.all("glaccount")}
    accounts = {no: {"name": names.get(no), "debit": debit, "credit": credit,
                     "balance": debit - credit}
                for no, (debit, credit) in sorted(totals(db, None, until).items())}
    return {"accounts": accounts,
            "debit": sum((a["debit"] for a in accounts.values()), ZERO),
            "credit": sum((a["credit"] for a in accounts.values()), ZERO)}


def number(value: Decimal) -> int | float:
    """A Decimal as a JSON number: whole rupiah as an integer, the rest with its decimals."""
    return int(value) if value == value.to_integral_value() else float(value)
