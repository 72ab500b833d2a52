"""The store host's Public API v2 [C, b]: PascalCase RPC endpoints under /api/v2 (paths read
case-insensitively [G, 0.4]) behind a bearer token, answering in iSeller's envelope. The
read endpoints are in reads.py; a request they refuse is HTTP 200 with status false
[C 0.11]."""

import time

from flask import Blueprint, request

from isacc.isellersandbox import reads, settings
from isacc.isellersandbox.common import bearer_token, envelope

bp = Blueprint("iseller_store", __name__)


def store_info() -> dict:
    """[C] b.7 store_info with the active outlets and active payment types."""
    return {**settings.STORE, "active_outlets": [dict(o) for o in settings.OUTLETS],
            "active_payments": [dict(p) for p in settings.PAYMENT_TYPES if p["is_active"]]}


# [C] b.0 the endpoints and their methods (0.5: v2 data calls are POSTs; 0.7: GetStoreInfo
# answers GET too).
ENDPOINTS = {
    "getstoreinfo": (("GET", "POST"), lambda: {"store_info": store_info()}),
    "getorders": (("POST",), reads.get_orders),
    "gettransactions": (("POST",), reads.get_transactions),
    "getregistershifts": (("POST",), reads.get_register_shifts),
    "getproducts": (("POST",), reads.get_products),
}


@bp.route("/api/v2/<name>", methods=["GET", "POST"])
def call(name: str):
    started = time.monotonic()
    endpoint = ENDPOINTS.get(name.lower())
    if endpoint is None or request.method not in endpoint[0]:
        return envelope(started, False, f"Endpoint {name} not found.", http_status=404)
    # [S] 0.12 an expired or invalid token: 401.
    if bearer_token() is None:
        return envelope(started, False, "Authorization has been denied for this request.",
                        http_status=401)
    try:
        return envelope(started, **endpoint[1]())
    except reads.Refusal as refusal:
        return envelope(started, False, str(refusal))
