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
