"""The store host's ERP API v3 [C c.1]: POST JSON under /api/v3 [C 0.8] behind the bearer
token, answering in iSeller's envelope plus error_detail [C 0.10], keyed by outlet_code and
sku [C c.3]. A refused request is HTTP 200 with status false [C 0.11].

CreateTransfer moves the outlet's stock in the same `stock` table the till sells from, so
GetProducts' inventories[].unit_in_stock shows it; GetTransfer finds transfers by their
reference_code; GetOutletInventories lists an outlet's stock."""

import json
import time
import uuid

from flask import Blueprint, request

from isacc.isellersandbox import settings
from isacc.isellersandbox.common import bearer_token, envelope, sandbox, shown
from isacc.isellersandbox.settings import (
    GET_INVENTORIES_FIELDS,
    GET_TRANSFER_FIELDS,
    OUT_TYPES,
    TRANSFER_FIELDS,
    TRANSFER_PRODUCT_FIELDS,
    TRANSFER_STATUSES,
    TRANSFER_TYPES,
)

bp = Blueprint("iseller_erp", __name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS transfer (n INTEGER PRIMARY KEY AUTOINCREMENT,
    transfer_id TEXT UNIQUE NOT NULL, reference_code TEXT, outlet_code TEXT NOT NULL,
    created INTEGER NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS ix_transfer_reference ON transfer (reference_code);
"""


@bp.record_once
def _make_tables(state) -> None:
    """The transfers live in the store's file beside its stock, so a transfer and the stock it
    moves are written in one transaction."""
    state.app.extensions["iseller_sandbox"].shop.conn.executescript(SCHEMA)


class Refusal(ValueError):
    """Why a call is refused: HTTP 200, status false, this message [C 0.11]."""

    def __init__(self, message: str, business: bool = False, **fields):
        super().__init__(message)
        # A request well asked but refused for the store's data (an outlet or sku it does
        # not have) is no fault of the client's; any other refusal is counted (stats).
        self.business = business or bool(fields)
        self.fields = fields


def _object(value, where: str, known: set[str]) -> dict:
    if not isinstance(value, dict):
        raise Refusal(f"{where} must be a JSON object.")
    unknown = sorted(set(value) - known)
    if unknown:
        raise Refusal(f"Unknown field{'s' if len(unknown) > 1 else ''} in {where}: "
                      f"{', '.join(unknown)}.")
    return value


def _text(body: dict, name: str, *, required: bool = False) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise Refusal(f"{name} must be {'a' if required else 'null or a'} non-empty string.")
    return value


def _choice(body: dict, name: str, values: tuple[str, ...]) -> str:
    value = body.get(name)
    if value not in values:
        raise Refusal(f"{name} must be one of {', '.join(values)}, not {value!r}.")
    return value


def _outlet(code) -> dict:
    for outlet in settings.OUTLETS:
        if outlet["outlet_code"] == code:
            return outlet
    raise Refusal(f"Unknown outlet_code: {code!r}.", business=True)


def _quantity(value, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise Refusal(f"{where}: quantity must be a number more than 0, not {value!r}.")
    return value


def _transfer_body(body) -> dict:
    body = _object(body, "the body", TRANSFER_FIELDS)
    outlet = _outlet(_text(body, "outlet_code", required=True))
    kind = _choice(body, "type", TRANSFER_TYPES)
    if kind == "out":
        out_type = _choice(body, "out_type", OUT_TYPES)
    elif body.get("out_type") is not None:
        raise Refusal("out_type is only for a transfer of type out.")
    else:
        out_type = None
    status = _choice(body, "status", TRANSFER_STATUSES)
    products = body.get("products")
    if not isinstance(products, list) or not products:
        raise Refusal("products must be a list of one or more objects.")
    lines = []
    for i, item in enumerate(products, start=1):
        item = _object(item, f"products[{i}]", TRANSFER_PRODUCT_FIELDS)
        lines.append({"sku": _text(item, "sku", required=True),
                      "quantity": _quantity(item.get("quantity"), f"products[{i}]")})
    tags = body.get("tags")
    if tags is not None and (not isinstance(tags, list)
                             or not all(isinstance(t, str) and t.strip() for t in tags)):
        raise Refusal("tags must be null or a list of non-empty strings.")
    return {"outlet_code": outlet["outlet_code"], "outlet_id": outlet["outlet_id"],
            "type": kind, "out_type": out_type, "status": status,
            "supplier_name": _text(body, "supplier_name"),
            "reference_code": _text(body, "reference_code"), "products": lines,
            "tags": list(tags or [])}


def create_transfer(body) -> dict:
    """[S c.2] a transfer in or out of one outlet, completed: the stock moves now."""
    transfer = _transfer_body(body)
    shop = sandbox().shop
    now = int(time.time())
    sign = 1 if transfer["type"] == "in" else -1
    with shop.transaction():
        results, refused = [], False
        for line in transfer["products"]:
            product = shop.product_by_sku(line["sku"])
            problem = None
            if product is None:
                problem = f"Product with SKU {line['sku']} not found."
            elif not product.get("track_inventory", True):
                problem = f"Product with SKU {line['sku']} does not track inventory."
            refused = refused or problem is not None
            results.append({"product_id": product and product["product_id"],
                            "sku": line["sku"], "quantity": line["quantity"],
                            "is_success": problem is None, "error_message": problem})
        if refused:
            raise Refusal("Some products could not be transferred.", products=results)
        for line, result in zip(transfer["products"], results, strict=True):
            shop.run("INSERT OR IGNORE INTO stock (product_id, outlet_code, quantity) "
                     "VALUES (?, ?, 0)", result["product_id"], transfer["outlet_code"])
            shop.run("UPDATE stock SET quantity = quantity + ? WHERE product_id = ? AND "
                     "outlet_code = ?", sign * line["quantity"], result["product_id"],
                     transfer["outlet_code"])
            if settings.STOCK_CHANGE_MODIFIES_PRODUCT:
                shop.run("UPDATE product SET modified = ? WHERE product_id = ?", now,
                         result["product_id"])
        transfer_id = str(uuid.uuid4())
        record = {"transfer_id": transfer_id, **transfer, "created": now}
        shop.run("INSERT INTO transfer (transfer_id, reference_code, outlet_code, created, "
                 "data) VALUES (?, ?, ?, ?, ?)", transfer_id, transfer["reference_code"],
                 transfer["outlet_code"], now, json.dumps(record))
    return {"transfer_id": transfer_id, "reference_code": transfer["reference_code"],
            "products": results}


def _transfer_view(record: dict) -> dict:
    return {**{k: v for k, v in record.items() if k != "created"},
            "transfer_date": shown(record["created"], 0)}


def get_transfer(body) -> dict:
    """[G c.5] the transfers made with a reference_code (at one outlet, when given)."""
    body = _object(body, "the body", GET_TRANSFER_FIELDS)
    reference = _text(body, "reference_code", required=True)
    code = body.get("outlet_code")
    if code is not None:
        code = _outlet(_text(body, "outlet_code"))["outlet_code"]
    rows = sandbox().shop.query("SELECT data FROM transfer WHERE reference_code = ? AND "
                                "(? IS NULL OR outlet_code = ?) ORDER BY n", reference, code,
                                code)
    return {"transfers": [_transfer_view(json.loads(row["data"])) for row in rows]}


def _whole(body: dict, name: str, default: int, least: int) -> int:
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise Refusal(f"{name} must be a whole number, {least} or more, not {value!r}.")
    return value


def get_outlet_inventories(body) -> dict:
    """[G c.5] one outlet's stock of every product that keeps stock, paged."""
    body = _object(body, "the body", GET_INVENTORIES_FIELDS)
    outlet = _outlet(_text(body, "outlet_code", required=True))
    page = max(_whole(body, "page", settings.FIRST_PAGE, 0), 1)
    size = min(_whole(body, "page_size", settings.DEFAULT_PAGE_SIZE, 1), settings.MAX_PAGE_SIZE)
    tracked = [p for p in sandbox().shop.products() if p.get("track_inventory", True)]
    chosen = tracked[(page - 1) * size:page * size]
    return {"outlet_code": outlet["outlet_code"], "count": len(chosen),
            "inventories": [{"product_id": p["product_id"], "sku": p["sku"],
                             "unit_in_stock": p["stock"].get(outlet["outlet_code"], 0)}
                            for p in chosen],
            "has_next_item": len(tracked) > page * size}


ENDPOINTS = {
    "createtransfer": create_transfer,
    "gettransfer": get_transfer,
    "getoutletinventories": get_outlet_inventories,
}


@bp.route("/api/v3/<name>", methods=["GET", "POST"])
def call(name: str):
    started = time.monotonic()
    endpoint = ENDPOINTS.get(name.lower())  # [G 0.4] paths read case-insensitively
    if endpoint is None or request.method != "POST":  # [C 0.8] ERP calls are POSTs
        return envelope(started, False, f"Endpoint {name} not found.", http_status=404,
                        error_detail=None)
    if bearer_token() is None:  # [S 0.12]
        return envelope(started, False, "Authorization has been denied for this request.",
                        http_status=401, error_detail=None)
    body = request.get_json(silent=True) if request.is_json else None
    try:
        if body is None:
            raise Refusal("The body must be JSON (Content-Type: application/json).")
        return envelope(started, **endpoint(body), error_detail=None)
    except Refusal as refusal:
        if not refusal.business:
            sandbox().note_refusal(name, str(refusal))
        return envelope(started, False, str(refusal), error_detail=None, **refusal.fields)
