"""The store host's Public API v2 [C, b]: PascalCase RPC endpoints under /api/v2 (paths read
case-insensitively [G, 0.4]) behind a bearer token, answering in iSeller's envelope. The
read endpoints are in reads.py; a request they refuse is HTTP 200 with status false
[C 0.11]. The faults switched on (POST /sandbox/admin/faults, the Accurate sandbox's
mechanism: error_rate, slow_rate/slow_seconds, drop_rate, refuse_module = an endpoint's
name) apply to every v2 call."""

import time

from flask import Blueprint, request

from isacc.isellersandbox import reads, settings, summaries
from isacc.isellersandbox.common import bearer_token, envelope, sandbox
from isacc.sandbox.data import _drop_connection

bp = Blueprint("iseller_store", __name__)


def store_info() -> dict:
    """[C] b.7 store_info with the active outlets and active payment types."""
    return {**settings.STORE, "active_outlets": [dict(o) for o in settings.OUTLETS],
            "active_payments": [dict(p) for p in settings.PAYMENT_TYPES if p["is_active"]]}


# [C] b.0 the endpoints and their methods (0.5: v2 data calls are POSTs; 0.7: GetStoreInfo
# answers GET too).
ENDPOINTS = {name.lower(): (name, methods, handler) for name, methods, handler in (
    ("GetStoreInfo", ("GET", "POST"), lambda: {"store_info": store_info()}),
    ("GetOrders", ("POST",), reads.get_orders),
    ("GetTransactions", ("POST",), reads.get_transactions),
    ("GetRegisterShifts", ("POST",), reads.get_register_shifts),
    ("GetProducts", ("POST",), reads.get_products),
    ("GetOrderSummary", ("POST",), summaries.get_order_summary),
    ("GetTransactionSummary", ("POST",), summaries.get_transaction_summary),
)}
# A refused call's answer per refuse_status: [S 0.12] 401 and 403 for tokens; the others
# in the envelope with that HTTP status (200: a business refusal [C 0.11]).
REFUSED = {401: "Authorization has been denied for this request.",
           403: "The token has no right to this endpoint.",
           404: "Endpoint not found."}


@bp.errorhandler(ConnectionResetError)
def dropped(_error):
    # The socket is already shut (a dropped connection): this answer goes nowhere.
    return "", 500


@bp.route("/api/v2/<name>", methods=["GET", "POST"])
def call(name: str):
    started = time.monotonic()
    endpoint = ENDPOINTS.get(name.lower())
    if endpoint is None or request.method not in endpoint[1]:
        return envelope(started, False, f"Endpoint {name} not found.", http_status=404)
    # [S] 0.12 an expired or invalid token: 401.
    if bearer_token() is None:
        return envelope(started, False, "Authorization has been denied for this request.",
                        http_status=401)
    faults = sandbox().faults
    refusal = faults.refusal(endpoint[0], "read")
    if refusal is not None:
        return envelope(started, False, REFUSED.get(refusal, "Sandbox: refused"),
                        http_status=refusal)
    if faults.roll(faults.slow_rate):
        time.sleep(faults.slow_seconds)
    if faults.roll(faults.drop_rate):
        _drop_connection()
    if faults.roll(faults.error_rate):
        return envelope(started, False, "Sandbox: injected failure", http_status=faults.status)
    try:
        return envelope(started, **endpoint[2]())
    except reads.Refusal as refusal:
        sandbox().note_refusal(name, str(refusal))
        return envelope(started, False, str(refusal))
