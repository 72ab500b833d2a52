"""Orders as the till rings them up, and as the v2 API shows them [C b.9]: one record per
order holding its lines and its transactions, kept in UTC and shown in the caller's
time_zone with only the sub-lists its `includes` ask for."""

import json
import uuid
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from isacc.isellersandbox import settings
from isacc.isellersandbox.common import shown
from isacc.isellersandbox.storage import Shop

# [C] b.9 the date fields of the records the v2 API answers with.
DATE_FIELDS = ("order_date", "closed_date", "cancel_date", "transaction_date", "open_date",
               "modified_date", "fulfill_date", "refund_date")
LINE_FIELDS = {"sku", "quantity", "price", "discount"}
PAYMENT_FIELDS = {"payment_type", "amount"}
CUSTOMER_FIELDS = {"first_name", "last_name", "phone", "email"}
ORDER_FIELDS = {"outlet_code", "register_name", "lines", "payments", "customer", "order_date"}
# Beyond any real sale; keeps the rupiah arithmetic within Decimal's exact range.
LARGEST = 10**12


class TillError(ValueError):
    """Why the till refuses an order (answered 400 with this message)."""


def rupiah(value) -> Decimal:
    return Decimal(value).quantize(Decimal(1), ROUND_HALF_UP)


def outlet_by_code(code) -> dict:
    for outlet in settings.OUTLETS:
        if outlet["outlet_code"] == code:
            return outlet
    raise TillError(f"Unknown outlet_code: {code!r} (the outlets are "
                    f"{', '.join(o['outlet_code'] for o in settings.OUTLETS)}).")


def register_of(outlet: dict, name) -> dict:
    registers = settings.REGISTERS.get(outlet["outlet_code"], ())
    if name in (None, ""):
        return registers[0]
    for register in registers:
        if register["register_name"] == name:
            return register
    raise TillError(f"Unknown register_name at {outlet['outlet_code']}: {name!r} (its "
                    f"registers are {', '.join(r['register_name'] for r in registers)}).")


def _number(value, what: str, *, whole: bool = False, positive: bool = False) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise TillError(f"{what} must be a number, not {value!r}.")
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise TillError(f"{what} must be a number, not {value!r}.") from None
    if not number.is_finite() or (whole and number != number.to_integral_value()):
        raise TillError(f"{what} must be a {'whole ' if whole else ''}number, not {value!r}.")
    if number > LARGEST:
        raise TillError(f"{what} must be at most {LARGEST}, not {value!r}.")
    if number < 0 or (positive and number == 0):
        raise TillError(f"{what} must be {'more than 0' if positive else '0 or more'}, "
                        f"not {value!r}.")
    return number


def _unknown(fields: dict, known: set, where: str) -> None:
    unknown = sorted(set(fields) - known)
    if unknown:
        raise TillError(f"Unknown field{'s' if len(unknown) > 1 else ''} in {where}: "
                        f"{', '.join(unknown)}.")


def _list(body: dict, name: str) -> list[dict]:
    items = body.get(name)
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
        raise TillError(f"{name} must be a list of one or more objects.")
    return items


def _order_moment(value) -> int:
    """The order's time: ISO 8601, a zone or Z (naive reads as UTC); now when missing."""
    if value in (None, ""):
        return int(datetime.now(UTC).timestamp())
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise TillError(f"order_date must be an ISO 8601 time such as "
                        f"2026-12-01T03:00:00Z, not {value!r}.") from None
    return int((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp())


def _customer(shop: Shop, given) -> dict:
    names = ("customer_id", "customer_first_name", "customer_last_name",
             "customer_phone_number", "customer_email")
    if given in (None, {}):
        return dict.fromkeys(names)
    if not isinstance(given, dict):
        raise TillError("customer must be an object.")
    _unknown(given, CUSTOMER_FIELDS, "customer")
    key = str(given.get("email") or given.get("phone") or "").strip().lower()
    if not key:
        raise TillError("customer needs an email or a phone.")
    shop.run("INSERT OR IGNORE INTO customer (key, customer_id) VALUES (?, ?)", key,
             str(uuid.uuid4()))
    customer_id = shop.query("SELECT customer_id FROM customer WHERE key = ?", key)[0][0]
    return dict(zip(names, (customer_id, given.get("first_name"), given.get("last_name"),
                            given.get("phone"), given.get("email")), strict=True))


def _lines(shop: Shop, lines: list[dict]) -> list[dict]:
    made = []
    for i, line in enumerate(lines, start=1):
        _unknown(line, LINE_FIELDS, f"line {i}")
        product = shop.product_by_sku(str(line.get("sku", "")))
        if product is None:
            raise TillError(f"Line {i}: unknown sku {line.get('sku')!r}.")
        quantity = _number(line.get("quantity"), f"Line {i} quantity", whole=True,
                           positive=True)
        price = _number(line.get("price", product["price"]), f"Line {i} price")
        discount = _number(line.get("discount", 0), f"Line {i} discount")
        gross = rupiah(price * quantity)
        if discount > gross:
            raise TillError(f"Line {i}: the discount {discount} is more than the line's "
                            f"amount {gross}.")
        made.append(_line(product, int(quantity), rupiah(price), rupiah(discount)))
    return made


def total_of(shop: Shop, lines: list[dict]) -> float:
    """What `lines` (as the till takes them) cost with their tax; TillError as ring_up."""
    made = _lines(shop, _list({"lines": lines}, "lines"))
    return float(sum(Decimal(str(line["subtotal"])) + Decimal(str(line["tax_amount"]))
                     for line in made))


def _line(product: dict, quantity: int, price: Decimal, discount: Decimal) -> dict:
    """[C b.9, S for the fields K1/K4/K7 read] one order line, money as floats."""
    gross = price * quantity
    subtotal = gross - discount
    taxable = bool(product.get("taxable", True))
    percentage = settings.TAX_PERCENTAGE if taxable else 0
    tax = rupiah(subtotal * percentage / 100)
    track = bool(product.get("track_inventory", True))
    buying = Decimal(str(product.get("buying_price") or 0))
    return {
        "order_detail_id": str(uuid.uuid4()), "parent_order_detail_id": None,
        "product_id": product["product_id"], "product_name": product["name"],
        "product_generic_name": None, "product_type": product.get("product_type"),
        "product_variant_id": None, "product_variant_name": None,
        "product_modifier_id": None, "product_modifier_name": None,
        "order_type": settings.ORDER_TYPE, "notes": "", "vendor": product.get("vendor"),
        "sku": product["sku"],
        settings.LINE_FULFILLMENT_KEY: "fulfilled",
        "quantity": quantity, "base_price": float(price), "discount_amount": float(discount),
        "discount_percentage": 0.0, "discount_order_amount": 0.0,
        "total_order_amount": float(gross), "subtotal": float(subtotal),
        "additional_charge": 0.0, "taxable": taxable, "tax_percentage": percentage,
        "tax_amount": float(tax), "require_shipping": False, "weight": 0.0,
        "weight_quantity": None,
        "promotions": [],
        "discounts": [{"discount_name": settings.LINE_DISCOUNT_NAME,
                       "discount_amount": float(discount),
                       "external_id": None}] if discount else [],
        "track_inventory": track, "type": "standard",
        "modifier_product_type": None, "modifier_product_id": None,
        "modifier_product_sku": None, "modifier_product_composites": [],
        "product_composites": [], "product_combos": [],
        "units_used": [{"product_name": product["name"], "product_id": product["product_id"],
                        "sku": product["sku"], "stock": quantity, "serial_numbers": None}]
        if track else [],
        "serial_numbers": None,
        # buying_price: the unit cost (settings).
        "cogs": [{"product_id": product["product_id"], "sku": product["sku"],
                  "quantity": quantity, "buying_price": float(buying)}],
        "server_name": None,
    }


def _payments(payments: list[dict], total: Decimal) -> list[tuple[dict, Decimal]]:
    types = {p["name"]: p for p in settings.PAYMENT_TYPES if p["is_active"]}
    made = []
    for i, payment in enumerate(payments, start=1):
        _unknown(payment, PAYMENT_FIELDS, f"payment {i}")
        name = payment.get("payment_type")
        kind = types.get(name) if isinstance(name, str) else None
        if kind is None:
            raise TillError(f"Payment {i}: unknown or inactive payment_type "
                            f"{name!r} (active: {', '.join(types)}).")
        made.append((kind, rupiah(_number(payment.get("amount"), f"Payment {i} amount",
                                          positive=True))))
    paid, total = sum(amount for _kind, amount in made), rupiah(total)
    if paid != total:
        raise TillError(f"The payments add up to {paid}, the order's total_amount is {total}: "
                        f"{'short by' if paid < total else 'over by'} {abs(total - paid)}.")
    return made


def _transaction(order: dict, kind: dict, amount: Decimal) -> dict:
    """[C b.9] a sale's payment; an iSeller Pay one carries its MDR [G settings.MDR_RATE]."""
    mdr = []
    if kind["gateway"] == "iseller_pay":
        fee = rupiah(amount * Decimal(settings.MDR_RATE))
        mdr = [{"payment_method_fee": float(fee), "total_amount_fee": float(amount - fee)}]
    return {
        "transaction_id": str(uuid.uuid4()), "order_id": order["order_id"],
        "order_reference": order["order_reference"], "transaction_date": order["order_date"],
        "channel": "pos", "type": "sale", "status": "success", "gateway": kind["gateway"],
        "payment_type_id": settings.PAYMENT_TYPE_IDS.get(kind["name"]),
        "payment_type_name": kind["name"], "currency": settings.STORE["currency"],
        "amount": float(amount), "mdr": mdr, "bin_card": None, "additional_info": None,
    }


def ring_up(shop: Shop, body, open_shift) -> dict:
    """Make the order `body` describes (see the till's docstring), take its stock, and return
    the stored record. `open_shift(register_id)` names the register's open shift, if any.
    TillError says what is wrong."""
    if not isinstance(body, dict):
        raise TillError("The body must be a JSON object.")
    _unknown(body, ORDER_FIELDS, "the order")
    outlet = outlet_by_code(body.get("outlet_code"))
    register = register_of(outlet, body.get("register_name"))
    moment = _order_moment(body.get("order_date"))
    with shop.transaction():
        lines = _lines(shop, _list(body, "lines"))
        gross = sum(Decimal(str(line["total_order_amount"])) for line in lines)
        discount = sum(Decimal(str(line["discount_amount"])) for line in lines)
        subtotal = sum(Decimal(str(line["subtotal"])) for line in lines)
        tax = sum(Decimal(str(line["tax_amount"])) for line in lines)
        total = subtotal + tax
        payments = _payments(_list(body, "payments"), total)
        number = shop.next_number(f"receipt:{register['register_id']}",
                                  settings.FIRST_RECEIPT_NUMBER)
        order = {
            "order_id": str(uuid.uuid4()),
            "order_reference": f"#{register['number']}-{number}",
            "external_customer_id": None, "channel": "pos", "channel_detail": None,
            "marketplace_account": None, "order_date": moment, "closed_date": moment,
            "status": "completed", "payment_status": "paid", "fulfillment_status": "fulfilled",
            "notes": "", "processing_method": settings.PROCESSING_METHOD,
            "cancel_date": None, "cancel_reason": None,
            "outlet_id": outlet["outlet_id"], "outlet_name": outlet["outlet_name"],
            "outlet_code": outlet["outlet_code"],
            "register_id": register["register_id"], "register_name": register["register_name"],
            **_customer(shop, body.get("customer")),
            "server_id": None, "server_first_name": None, "server_last_name": None,
            **settings.CASHIER,
            "currency": settings.STORE["currency"],
            "total_order_amount": float(gross), "discount_percentage": 0.0,
            "total_discount_amount": float(discount), "total_promotion_amount": 0.0,
            "subtotal": float(subtotal), "total_tax_amount": float(tax),
            "total_additional_order_amount": 0.0, "total_additional_subtotal_amount": 0.0,
            "total_additional_final_amount": 0.0, "rounding_amount": 0.0,
            "total_amount": float(total),
            "buying_price": float(sum(Decimal(str(line["cogs"][0]["buying_price"]))
                                      * line["quantity"] for line in lines)),
            "total_shipping_amount": 0.0, "total_weight": 0, "tax_inclusive": False,
            "on_account": False, "remaining_on_account": 0.0, "total_bonus": 0.0,
            "billing": None, "shipping": None, "device_location": None,
            "order_type": settings.ORDER_TYPE,
            "order_details": lines, "promotions": [], "discounts": [],
        }
        order["transactions"] = [_transaction(order, kind, amount)
                                 for kind, amount in payments]
        _store(shop, order, open_shift(register["register_id"]))
    return order


def _store(shop: Shop, order: dict, shift_id: str | None) -> None:
    moment = order["order_date"]
    shop.run("INSERT INTO store_order (order_id, outlet_id, customer_id, register_shift_id, "
             "payment_status, fulfillment_status, created, modified, data) "
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", order["order_id"], order["outlet_id"],
             order["customer_id"], shift_id, order["payment_status"],
             order["fulfillment_status"], moment, moment, json.dumps(order))
    for transaction in order["transactions"]:
        shop.run("INSERT INTO store_transaction (transaction_id, order_id, outlet_id, created, "
                 "modified, data) VALUES (?, ?, ?, ?, ?, ?)", transaction["transaction_id"],
                 order["order_id"], order["outlet_id"], moment, moment,
                 json.dumps(transaction))
    now = int(datetime.now(UTC).timestamp())
    for line in order["order_details"]:
        if line["track_inventory"]:
            shop.run("UPDATE stock SET quantity = quantity - ? "
                     "WHERE product_id = ? AND outlet_code = ?", line["quantity"],
                     line["product_id"], order["outlet_code"])
            if settings.STOCK_CHANGE_MODIFIES_PRODUCT:
                shop.run("UPDATE product SET modified = ? WHERE product_id = ?", now,
                         line["product_id"])


def _dates(record: dict, time_zone: int) -> dict:
    return {k: shown(v, time_zone) if k in DATE_FIELDS else v for k, v in record.items()}


def transaction_view(transaction: dict, includes: set[str], time_zone: int) -> dict:
    shown_ = _dates(transaction, time_zone)
    shown_["mdr"] = transaction["mdr"] if "mdr" in includes else None
    return shown_


def order_view(order: dict, includes: set[str], time_zone: int) -> dict:
    """[C b.2/b.9] the order as GetOrders shows it: sub-lists only with their include
    (lower-cased names in `includes`), null without (settings)."""
    shown_ = _dates(order, time_zone)
    discounts, promotions = "discountdetails" in includes, "promotiondetails" in includes
    track = "trackinventory" in includes
    shown_["discounts"] = order["discounts"] if discounts else None
    shown_["promotions"] = order["promotions"] if promotions else None
    shown_["order_details"] = [
        {**line, "discounts": line["discounts"] if discounts else None,
         "promotions": line["promotions"] if promotions else None,
         "track_inventory": line["track_inventory"] if track else None,
         "units_used": line["units_used"] if track else None}
        for line in order["order_details"]] if "orderdetails" in includes else None
    shown_["transactions"] = [transaction_view(t, includes, time_zone)
                              for t in order["transactions"]] \
        if "transactions" in includes else None
    return shown_


def webhook_body(order: dict) -> dict:
    """[S d8] the Order event's body (its fields: settings), order_date in the store's zone."""
    return {field: shown(order[field], settings.STORE_TIME_ZONE) if field in DATE_FIELDS
            else order[field] for field in settings.WEBHOOK_ORDER_FIELDS}
