"""The store host's Public API v2 [C, b]: PascalCase RPC endpoints under /api/v2 (paths read
case-insensitively [G, 0.4]) behind a bearer token, answering in iSeller's envelope."""

import time

from flask import Blueprint, request

from isacc.isellersandbox import settings
from isacc.isellersandbox.common import bearer_token, envelope

bp = Blueprint("iseller_store", __name__)


def store_info() -> dict:
    """[C] b.7 store_info with the active outlets and active payment types."""
    return {**settings.STORE, "active_outlets": [dict(o) for o in settings.OUTLETS],
            "active_payments": [dict(p) for p in settings.PAYMENT_TYPES if p["is_active"]]}


ENDPOINTS = {"getstoreinfo": (("GET", "POST"), lambda: {"store_info": store_info()})}


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
    return envelope(started, **endpoint[1]())
