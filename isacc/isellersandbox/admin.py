"""Controls for tests and demos, under /sandbox/admin: register a callback as an app's
developer would, let every token lapse (as 14 days would), replace the catalogue, and set up
the store's webhooks (Apps -> Webhook), switch them off and on, see and resend deliveries,
and switch faults on the v2 endpoints."""

import time
from urllib.parse import urlsplit

from flask import Blueprint, current_app, jsonify, request

from isacc.isellersandbox import settings
from isacc.isellersandbox.common import sandbox

bp = Blueprint("iseller_admin", __name__, url_prefix="/sandbox/admin")


@bp.route("/redirect-uris", methods=["GET", "POST"])
def redirect_uris():
    client_id = current_app.config["CLIENT_ID"]
    if request.method == "POST":
        uri = str((request.get_json(silent=True) or {}).get("uri") or "")
        parts = urlsplit(uri)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.fragment:
            return jsonify({"error": "uri must be an absolute http(s) address without a "
                                     "fragment"}), 400
        sandbox().accounts.register_redirect_uri(client_id, uri)
    return jsonify({"client_id": client_id,
                    "redirect_uris": sandbox().accounts.redirect_uris(client_id)})


@bp.route("/stats")
def stats():
    """What the sandbox refused for what was asked: {"refused": n, "refusals": [...]}."""
    refusals = list(sandbox().refusals)
    return jsonify({"refused": len(refusals), "refusals": refusals[-50:]})


@bp.route("/faults", methods=["GET", "POST"])
def faults():
    """The faults in force on the v2 endpoints (GET), or replace them all (POST, as the
    Accurate sandbox's: error_rate and status, slow_rate and slow_seconds, drop_rate,
    refuse_module (an endpoint, e.g. GetOrders), refuse_status, refuse_count; {} turns
    them off)."""
    if request.method == "POST":
        try:
            sandbox().faults.configure(request.get_json(silent=True) or {})
        except (TypeError, ValueError) as error:
            return jsonify({"error": str(error)}), 400
    return jsonify(sandbox().faults.describe())


@bp.route("/tokens/expire", methods=["POST"])
def expire_tokens():
    """Every access token lapses now; refresh tokens still work."""
    expired = sandbox().accounts.query("SELECT count(*) AS n FROM token")[0]["n"]
    sandbox().accounts.run("UPDATE token SET expires = 0")
    return jsonify({"expired": expired})


PRODUCT_FIELDS = {"product_id", "sku", "name", "price", "buying_price", "taxable",
                  "track_inventory", "stock"}


def _product(given, i: int) -> dict:
    """One catalogue entry as settings.PRODUCTS has them; ValueError says what is wrong."""
    if not isinstance(given, dict):
        raise ValueError(f"product {i} must be an object")
    unknown = sorted(set(given) - PRODUCT_FIELDS)
    if unknown:
        raise ValueError(f"product {i}: unknown fields {', '.join(unknown)}")
    if not isinstance(given.get("sku"), str) or not given["sku"].strip() or \
            not isinstance(given.get("name"), str) or not given["name"].strip():
        raise ValueError(f"product {i} needs a sku and a name")
    for field in ("price", "buying_price"):
        value = given.get(field, 0)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ValueError(f"product {i}: {field} must be a number, 0 or more")
    for field in ("taxable", "track_inventory"):
        if not isinstance(given.get(field, True), bool):
            raise ValueError(f"product {i}: {field} must be true or false")
    stock = given.get("stock", {})
    codes = {outlet["outlet_code"] for outlet in settings.OUTLETS}
    if not isinstance(stock, dict) or set(stock) - codes or any(
            isinstance(q, bool) or not isinstance(q, int | float) for q in stock.values()):
        raise ValueError(f"product {i}: stock must map outlet codes ({', '.join(sorted(codes))}) "
                         f"to numbers")
    if "product_id" in given and not isinstance(given["product_id"], str):
        raise ValueError(f"product {i}: product_id must be a GUID string")
    return {"taxable": True, "track_inventory": True, "buying_price": 0, **given,
            "stock": dict(stock)}


@bp.route("/products", methods=["GET", "POST"])
def products():
    """The catalogue (GET), or replace it whole (POST {"products": [{"sku", "name", "price",
    "buying_price", "taxable", "track_inventory", "stock": {"KMG": 10}}, ...]}): GUIDs are
    made for products without a product_id."""
    shop = sandbox().shop
    if request.method == "POST":
        given = (request.get_json(silent=True) or {})
        items = given.get("products") if isinstance(given, dict) else None
        if not isinstance(items, list):
            return jsonify({"error": 'the body must be {"products": [...]}'}), 400
        try:
            catalogue = [_product(item, i) for i, item in enumerate(items, start=1)]
        except ValueError as error:
            return jsonify({"error": str(error)}), 400
        skus = [p["sku"] for p in catalogue]
        if len(set(skus)) != len(skus):
            return jsonify({"error": "two products share a sku"}), 400
        shop.replace_catalogue(catalogue, int(time.time()))
    return jsonify({"products": [{k: v for k, v in p.items() if k != "modified"}
                                 for p in shop.products()]})


@bp.route("/webhooks", methods=["GET", "POST"])
def webhooks():
    """The store's webhooks, Apps -> Webhook (GET), or set one event type's (POST
    {"event_type": "order", "url": "...", "api_key": "..."}; one URL per event type)."""
    hooks = sandbox().webhooks
    if request.method == "POST":
        body = request.get_json(silent=True)
        body = body if isinstance(body, dict) else {}
        if body.get("event_type") not in settings.WEBHOOK_EVENT_TYPES:
            return jsonify({"error": f"event_type must be one of "
                                     f"{', '.join(settings.WEBHOOK_EVENT_TYPES)}"}), 400
        parts = urlsplit(str(body.get("url") or ""))
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return jsonify({"error": "url must be an absolute http(s) address"}), 400
        if not isinstance(body.get("api_key"), str) or not body["api_key"]:
            return jsonify({"error": "api_key (the store's signing key) is needed"}), 400
        hooks.configure(body["event_type"], body["url"], body["api_key"])
    return jsonify({"on": hooks.on(), "webhooks": hooks.configured()})


@bp.route("/webhooks/switch", methods=["POST"])
def switch_webhooks():
    """{"on": false}: events are not sent (nor kept) until {"on": true}."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("on"), bool):
        return jsonify({"error": 'the body must be {"on": true} or {"on": false}'}), 400
    sandbox().webhooks.switch(body["on"])
    return jsonify({"on": body["on"]})


@bp.route("/webhooks/deliveries")
def deliveries():
    return jsonify({"deliveries": sandbox().webhooks.deliveries()})


@bp.route("/webhooks/deliveries/<int:delivery_id>/resend", methods=["POST"])
def resend(delivery_id: int):
    """Send that delivery's exact request once more, now; the receiver's answer."""
    hooks = sandbox().webhooks
    if not hooks.exists(delivery_id):
        return jsonify({"error": f"no delivery {delivery_id}"}), 404
    return jsonify(hooks.attempt(delivery_id))
