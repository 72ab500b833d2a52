"""The iSeller sandbox's choices where iSeller's behaviour is not confirmed (iseller-api.md
marks them [G] or [S]), and its demo store. One place, so a fact learned later is a one-line
change."""

DEFAULTS = {
    # [C] a10: client_id is 32 hex digits, the secret begins "secret-".
    "CLIENT_ID": "15acc0de15acc0de15acc0de15acc0de",
    "CLIENT_SECRET": "secret-isacc-sandbox",
    "USER_EMAIL": "kasir@sandbox.test",
    "USER_PASSWORD": "sandbox",
    # [C] a2: redirect_uri is an absolute URI registered for the app; [G] compared whole, as
    # OAuth 2 servers do. make run's callback and the tests'; more with --redirect-uri.
    "REDIRECT_URIS": ("http://127.0.0.1:5000/connect/iseller/callback",
                      "http://localhost:5000/connect/iseller/callback",
                      "http://localhost/connect/iseller/callback"),
    # [C] a11: expires_in 1209599 (about 14 days).
    "TOKEN_SECONDS": 1209599,
    # [G] how long an authorization code lives.
    "CODE_SECONDS": 600,
    # [G] a13: refresh tokens rotate (one client keeps the newest); the old pair stops.
    "ROTATE_REFRESH": True,
    # [G] d4 iSeller retries a failed delivery (not 2xx, no answer, time-out): seconds to wait
    # before each further attempt. Tests give shorter steps.
    "WEBHOOK_RETRY_SECONDS": (5, 30, 120, 600, 3600),
    # [G] d4/d5 each retry is the same body signed anew with the Timestamp of its sending: a
    # receiver refuses a stale Timestamp (a replay), so a retry an hour later carrying the
    # first try's would never get in. A resend from the admin is the very same request.
    "WEBHOOK_RESIGN_RETRIES": True,
    # [G] d4 how long one delivery attempt waits for the receiver.
    "WEBHOOK_TIMEOUT_SECONDS": 10,
}
# The demo store: its name makes its host's name ([C] 0.2, https://{storename}.isellershop.com;
# in the sandbox, one host serves every store and resource_url is the sandbox's own address).
STORE = {
    "store_name": "kopinusantara", "phone": "021-555-0101", "email": "halo@kopinusantara.test",
    "address": "Jl. Kemang Raya 10, Jakarta Selatan", "currency": "IDR",
}
# [C] b.7 Outlet fields; outlet_code [C: shown in the sample]. GUIDs as iSeller's ids are.
OUTLETS = (
    {"outlet_id": "0d6c1c57-3c4e-4d3b-9a52-7d1f6c2a0001", "outlet_code": "KMG",
     "outlet_name": "Kemang", "phone": "021-555-0102", "address": "Jl. Kemang Raya 10",
     "contact_name": "Rina", "email": "kemang@kopinusantara.test", "image": None},
    {"outlet_id": "0d6c1c57-3c4e-4d3b-9a52-7d1f6c2a0002", "outlet_code": "SNP",
     "outlet_name": "Senopati", "phone": "021-555-0103", "address": "Jl. Senopati 21",
     "contact_name": "Andi", "email": "senopati@kopinusantara.test", "image": None},
)
# [C] b.7 PaymentType: name, is_active, gateway (no id); gateways as on Transaction (b.9).
PAYMENT_TYPES = (
    {"name": "Cash", "is_active": True, "gateway": "cash"},
    {"name": "Debit BCA", "is_active": True, "gateway": "external_debit"},
    {"name": "Kartu Kredit", "is_active": True, "gateway": "external_credit"},
    {"name": "iSeller Pay", "is_active": True, "gateway": "iseller_pay"},
    {"name": "Voucher", "is_active": False, "gateway": "custom"},
)

# ---- the store side: catalogue, till, v2 reads, webhooks (#17) -----------------------------

# The demo catalogue, replaced whole by POST /sandbox/admin/products. Prices and buying prices
# in whole IDR [C 0.16]; stock per outlet_code. SKUs follow isacc's demo (KN-0001...), which
# matching by item code [C f10, G that it is the SKU] needs.
PRODUCTS = (
    {"product_id": "5e1f0a2b-7c1d-4e8a-9b10-000000000001", "sku": "KN-0001",
     "name": "Arabika Gayo 250 g", "price": 95000, "buying_price": 43000, "taxable": True,
     "track_inventory": True, "stock": {"KMG": 20, "SNP": 12}},
    {"product_id": "5e1f0a2b-7c1d-4e8a-9b10-000000000002", "sku": "KN-0002",
     "name": "Arabika Toraja 250 g", "price": 105000, "buying_price": 47000, "taxable": True,
     "track_inventory": True, "stock": {"KMG": 15, "SNP": 8}},
    {"product_id": "5e1f0a2b-7c1d-4e8a-9b10-000000000003", "sku": "KN-0011",
     "name": "Es Kopi Susu", "price": 25000, "buying_price": 9000, "taxable": True,
     "track_inventory": True, "stock": {"KMG": 100, "SNP": 80}},
    {"product_id": "5e1f0a2b-7c1d-4e8a-9b10-000000000004", "sku": "KN-0012",
     "name": "Americano", "price": 22000, "buying_price": 7000, "taxable": True,
     "track_inventory": True, "stock": {"KMG": 100, "SNP": 80}},
    {"product_id": "5e1f0a2b-7c1d-4e8a-9b10-000000000005", "sku": "KN-0014",
     "name": "Latte", "price": 32000, "buying_price": 11000, "taxable": True,
     "track_inventory": True, "stock": {"KMG": 60, "SNP": 40}},
    {"product_id": "5e1f0a2b-7c1d-4e8a-9b10-000000000006", "sku": "KN-0026",
     "name": "Croissant", "price": 28000, "buying_price": 12000, "taxable": True,
     "track_inventory": True, "stock": {"KMG": 24, "SNP": 18}},
    {"product_id": "5e1f0a2b-7c1d-4e8a-9b10-000000000007", "sku": "KN-0036",
     "name": "Tumbler 500 ml", "price": 150000, "buying_price": 68000, "taxable": True,
     "track_inventory": True, "stock": {"KMG": 10, "SNP": 5}},
    # A service with no stock and no tax: a brewing class.
    {"product_id": "5e1f0a2b-7c1d-4e8a-9b10-000000000008", "sku": "KN-0099",
     "name": "Kelas Seduh Manual", "price": 200000, "buying_price": 0, "taxable": False,
     "track_inventory": False, "stock": {}},
)
# [G] b.9 the till's registers per outlet: order_reference is "#<number>-<running number>",
# the prefix being the register number [C b.9]. The first is the outlet's default register.
REGISTERS = {
    "KMG": ({"register_id": "9b2d4c1e-2f3a-4b5c-8d6e-00000000a001", "number": 3123,
             "register_name": "Register #3123"},
            {"register_id": "9b2d4c1e-2f3a-4b5c-8d6e-00000000a002", "number": 3124,
             "register_name": "Register #3124"}),
    "SNP": ({"register_id": "9b2d4c1e-2f3a-4b5c-8d6e-00000000b001", "number": 3340,
             "register_name": "Register #3340"},),
}
# [G] b.9 a register's receipts count on from 1001 (the samples: #3123-1001, #3340-10001).
FIRST_RECEIPT_NUMBER = 1001
# [S] b.9 an order line's fulfilment key as K4 reads it (the doc spells it
# fulfilment_status).
LINE_FULFILLMENT_KEY = "fulfillment_status"
# [G] b.9 a line discount (the till's `discount`) shows as one Discount on the line, by this
# name; the order's own `discounts` stay empty (the till gives no order-level discount).
# [G] b.9/b.10 a cogs row's buying_price is the unit cost (the sample: 2 units, 10000.0).
LINE_DISCOUNT_NAME = "Diskon"
# [G] b.9 the signed-in merchant rings orders up as this cashier.
CASHIER = {"cashier_id": "4f7a2e10-1c3b-4d5e-9f60-0000000c0001", "cashier_first_name": "Rina",
           "cashier_last_name": "Kasir"}
# [G] b.9 one tax for taxable lines: PB1 (restaurant tax) 10 %, added on top (tax_inclusive
# false); tax per line on its subtotal, rounded half up to whole rupiah.
TAX_PERCENTAGE = 10
# [G] b.9 what the till fills on a POS order [C for the values themselves].
ORDER_TYPE = "dine_in"
PROCESSING_METHOD = "checkout"
# [G] b.9 MDR: iSeller Pay's fee, 0.7 % of the payment (isacc's demo uses the same rate),
# rounded half up to whole rupiah; only iseller_pay transactions carry one [G].
MDR_RATE = "0.007"
# [G] b.9 payment_type_id: a GUID per payment type, null for cash (the sample's cash row).
PAYMENT_TYPE_IDS = {
    "Debit BCA": "c3a9e1f0-5b2d-4c6e-8a71-0000000d0001",
    "Kartu Kredit": "c3a9e1f0-5b2d-4c6e-8a71-0000000d0002",
    "iSeller Pay": "c3a9e1f0-5b2d-4c6e-8a71-0000000d0003",
    "Voucher": "c3a9e1f0-5b2d-4c6e-8a71-0000000d0004",
}
# [G] b.9 a till sale is handed over at once: it is fulfilled, and its stock is in the lines'
# units_used; the `fulfillments` list (TrackInventory) names orders fulfilled after the sale
# (online orders), so it stays empty for till sales.
TILL_SALES_IN_FULFILLMENTS = False
# [G] b.6 a sale that moves a product's stock changes its modified_date, so a GetProducts
# poller on modified_after sees the new stock.
STOCK_CHANGE_MODIFIES_PRODUCT = True

# ---- v2 reads [b.1] ----
# [G] 0.15 a request without time_zone is read, and answered, in UTC.
DEFAULT_TIME_ZONE = 0
# [G] 0.13 the hour offsets accepted (the world's zones run from -12 to +14).
TIME_ZONES = range(-12, 15)
# [G] e4 pages count from 1; page 0 reads as the first page too (K1 starts at 0).
FIRST_PAGE = 1
# [G] e5 no maximum page_size is documented (500 works): a larger one gets pages of this size
# (has_next_item still tells the caller to go on). Without page_size, pages of the default.
MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 100
# [G] b.1 without `sort`/`sort_direction`: oldest created first.
DEFAULT_SORT = ("CreatedDate", "ASC")
# [G] b.3/b.5 the summaries' days are UTC days, shown in the request's time_zone (the sample
# shows "2023-01-02 07:00:00" for time_zone=7); False would make them the zone's own days.
SUMMARY_DAYS_IN_UTC = True
# [G] 0.5 the query string is read as well as the body, the body winning; [G] an empty value
# (`outlet_id=`) counts as not given.
READ_QUERY_STRING = True
# [G] b.1 sort, sort_direction, payment_status... are taken in any letter case, as the
# includes are [S b.2].
ENUMS_IN_ANY_CASE = True
# [G] e5 the largest page and page_size taken (SQLite's LIMIT and OFFSET are 64-bit).
LARGEST_PAGE = 10**9
# [C] b.2 GetOrders' includes; [G] ShippingDetail, UnfulfilledItems and ProfitDetails are
# taken and add nothing: till orders ship nothing, leave nothing unfulfilled, and the key
# ProfitDetails fills is undocumented.
ORDER_INCLUDES = ("OrderDetails", "Transactions", "DiscountDetails", "PromotionDetails",
                  "TrackInventory", "MDR", "ShippingDetail", "UnfulfilledItems",
                  "ProfitDetails")
# [G] b.4 GetTransactions documents no includes: MDR, the one that concerns a transaction.
TRANSACTION_INCLUDES = ("MDR",)
# [C] b.8 GetRegisterShifts takes `includes` but lists no values: any is refused.
REGISTER_SHIFT_INCLUDES = ()
# [C] b.3 GetOrderSummary's one include; [G] b.5 GetTransactionSummary takes none. [G] the
# summaries' page/page_size page their days; neither documents has_next_item.
ORDER_SUMMARY_INCLUDES = ("TrackInventory",)
TRANSACTION_SUMMARY_INCLUDES = ()
# [C] b.6 GetProducts' includes (Bundles [S CATA]).
PRODUCT_INCLUDES = ("OutletPrice", "Tags", "ModifierGroups", "Modifiers", "Bundles")
# [G] b.1 GetRegisterShifts' doc names its lower modified bound `modified_date` (a typo, most
# likely): taken as modified_after. [G] b.8 a shift is created when it opens and modified
# when it opens or closes.
SHIFT_MODIFIED_BOUND_ALIAS = "modified_date"
# [S CATA b.6] GetProducts with track_inventory=true: only products that keep stock; false:
# all of them. keyword is ignored [S CATA]. [G] b.6 every sandbox product is a standard one
# and its own product_header_id.
# [G] b.2 `count` is the number of rows on this page (the sample's 200 is a page).
# [G] b.9 a sub-list asked for without its include is null (GetTransactions' sample shows
# "mdr": null); the top-level refunded_orders and fulfillments are left out [C b.2].
# [G] 0.11 iSeller's refusals of parameters are not documented: the sandbox refuses an unknown
# parameter, a malformed date, number or boolean, a bad enum value or include with HTTP 200,
# status false and a plain error_message. Real iSeller may ignore unknown names (K4 sends
# `timezone` and gets data [G 0.15]); refusing them shows isacc's own misspellings.
REFUSE_UNKNOWN_PARAMETERS = True
# [S] b.1 GetOrders needs created_after, unless a modified bound or order_id is given (K1).
# [C] b.6 GetProducts' required parameters (page and page_size since 16 Feb 2024).
GET_PRODUCTS_REQUIRED = ("track_inventory", "modified_after", "page", "page_size")

# ---- webhooks [d] ----
# [S] d3 the event types a store can give a Notification URL for (only Order is sent yet).
WEBHOOK_EVENT_TYPES = ("order", "fulfillment", "refund", "member", "payout",
                       "online_ordering_notification")
# [S] d8 the Order event's fields; [G] the last three, from the v2 Order.
WEBHOOK_ORDER_FIELDS = ("order_id", "order_reference", "channel", "status", "payment_status",
                        "fulfillment_status", "cancel_reason", "outlet_id", "order_date",
                        "total_amount")
# [G] d8 the store's zone, WIB: the Order event shows its order_date in it (the rebuilt
# sample: the Timestamp 06:06:40Z, the order_date 13:06:39); so does the till page.
STORE_TIME_ZONE = 7

# ---- the ERP API v3 [c] (erp.py) ----
# [S c.2] CreateTransfer's fields as K5 sends them; [C c.1] the In, Out + To Outlet and
# Out + Return Supplier variants exist. [G 0.11] an unknown field or a wrong type is refused
# with status false, as the v2 reads refuse unknown parameters (REFUSE_UNKNOWN_PARAMETERS).
TRANSFER_FIELDS = {"outlet_code", "type", "out_type", "status", "supplier_name",
                   "reference_code", "products", "tags"}
TRANSFER_PRODUCT_FIELDS = {"sku", "quantity"}
TRANSFER_TYPES = ("in", "out")
# [S c.2] "returnsupplier" is seen in K5; [G c.5, "Still unknown" 2] the value for To Outlet is
# not known, so the sandbox takes only the supplier return.
OUT_TYPES = ("returnsupplier",)
# [S c.2] K5 sends "completed"; [G] other states (a draft waiting to be received) are not
# known, so only a completed transfer is taken, and it moves stock at once.
TRANSFER_STATUSES = ("completed",)
# [G c.2] the answer's shape is not shown: the new transfer's id and reference_code, and per
# product {product_id, sku, quantity, is_success, error_message} as CreateProducts and
# UpdateProducts answer per item [S c.2].
# [G c.2] all or nothing: when any product is refused (an unknown sku, a product that keeps no
# stock), status is false, each product says whether it was the one, and no stock moves.
# [G] a transfer out may take stock below zero (GetProducts shows allow_negative_stock true).
# [G] a second CreateTransfer with a reference_code already used is a second transfer: nothing
# says iSeller refuses a repeated reference, so a client must look it up before sending again.
# [G c.5] GetTransfer's body is not public: {"reference_code"} (required) and an optional
# {"outlet_code"}; it answers {"transfers": [...]}, every transfer with that reference, an
# empty list when there is none (not status false).
GET_TRANSFER_FIELDS = {"reference_code", "outlet_code"}
# [G c.5] GetOutletInventories' body is not public: {"outlet_code", "page", "page_size"}, paged
# like the v2 reads (pages from 1, has_next_item [C e3]); each item {product_id, sku,
# unit_in_stock}, for the products that keep stock.
GET_INVENTORIES_FIELDS = {"outlet_code", "page", "page_size"}
# [G c.2] a product whose stock moved is modified, as a sale makes it
# (STOCK_CHANGE_MODIFIES_PRODUCT).
