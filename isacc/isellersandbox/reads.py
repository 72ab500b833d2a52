"""The v2 read endpoints [C b.1-b.9]: GetOrders, GetTransactions, GetRegisterShifts and
GetProducts over the till's records. Parameters come as a form or JSON body [C 0.5, S 0.6]
(and the query string, settings); dates are read in `time_zone` and shown in it; bounds
are inclusive; `page`/`page_size` with `has_next_item`. A parameter iSeller would not take
is refused with status false (see settings: the refusals are the sandbox's choice)."""

import json
import uuid
from datetime import UTC, datetime

from flask import request

from isacc.isellersandbox import settings
from isacc.isellersandbox.common import sandbox, shown
from isacc.isellersandbox.orders import order_view, transaction_view
from isacc.isellersandbox.shifts import record as shift_record

# [C] b.1 the filters GetOrders, GetTransactions, GetRegisterShifts (and the summaries) share.
SHARED = {"time_zone", "created_after", "created_before", "modified_after", "modified_before",
          "sort", "sort_direction", "page", "page_size", "outlet_id", "includes"}
PAYMENT_STATUSES = ("paid", "partially_paid", "refunded", "partially_refunded", "pending")
FULFILLMENT_STATUSES = ("fulfilled", "partial", "none")
PRODUCT_TYPES = ("standard", "variant", "composite", "comboset", "composite_variant")
SORTS = {"createddate": "created", "modifieddate": "modified"}


class Refusal(Exception):
    """A request iSeller answers with HTTP 200, status false and this error_message."""


def parameters() -> dict[str, str]:
    """The request's parameters as text; an empty value counts as not given (settings)."""
    given = request.args.to_dict() if settings.READ_QUERY_STRING else {}
    if request.is_json:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise Refusal("The request body must be a JSON object.")
        for name, value in body.items():
            if isinstance(value, bool):
                given[name] = "true" if value else "false"
            elif isinstance(value, int | float | str):
                given[name] = str(value)
            elif value is not None:
                raise Refusal(f"Parameter {name} must be a single value.")
    else:
        given.update(request.form.to_dict())
    return {name: value.strip() for name, value in given.items() if value.strip()}


class Query:
    """One request's parameters, read as `endpoint` takes them."""

    def __init__(self, endpoint: str, known: set[str], includes: tuple[str, ...]):
        self.params = parameters()
        unknown = sorted(set(self.params) - known)
        if unknown and settings.REFUSE_UNKNOWN_PARAMETERS:
            raise Refusal(f"{endpoint} does not take the parameter"
                          f"{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}.")
        self.time_zone = self._time_zone()
        self.includes = self._includes(includes)

    def _time_zone(self) -> int:
        text = self.params.get("time_zone")
        if text is None:
            return settings.DEFAULT_TIME_ZONE
        try:
            hours = int(text)
        except ValueError:
            raise Refusal(f"time_zone must be a whole number of hours, such as 7, not "
                          f"{text!r}.") from None
        if hours not in settings.TIME_ZONES:
            raise Refusal(f"time_zone must be between {settings.TIME_ZONES[0]} and "
                          f"{settings.TIME_ZONES[-1]}, not {hours}.")
        return hours

    def _includes(self, allowed: tuple[str, ...]) -> set[str]:
        """[S b.2] a comma list in any letter case, spaces allowed; the names lower-cased."""
        names = {name.strip().lower() for name in self.params.get("includes", "").split(",")}
        names.discard("")
        known = {name.lower(): name for name in allowed}
        unknown = sorted(names - set(known))
        if unknown:
            listed = ", ".join(allowed) if allowed else "none"
            raise Refusal(f"Unknown include{'s' if len(unknown) > 1 else ''}: "
                          f"{', '.join(unknown)} (known: {listed}).")
        return names

    def moment(self, name: str) -> float | None:
        """[C 0.14] an ISO date and time without a zone, read in time_zone; UTC seconds."""
        text = self.params.get(name)
        if text is None:
            return None
        try:
            local = datetime.fromisoformat(text)
        except ValueError:
            raise Refusal(f"{name} must be a date and time such as 2017-11-20T10:00:00, not "
                          f"{text!r}.") from None
        if local.tzinfo is not None:
            raise Refusal(f"{name} must be given without a zone (it is read in time_zone), "
                          f"not {text!r}.")
        return local.replace(tzinfo=UTC).timestamp() - self.time_zone * 3600

    def choice(self, name: str, values, default: str | None = None) -> str | None:
        """One of `values` (in any letter case, settings); the value as `values` spell it."""
        text = self.params.get(name)
        if text is None:
            return default
        for value in values:
            if value == text or (settings.ENUMS_IN_ANY_CASE and value.lower() == text.lower()):
                return value
        raise Refusal(f"{name} must be one of {', '.join(values)}, not {text!r}.")

    def guid(self, name: str) -> str | None:
        text = self.params.get(name)
        if text is None:
            return None
        try:
            return str(uuid.UUID(text))
        except ValueError:
            raise Refusal(f"{name} must be a GUID, not {text!r}.") from None

    def whole(self, name: str, least: int) -> int | None:
        text = self.params.get(name)
        if text is None:
            return None
        try:
            number = int(text)
        except ValueError:
            raise Refusal(f"{name} must be a whole number, not {text!r}.") from None
        if number < least:
            raise Refusal(f"{name} must be {least} or more, not {number}.")
        if number > settings.LARGEST_PAGE:
            raise Refusal(f"{name} must be at most {settings.LARGEST_PAGE}, not {number}.")
        return number

    def boolean(self, name: str) -> bool | None:
        text = self.params.get(name)
        if text is None:
            return None
        if text.lower() not in ("true", "false"):
            raise Refusal(f"{name} must be true or false, not {text!r}.")
        return text.lower() == "true"

    def page(self) -> tuple[int, int]:
        """(rows to skip, page size) [G e4/e5, settings]."""
        number = self.whole("page", 0)
        size = self.whole("page_size", 1) or settings.DEFAULT_PAGE_SIZE
        size = min(size, settings.MAX_PAGE_SIZE)
        return (max(number or settings.FIRST_PAGE, 1) - 1) * size, size

    def window(self, where: list[str], args: list) -> None:
        """[C b.1] the created/modified bounds, inclusive, as SQL conditions."""
        for name, column, operator in (("created_after", "created", ">="),
                                       ("created_before", "created", "<="),
                                       ("modified_after", "modified", ">="),
                                       ("modified_before", "modified", "<=")):
            moment = self.moment(name)
            if moment is not None:
                where.append(f"{column} {operator} ?")
                args.append(moment)

    def order_by(self) -> str:
        column = SORTS[self.choice("sort", ("CreatedDate", "ModifiedDate"),
                                   settings.DEFAULT_SORT[0]).lower()]
        direction = self.choice("sort_direction", ("ASC", "DESC"), settings.DEFAULT_SORT[1])
        return f"{column} {direction}, n {direction}"


def _page(table: str, query: Query, where: list[str], args: list) -> tuple[list, bool]:
    skip, size = query.page()
    # Only the module's own table names, columns and ASC/DESC are joined in; values are `?`.
    sql = (f"SELECT * FROM {table}{' WHERE ' + ' AND '.join(where) if where else ''} "  # noqa: S608
           f"ORDER BY {query.order_by()} LIMIT ? OFFSET ?")
    rows = sandbox().shop.query(sql, *args, size + 1, skip)
    return rows[:size], len(rows) > size


def order_filters(query: Query) -> tuple[list[str], list]:
    """SQL conditions on store_order for the shared filters and those GetOrders adds."""
    where, args = [], []
    query.window(where, args)
    for column, value in (
            ("order_id", query.guid("order_id")), ("outlet_id", query.guid("outlet_id")),
            ("customer_id", query.guid("customer_id")),
            ("payment_status", query.choice("payment_status", PAYMENT_STATUSES)),
            ("fulfillment_status", query.choice("fulfillment_status", FULFILLMENT_STATUSES))):
        if value is not None:
            where.append(f"{column} = ?")
            args.append(value)
    return where, args


def matching(table: str, query: Query, where: list[str], args: list) -> list:
    """Every row the conditions match, oldest first (what a summary adds up)."""
    sql = (f"SELECT * FROM {table}{' WHERE ' + ' AND '.join(where) if where else ''} "  # noqa: S608
           f"ORDER BY created, n")
    return sandbox().shop.query(sql, *args)


def get_orders() -> dict:
    """[C b.2] orders by the shared filters and order_id, payment_status,
    fulfillment_status, customer_id."""
    query = Query("GetOrders", SHARED | {"order_id", "payment_status", "fulfillment_status",
                                         "customer_id"}, settings.ORDER_INCLUDES)
    params = query.params
    # [S b.1] created_after is required unless a modified bound (K1) or order_id is given.
    if not ({"created_after", "modified_after", "modified_before", "order_id"} & set(params)):
        raise Refusal("created_after is required (or a modified_after/modified_before "
                      "bound, or order_id).")
    rows, more = _page("store_order", query, *order_filters(query))
    orders = [order_view(json.loads(row["data"]), query.includes, query.time_zone)
              for row in rows]
    answer = {"count": len(orders), "orders": orders}
    if "trackinventory" in query.includes:
        # No refunds yet; till sales are fulfilled at once (settings).
        answer["refunded_orders"] = []
        answer["fulfillments"] = [_fulfillment(o) for o in orders] \
            if settings.TILL_SALES_IN_FULFILLMENTS else []
    answer["has_next_item"] = more
    return answer


def _fulfillment(order: dict) -> dict:
    """[C b.9] StoreOrderFulfilled for a till sale (when settings list them)."""
    return {"order_id": order["order_id"], "order_reference": order["order_reference"],
            "channel": order["channel"], "order_date": order["order_date"],
            "fulfill_date": order["closed_date"],
            "units_fulfilled": [unit for line in order["order_details"] or []
                                for unit in line["units_used"] or []]}


def transaction_filters(query: Query) -> tuple[list[str], list]:
    where, args = [], []
    query.window(where, args)
    outlet = query.guid("outlet_id")
    if outlet:
        where.append("outlet_id = ?")
        args.append(outlet)
    return where, args


def get_transactions() -> dict:
    """[C b.4] payments by the shared filters, each with its order_id and order_reference."""
    query = Query("GetTransactions", SHARED, settings.TRANSACTION_INCLUDES)
    rows, more = _page("store_transaction", query, *transaction_filters(query))
    transactions = [transaction_view(json.loads(row["data"]), query.includes, query.time_zone)
                    for row in rows]
    return {"count": len(transactions), "transactions": transactions, "has_next_item": more}


def get_register_shifts() -> dict:
    """[C b.8] shifts by the shared filters, register_id and outlet_id (created and
    modified times, and the doc's other name for modified_after: settings)."""
    alias = settings.SHIFT_MODIFIED_BOUND_ALIAS
    query = Query("GetRegisterShifts", SHARED | {"register_id", alias},
                  settings.REGISTER_SHIFT_INCLUDES)
    if alias in query.params and "modified_after" not in query.params:
        query.params["modified_after"] = query.params.pop(alias)
    where, args = [], []
    query.window(where, args)
    for name in ("register_id", "outlet_id"):
        value = query.guid(name)
        if value:
            where.append(f"{name} = ?")
            args.append(value)
    rows, more = _page("(SELECT *, opened AS created FROM register_shift)", query, where, args)
    shifts = [{**shift, "open_date": shown(shift["open_date"], query.time_zone),
               "closed_date": shown(shift["closed_date"], query.time_zone)}
              for shift in map(shift_record, rows)]
    return {"count": len(shifts), "register_shifts": shifts, "has_next_item": more}


def get_products() -> dict:
    """[C b.6] the catalogue with stock per outlet (inventories)."""
    query = Query("GetProducts", {"track_inventory", "modified_after", "page", "page_size",
                                  "product_header_id", "type", "product_type", "tags",
                                  "includes", "keyword", "time_zone"}, settings.PRODUCT_INCLUDES)
    missing = [name for name in settings.GET_PRODUCTS_REQUIRED if name not in query.params]
    if missing:
        raise Refusal(f"GetProducts needs {', '.join(missing)}.")
    tracked_only = query.boolean("track_inventory")
    since = query.moment("modified_after")
    header = query.guid("product_header_id")
    kind = query.choice("type", PRODUCT_TYPES)
    product_type, tag = query.params.get("product_type"), query.params.get("tags")
    skip, size = query.page()
    # track_inventory=true: only products that keep stock; false: all; keyword is ignored
    # (settings).
    chosen = [p for p in sandbox().shop.products()
              if (not tracked_only or p.get("track_inventory", True))
              and (since is None or p["modified"] >= since)
              and (header is None or p["product_id"] == header)
              and (kind is None or kind == "standard")
              and (product_type is None or p.get("product_type") == product_type)
              and tag is None]
    page = chosen[skip:skip + size]
    products = [product_view(p, query.includes, query.time_zone) for p in page]
    return {"count": len(products), "products": products,
            "has_next_item": len(chosen) > skip + size, "error_detail": None}


def product_view(product: dict, includes: set[str], time_zone: int) -> dict:
    """[C b.6] StoreProduct; a standard product, its own header (settings)."""
    outlets = settings.OUTLETS
    return {
        "product_id": product["product_id"], "product_header_id": product["product_id"],
        "name": product["name"], "description": None, "type": "standard",
        "product_type": product.get("product_type"), "vendor": product.get("vendor"),
        "attribute": [], "tags": [] if "tags" in includes else None, "barcode": None,
        "sku": product["sku"], "price": float(product["price"]),
        "outlet_prices": [{"outlet_id": o["outlet_id"], "outlet_name": o["outlet_name"],
                           "price": float(product["price"])} for o in outlets]
        if "outletprice" in includes else None,
        "taxable": product.get("taxable", True),
        "track_inventory": product.get("track_inventory", True),
        "allow_negative_stock": True, "sold_count": None, "unit_of_measurement": "pcs",
        "buying_prices": [{"outlet_id": o["outlet_id"],
                           "buying_price": float(product.get("buying_price") or 0)}
                          for o in outlets],
        "buying_price": float(product.get("buying_price") or 0),
        "inventories": [{"outlet_id": o["outlet_id"], "outlet_code": o["outlet_code"],
                         "outlet_name": o["outlet_name"],
                         "unit_in_stock": product["stock"].get(o["outlet_code"], 0)}
                        for o in outlets],
        "ingredients": [], "variant_options": [],
        "bundles": [] if "bundles" in includes else None,
        "modifier_groups": [] if {"modifiergroups", "modifiers"} & includes else None,
        "images": [], "need_scale": False, "is_active": True,
        "modified_date": shown(product["modified"], time_zone),
    }
