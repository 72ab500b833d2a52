"""The sandbox's choices where Accurate's behaviour is not confirmed (accurate-api.md marks
them [G] or [S]). One place, so a fact learned later is a one-line change."""

DEFAULTS = {
    "CLIENT_ID": "isacc-sandbox",
    "CLIENT_SECRET": "isacc-sandbox-secret",
    "USER_EMAIL": "demo@sandbox.test",
    "USER_PASSWORD": "sandbox",
    # The callbacks the demo client (CLIENT_ID) has registered, as an application registers
    # them in Accurate's developer area: `make run`'s on its default address (as the address
    # it prints and as localhost), which tests/accurate/conftest.py signs in with too, and the
    # Flask test client's. More with `--redirect-uri` or POST /sandbox/admin/redirect-uris.
    # [G] Accurate compares the whole URI, as OAuth 2 servers do (RFC 6749 3.1.2.2).
    "REDIRECT_URIS": ("http://127.0.0.1:5000/connect/callback",
                      "http://localhost:5000/connect/callback",
                      "http://localhost/connect/callback"),
    # [G] Access-token lifetime: one client sets 15 days after each refresh.
    "TOKEN_SECONDS": 15 * 24 * 3600,
    "CODE_SECONDS": 600,
    # [G] Accurate does not say how long a database session lives.
    "SESSION_SECONDS": 24 * 3600,
    # [C] 8 requests per second and 8 at once, per database; [G] answered with 429.
    "RATE_PER_SECOND": 8,
    "MAX_IN_FLIGHT": 8,
    "RATE_LIMIT_STATUS": 429,
    # An .xlsx in Accurate's goods-and-services import layout, imported into the first seeded
    # database when it has no items yet (`make run`: the demo's items, as after an export).
    "SEED_ITEMS": None,
    # [C] bulk-save takes at most 100 records.
    "BULK_LIMIT": 100,
    # [G] the largest list page.
    "MAX_PAGE_SIZE": 100,
    # [G] a receipt above what is owed is refused (one client says Accurate does not check).
    "REFUSE_OVERPAYMENT": True,
    # [G] webhooks stay active 7 days after a renewal [S].
    "WEBHOOK_DAYS": 7,
    # Where webhooks go (isacc's endpoint); empty: recorded for webhook-history.do only.
    "WEBHOOK_URL": "",
}
# The environment variable `python -m isacc.sandbox` takes WEBHOOK_URL from: the URL carries a
# store's webhook token, which a command line would show to every user of the machine.
WEBHOOK_URL_ENV = "SANDBOX_WEBHOOK_URL"

# The databases a new sandbox starts with: (id, alias, branches).
SEED_DATABASES = [
    (101, "Kopi Nusantara", ["Jakarta", "Bandung"]),
    (102, "Toko Contoh", ["Pusat"]),
]
SEED_WAREHOUSES = ["Gudang Utama", "Gudang Kemang", "Gudang Senopati", "Gudang Dago"]
# A chart of accounts an Indonesian retailer would have: (no, name, type).
SEED_ACCOUNTS = [
    ("1-10001", "Kas Toko", "CASH_BANK"),
    ("1-10002", "Kas Kecil", "CASH_BANK"),
    ("1-10101", "Bank BCA", "CASH_BANK"),
    ("1-10102", "Bank Mandiri", "CASH_BANK"),
    ("1-10103", "iSellerPay Clearing", "CASH_BANK"),
    ("1-10200", "Piutang Usaha", "ACCOUNT_RECEIVABLE"),
    ("1-10401", "Persediaan Barang", "INVENTORY"),
    ("2-20100", "Hutang Usaha", "ACCOUNT_PAYABLE"),
    ("3-30000", "Modal Pemilik", "EQUITY"),
    ("4-40000", "Penjualan", "REVENUE"),
    ("4-40100", "Diskon Penjualan", "REVENUE"),
    ("5-50000", "Beban Pokok Penjualan", "COST_OF_GOOD_SOLD"),
    ("6-60201", "Biaya MDR iSellerPay", "EXPENSE"),
    ("6-60202", "Biaya Administrasi Bank", "EXPENSE"),
    ("6-60301", "Selisih Persediaan", "EXPENSE"),
    ("7-70000", "Pendapatan Lain-lain", "OTHER_INCOME"),
    ("1-10501", "PPN Masukan", "OTHER_CURRENT_ASSET"),
    ("2-20501", "PPN Keluaran", "OTHER_CURRENT_LIABILITY"),
    ("2-20502", "PB1 Terutang", "OTHER_CURRENT_LIABILITY"),
    ("4-40200", "Pendapatan Service Charge", "REVENUE"),
    ("7-70100", "Pembulatan", "OTHER_INCOME"),
    ("3-30100", "Ekuitas Saldo Awal", "EQUITY"),
]
# The taxes a database starts with (tax/list.do): (taxType, description, rate, sales account,
# purchase account). [G] Accurate has no taxType for PB1, the regional restaurant tax: shops
# keep it in the PPN slot (Tax 1), which is the one a sales line applies.
SEED_TAXES = [
    ("PPN", "PPN 11%", 11, "2-20501", "1-10501"),
    ("PPN", "PB1 10%", 10, "2-20502", "1-10501"),
]
# [G] The tax a taxed line pays when its item names none (Accurate's Preferensi default).
DEFAULT_SALES_TAX = "PPN 11%"
# [G] Tax is rounded to whole rupiah, per tax over the document.
TAX_DIGITS = 0
SEED_CUSTOMERS = [("WALKIN", "Pelanggan Umum")]
# An outlet mapping that fits this seed, cash paid into SEED_CASH_ACCOUNT (tests and
# benchmarks map their outlets with it and SEED_PAYMENT_ACCOUNTS; the warehouse is each
# outlet's own).
SEED_CASH_ACCOUNT = "1-10001"
SEED_MAPPING = {
    "branch_name": "Jakarta", "register_cash_account_no": SEED_CASH_ACCOUNT,
    "cash_drop_account_no": "1-10101", "cash_top_up_account_no": "3-30000",
    "cash_expense_account_no": "6-60202", "adjustment_account_no": "6-60301",
    "walk_in_customer_no": "WALKIN",
}
# Payment method -> (account its money lands in, Accurate paymentMethod, fee account).
SEED_PAYMENT_ACCOUNTS = {
    "cash": (SEED_CASH_ACCOUNT, "CASH_OTHER", None),
    "isellerpay": ("1-10103", "OTHERS", "6-60201"),
}
SEED_VENDORS = [("V-001", "PT Kopi Sumber Makmur"), ("V-002", "CV Roti Jaya")]

# Accurate -> isacc notifications, per module: (event type, the name `data` entries give the
# document: <entity>Id and <entity><label>, the record's field that <label> shows).
# [C] the event types and `databaseId`; [S] WHSIM's ITEM and CUSTOMER entries (itemId, itemNo,
# customerId, customerNo, action); [G] the other entries by analogy, and that the body is an
# array of envelopes (WHSIM's samples are). Vendors, branches, taxes, cash in or out and bank
# transfers have no event type in Accurate's list.
WEBHOOK_EVENTS = {
    "item": ("ITEM", "item", "No", "no"),
    "customer": ("CUSTOMER", "customer", "No", "customerNo"),
    "warehouse": ("WAREHOUSE", "warehouse", "Name", "name"),
    "glaccount": ("GLACCOUNT", "glaccount", "No", "no"),
    "sales-invoice": ("SALES_INVOICE", "salesInvoice", "No", "number"),
    "sales-receipt": ("SALES_RECEIPT", "salesReceipt", "No", "number"),
    "sales-return": ("SALES_RETURN", "salesReturn", "No", "number"),
    "item-adjustment": ("ITEM_ADJUSTMENT", "itemAdjustment", "No", "number"),
    "item-transfer": ("ITEM_TRANSFER", "itemTransfer", "No", "number"),
    "purchase-order": ("PURCHASE_ORDER", "purchaseOrder", "No", "number"),
    "receive-item": ("RECEIVE_ITEM", "receiveItem", "No", "number"),
    "purchase-invoice": ("PURCHASE_INVOICE", "purchaseInvoice", "No", "number"),
}

# The books (ledger.py): the accounts a document posts to when neither it nor its item names
# one. [G] all of them: Accurate takes them from the database's Preferensi, and first from the
# item's own salesGlAccountNo, salesRetGlAccountNo (returns; else the sales account),
# inventoryGlAccountNo and cogsGlAccountNo, which the sandbox honours too.
LEDGER_ACCOUNTS = {
    "RECEIVABLE": "1-10200",
    "PAYABLE": "2-20100",
    "SALES": "4-40000",
    # An invoice's cash discount (cashDiscount or cashDiscPercent) is debited here.
    "SALES_DISCOUNT": "4-40100",
    # A tax whose record names no sales account (the seeded ones do).
    "SALES_TAX": "2-20501",
    "INVENTORY": "1-10401",
    "COGS": "5-50000",
    # An item adjustment that names no adjustmentAccountNo.
    "ADJUSTMENT": "6-60301",
    # The other side of items' opening stock.
    "OPENING_BALANCE": "3-30100",
}
# How the sandbox posts, where Accurate's postings are not confirmed:
# [G] An item's cost is the average unit cost of its opening balances (detailOpenBalance,
#     weighted by quantity), 0 without one. Accurate keeps a moving average over purchases
#     too; the sandbox does not, so cost of goods sold and adjustments out are at the opening
#     cost. Opening balances post Dr inventory / Cr OPENING_BALANCE on their `asOf` day.
# [G] Cost of goods sold: an invoice of INVENTORY items posts Dr COGS / Cr inventory at
#     quantity x cost; a return posts the reverse.
# [G] Tax inside the prices (inclusiveTax) comes off the revenue of the lines that pay it, in
#     proportion to their amounts; the cash discount is debited whole, tax included.
# [G] A return posts the invoice's lines reversed, against the receivable for its whole
#     total (what exceeds the invoice's owing is the customer's credit there).
# [G] A bank charge (detailBankTransfer) is debited to its account and credited to the bank
#     that charges it: SOURCE_BANK the fromBankNo, DESTINATION_BANK the toBankNo.
# [G] Purchases: a receipt of goods and a purchase invoice post Dr inventory / Cr PAYABLE at
#     their lines' amounts (after line discounts, without tax); an invoice's line for goods
#     already received (its receiveItemNumber) posts nothing more, a purchase order nothing.
# [G] glaccount/get-balance.do answers {"s": true, "d": <balance>}, the balance in the sign
#     Accurate shows it (credit minus debit for liabilities, equity and income accounts);
#     get-pl-account-amount.do answers a row per income and expense account,
#     {accountNo, accountName, accountType, amount, lvl, isParent, parentNo} [S: the fields
#     two public clients read].
