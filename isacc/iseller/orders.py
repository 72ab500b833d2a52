"""iSeller's own records (the Public API v2 models, iseller-api.md b.7 and b.9) as isacc's
inbound events, so that what a real iSeller store sends comes in through the same ingest,
checks and dedupe as the signed inbound API.

What isacc cannot book yet is refused here with a plain reason, never booked half right:
extra and service charges and shipping (iSeller's three "additional" amounts mean what is not
known yet, #18), refunds and voids (#19)."""

import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from pydantic import ValidationError

from isacc.accurate.errors import FinalError
from isacc.extensions import db
from isacc.inbound import schemas
from isacc.inbound.body import digest
from isacc.models import Outlet, Product, Store
from isacc.payment_methods import ISELLERPAY
from isacc.reasons import say

# Every sub-list an order can carry [C b.2]; TrackInventory adds refunds, MDR the fees.
INCLUDES = "OrderDetails,Transactions,DiscountDetails,PromotionDetails,TrackInventory,MDR"
# Charges isacc cannot book yet (#18 books them): their order waits as Failed, with why.
UNBOOKED_CHARGES = {
    "total_additional_order_amount": say("an extra charge"),
    "total_additional_subtotal_amount": say("an extra charge"),
    "total_additional_final_amount": say("a service charge"),
    "total_shipping_amount": say("shipping"),
}
# iSeller answers dates as "2023-01-02 09:53:37" in the time_zone asked for [C 0.14]; isacc
# asks for 0, so they are UTC.
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}")


def _money(value, what: str) -> Decimal:
    try:
        amount = Decimal(str(value if value is not None else 0))
    except InvalidOperation:
        raise _unreadable(what) from None
    if not amount.is_finite():
        raise _unreadable(what)
    return amount


def _unreadable(what: str) -> FinalError:
    return FinalError(say("iSeller sent an order isacc cannot read (%(field)s).", field=what),
                      say("Tell isacc's support: the notice is kept as it came."))


def utc(value, what: str) -> datetime:
    if not isinstance(value, str) or not _DATE.match(value):
        raise _unreadable(what)
    return datetime.strptime(value[:19].replace("T", " "), "%Y-%m-%d %H:%M:%S").replace(
        tzinfo=UTC)


def payment_method(transaction: dict) -> str:
    """isacc's name for a payment method: cash and iSeller Pay by their gateway (isacc books
    them apart), any other by the payment type's name in the store ("Debit BCA", "QRIS"),
    one account each on the outlet's mapping."""
    gateway = str(transaction.get("gateway") or "")
    if gateway == "cash":
        return "cash"
    if gateway == "iseller_pay":
        return ISELLERPAY
    return str(transaction.get("payment_type_name") or gateway or "other").strip()[:40]


def number_of(reference: str) -> str:
    """An Accurate-safe document number from iSeller's receipt number ("#3123-1001")."""
    return re.sub(r"[^A-Za-z0-9._/-]", "-", reference.strip().lstrip("#"))[:40]


def _event(model, event_id: str, body: dict, what):
    try:
        return model.model_validate({"event_id": event_id, **body})
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                             for e in error.errors())
        raise FinalError(say("iSeller's %(what)s cannot be booked as it is: %(problems)s",
                             what=what, problems=problems),
                         say("Check the %(what)s in iSeller; the notice is kept as it came.",
                             what=what)) from None


def outlet_events(info: dict, known: dict[str, list] | None = None) -> list[schemas.OutletEvent]:
    """One outlet event per active outlet of GetStoreInfo [C b.7], taking the store's active
    payment types, plus those `known` (outlet id -> methods) says the outlet took before: its
    earlier sales still need their accounts. The event id holds the data's digest: the same
    data again is a repeat, changed data (a new name, a new payment type) updates the
    outlet."""
    known = known or {}
    # A PaymentType names itself `name`; a Transaction, `payment_type_name` [C b.7, b.9].
    methods = sorted({payment_method({"gateway": p.get("gateway"),
                                      "payment_type_name": p.get("name")})
                      for p in info.get("active_payments") or []
                      if isinstance(p, dict) and p.get("is_active", True)})
    events = []
    for outlet in info.get("active_outlets") or []:
        if not isinstance(outlet, dict) or not outlet.get("outlet_id"):
            continue
        body = {"outlet": {"id": str(outlet["outlet_id"]),
                           "name": str(outlet.get("outlet_name") or outlet.get("outlet_code")
                                       or outlet["outlet_id"])[:120],
                           "address": (str(outlet["address"])[:255]
                                       if outlet.get("address") else None),
                           "payment_methods": sorted(
                               {*methods, *known.get(str(outlet["outlet_id"]), [])})[:20]}}
        events.append(_event(schemas.OutletEvent,
                             f"iseller:outlet:{outlet['outlet_id']}:{digest(body)[:16]}", body,
                             say("outlet")))
    return events


def known_methods(store: Store) -> dict[str, list]:
    """The payment methods each of the store's outlets took so far, by iSeller id."""
    return {outlet.iseller_id: list(outlet.payment_methods or []) for outlet in
            db.session.scalars(db.select(Outlet).where(Outlet.store_id == store.id))}


def _customer(order: dict) -> schemas.CustomerEvent | None:
    customer_id = order.get("customer_id")
    if not customer_id:
        return None
    name = " ".join(str(order.get(part) or "").strip()
                    for part in ("customer_first_name", "customer_last_name")).strip()
    body = {"customer": {
        "id": str(customer_id),
        "name": (name or order.get("customer_phone_number") or order.get("customer_email")
                 or str(customer_id))[:200],
        "email": order.get("customer_email") or None,
        "phone": order.get("customer_phone_number") or None}}
    return _event(schemas.CustomerEvent, f"iseller:customer:{customer_id}:{digest(body)[:16]}",
                  body, say("customer"))


def _refusal(order: dict) -> None:
    """Refuse what isacc cannot book yet, naming it."""
    reference = order.get("order_reference") or order.get("order_id")
    status = order.get("status")
    if status not in ("completed",):
        raise FinalError(
            say("iSeller order %(order)s is %(status)s: isacc books completed orders.",
                order=reference, status=status or "?"),
            say("Nothing to do while it is open; a void or cancellation needs nothing in "
                "Accurate yet."))
    if str(order.get("currency") or "IDR").upper() != "IDR":
        raise FinalError(say("iSeller order %(order)s is in %(currency)s: isacc books rupiah "
                             "only.", order=reference, currency=order.get("currency")),
                         say("Enter this order in Accurate by hand."))
    for field, what in UNBOOKED_CHARGES.items():
        if _money(order.get(field), field):
            raise FinalError(
                say("iSeller order %(order)s has %(what)s, which isacc cannot book yet.",
                    order=reference, what=what),
                say("Enter this order in Accurate by hand."))


def _lines(store: Store, order: dict) -> list[dict]:
    details = order.get("order_details")
    if not isinstance(details, list) or not details:
        raise _unreadable("order_details")
    known = _known_products(store, {str(d.get("product_id")) for d in details
                                    if isinstance(d, dict) and d.get("product_id")})
    lines = []
    for i, detail in enumerate(details):
        if not isinstance(detail, dict):
            raise _unreadable(f"order_details.{i}")
        name = " ".join(str(detail.get(part) or "").strip()
                        for part in ("product_name", "product_variant_name")).strip()
        product_id = str(detail.get("product_id") or "")
        lines.append({
            # The product as isacc knows it from iSeller's catalogue, else by SKU alone.
            "product_id": product_id if product_id in known else None,
            "sku": detail.get("sku") or None,
            "name": (name or detail.get("sku") or "?")[:200],
            "quantity": _money(detail.get("quantity"), f"order_details.{i}.quantity"),
            "unit_price": _money(detail.get("base_price"), f"order_details.{i}.base_price"),
            # The line's own discount and its share of the order's [S b.9].
            "discount": _money(detail.get("discount_amount"), f"order_details.{i}."
                                                               f"discount_amount")
            + _money(detail.get("discount_order_amount"), f"order_details.{i}."
                                                           f"discount_order_amount"),
            "tax": _money(detail.get("tax_amount"), f"order_details.{i}.tax_amount"),
        })
    return lines


def _known_products(store: Store, iseller_ids: set[str]) -> set[str]:
    if not iseller_ids:
        return set()
    return set(db.session.scalars(db.select(Product.iseller_id).where(
        Product.store_id == store.id, Product.iseller_id.in_(iseller_ids))))


def _payments(order: dict) -> list[dict]:
    payments = []
    for i, transaction in enumerate(order.get("transactions") or []):
        if not isinstance(transaction, dict):
            raise _unreadable(f"transactions.{i}")
        if transaction.get("type") != "sale" or transaction.get("status") != "success":
            continue  # refunds and voids are #19's; a failed payment paid nothing
        fees = sum((_money(m.get("payment_method_fee"), f"transactions.{i}.mdr")
                    for m in transaction.get("mdr") or [] if isinstance(m, dict)), Decimal(0))
        payments.append({
            "method": payment_method(transaction),
            "amount": _money(transaction.get("amount"), f"transactions.{i}.amount"),
            "mdr_fee": fees,
            "reference": str(transaction.get("transaction_id") or "")[:80] or None,
            "paid_at": (utc(transaction["transaction_date"], f"transactions.{i}."
                                                             f"transaction_date")
                        if transaction.get("transaction_date") else None),
        })
    return payments


def order_events(store: Store, order: dict) -> list[tuple[str, schemas.Event]]:
    """(event type, event) to ingest for one GetOrders order: its customer, then the order.
    FinalError says why an order cannot be booked."""
    _refusal(order)
    lines = _lines(store, order)
    line_discounts = sum((line["discount"] for line in lines), Decimal(0))
    # An order-level discount iSeller did not spread over the lines stays the order's.
    order_discount = (_money(order.get("total_discount_amount"), "total_discount_amount")
                      + _money(order.get("total_promotion_amount"), "total_promotion_amount")
                      - line_discounts)
    reference = str(order.get("order_reference") or order.get("order_id"))
    body = {"order": {
        "id": str(order["order_id"]),
        "number": number_of(reference),
        "outlet_id": str(order.get("outlet_id") or ""),
        "customer_id": str(order["customer_id"]) if order.get("customer_id") else None,
        "ordered_at": utc(order.get("order_date"), "order_date"),
        "lines": lines,
        "payments": _payments(order),
        "discount_total": max(order_discount, Decimal(0)),
        # Prices holding their tax and the till's rounding are booked as they are (#18);
        # the total check below refuses an order whose reading of them does not add up.
        "tax_inclusive": bool(order.get("tax_inclusive")),
        "channel": order.get("channel") or "pos",
        "channel_detail": order.get("channel_detail") or None,
        "rounding": _money(order.get("rounding_amount"), "rounding_amount"),
    }}
    events = []
    customer = _customer(order)
    if customer is not None:
        events.append(("customer", customer))
    sale = _event(schemas.OrderEvent, f"iseller:order:{order['order_id']}", body,
                  say("order %(order)s", order=reference))
    charged = _money(order.get("total_amount"), "total_amount")
    if sale.order.total != charged:
        raise FinalError(say("iSeller order %(order)s comes to %(total)s from its lines, but "
                             "iSeller charged %(charged)s.", order=reference,
                             total=sale.order.total, charged=charged),
                         say("Enter this order in Accurate by hand."))
    events.append(("sales_order", sale))
    return events
