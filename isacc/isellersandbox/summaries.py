"""GetOrderSummary [C b.3] and GetTransactionSummary [C b.5]: the orders' and the payments'
totals per day, by the shared filters. A day's row is dated at the day's start, shown in
time_zone; which days (UTC or the zone's) is a guess in settings. `page`/`page_size` page
the days (neither summary documents has_next_item, so none is given)."""

import json
from collections import defaultdict
from decimal import Decimal

from isacc.isellersandbox import settings
from isacc.isellersandbox.common import shown
from isacc.isellersandbox.reads import SHARED, Query, matching, order_filters, transaction_filters

# [C b.3] the money a day's order summary adds up.
ORDER_SUMS = ("total_order_amount", "total_discount_amount", "total_promotion_amount",
              "total_additional_order_amount", "total_additional_subtotal_amount", "subtotal",
              "total_tax_amount", "total_additional_final_amount", "rounding_amount",
              "total_amount", "total_shipping_amount")
# [C b.5, the sample's names] the gateways a day's transaction summary has a column for.
GATEWAY_COLUMNS = ("cash", "external_debit", "external_credit", "gift_card", "iseller_pay",
                   "points", "store_credit", "account_balance")


def _day(moment: int, query: Query) -> int:
    zone = 0 if settings.SUMMARY_DAYS_IN_UTC else query.time_zone * 3600
    return (moment + zone) // 86400 * 86400 - zone


def _days(rows, query: Query) -> list[tuple[int, list[dict]]]:
    days: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        days[_day(row["created"], query)].append(json.loads(row["data"]))
    ordered = sorted(days.items(), reverse=query.choice(
        "sort_direction", ("ASC", "DESC"), settings.DEFAULT_SORT[1]) == "DESC")
    skip, size = query.page()
    return ordered[skip:skip + size]


def get_order_summary() -> dict:
    query = Query("GetOrderSummary", SHARED | {"customer_id", "fulfillment_status"},
                  settings.ORDER_SUMMARY_INCLUDES)
    query.order_by()  # sort and sort_direction are checked as GetOrders checks them
    summaries = []
    for day, orders in _days(matching("store_order", query, *order_filters(query)), query):
        row = {"order_date": shown(day, query.time_zone), "currency": settings.STORE["currency"],
               **{name: float(sum(Decimal(str(o[name])) for o in orders))
                  for name in ORDER_SUMS},
               "total_weight": sum(o["total_weight"] for o in orders)}
        if "trackinventory" in query.includes:
            row.update(_units(orders))
        summaries.append(row)
    return {"count": len(summaries), "order_summaries": summaries}


def _units(orders: list[dict]) -> dict:
    """[C b.3] units per product; units_hpp only for products with a buying price."""
    used: dict[str, dict] = {}
    hpp: dict[str, dict] = {}
    for line in (line for order in orders for line in order["order_details"]):
        if line["track_inventory"]:
            unit = used.setdefault(line["sku"], {"product_name": line["product_name"],
                                                 "sku": line["sku"], "stock": 0})
            unit["stock"] += line["quantity"]
        cost = line["cogs"][0]["buying_price"]
        if cost:
            row = hpp.setdefault(line["sku"], {
                "product_id": line["product_id"], "product_name": line["product_name"],
                "sku": line["sku"], "quantity": 0, "selling_price": 0.0,
                "buying_price": 0.0})
            row["quantity"] += line["quantity"]
            row["selling_price"] += line["subtotal"]
            row["buying_price"] += cost * line["quantity"]
    return {"units_used": list(used.values()), "units_returned": [],
            "units_fulfilled": list(used.values()) if settings.TILL_SALES_IN_FULFILLMENTS
            else [], "units_hpp": list(hpp.values())}


def get_transaction_summary() -> dict:
    query = Query("GetTransactionSummary", SHARED, settings.TRANSACTION_SUMMARY_INCLUDES)
    query.order_by()
    summaries = []
    for day, payments in _days(matching("store_transaction", query,
                                        *transaction_filters(query)), query):
        sums: dict[str, Decimal] = defaultdict(Decimal)
        customs: dict[str, Decimal] = defaultdict(Decimal)
        for payment in payments:
            amount = Decimal(str(payment["amount"]))
            if payment["gateway"] in GATEWAY_COLUMNS:
                sums[payment["gateway"]] += amount
            else:
                customs[payment["payment_type_name"]] += amount
        summaries.append({"order_date": shown(day, query.time_zone),
                          **{name: float(sums[name]) for name in GATEWAY_COLUMNS},
                          "customs": [{"name": name, "amount": float(amount)}
                                      for name, amount in customs.items()]})
    return {"count": len(summaries), "transaction_summaries": summaries}
