"""The till: the only way orders come into the sandbox, as a cashier rings them up at a POS
register. A JSON API for tests and scripts (/sandbox/till/...) and a page for people (/till,
behind the store's sign-in); both go through `sell`.

POST /sandbox/till/orders {"outlet_code": "KMG", "register_name": "Register #3123"
(optional: the outlet's first register), "lines": [{"sku": "KN-0001", "quantity": 2,
"price": 25000 (optional: the catalogue's), "discount": 0 (optional: the line's discount
amount)}], "payments": [{"payment_type": "Cash", "amount": 50000}] (active payment types;
they must add up to the total), "customer": {"first_name", "last_name", "phone", "email"}
(optional), "order_date": "2026-12-01T03:00:00Z" (optional: now)} answers 201 {"order":
the v2 Order with every include, times in UTC}, and sends the Order webhook.
POST /sandbox/till/shifts/open {"outlet_code", "register_name"} and
POST /sandbox/till/shifts/close {"register_shift_id"} answer {"register_shift": ...}.
A refusal is a 400 {"error": "..."} naming what is wrong."""

import json
import time

from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from isacc.isellersandbox import settings
from isacc.isellersandbox.common import sandbox, shown
from isacc.isellersandbox.orders import TillError, order_view, ring_up, total_of, webhook_body
from isacc.isellersandbox.shifts import close_shift, open_shift, open_shift_id, open_shifts
from isacc.isellersandbox.storage import Shop

bp = Blueprint("iseller_till", __name__)
# Every include GetOrders knows, lower-cased: the till answers with the whole order.
EVERY_INCLUDE = {"orderdetails", "transactions", "discountdetails", "promotiondetails",
                 "trackinventory", "mdr"}


def sell(body) -> dict:
    """Ring up the order `body` describes and send its Order webhook; the stored order."""
    state = sandbox()
    order = ring_up(state.shop, body, lambda register_id: open_shift_id(state.shop,
                                                                        register_id))
    state.webhooks.event("order", webhook_body(order))
    return order


def _shown_shift(shift: dict) -> dict:
    return {**shift, "open_date": shown(shift["open_date"], 0),
            "closed_date": shown(shift["closed_date"], 0)}


def _json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise TillError("The body must be a JSON object.")
    return body


@bp.errorhandler(TillError)
def refused(error: TillError):
    return jsonify({"error": str(error)}), 400


@bp.route("/sandbox/till/orders", methods=["POST"])
def orders():
    return jsonify({"order": order_view(sell(_json_body()), EVERY_INCLUDE, 0)}), 201


@bp.route("/sandbox/till/shifts/open", methods=["POST"])
def shifts_open():
    body = _json_body()
    shift = open_shift(sandbox().shop, body.get("outlet_code"), body.get("register_name"))
    return jsonify({"register_shift": _shown_shift(shift)}), 201


@bp.route("/sandbox/till/shifts/close", methods=["POST"])
def shifts_close():
    shift = close_shift(sandbox().shop, _json_body().get("register_shift_id"))
    return jsonify({"register_shift": _shown_shift(shift)})


# ---- the till page ----

def _todays_orders(shop: Shop) -> list[dict]:
    """The store's orders of today (the store's day, WIB), newest first."""
    zone = settings.STORE_TIME_ZONE * 3600
    midnight = (int(time.time()) + zone) // 86400 * 86400 - zone
    rows = shop.query("SELECT data FROM store_order WHERE created >= ? ORDER BY created DESC, "
                      "n DESC", midnight)
    return [order_view(json.loads(row["data"]), set(), settings.STORE_TIME_ZONE)
            for row in rows]


def _form_lines(form) -> list[dict]:
    return [{"sku": sku, "quantity": quantity}
            for sku, quantity in zip(form.getlist("sku"), form.getlist("quantity"), strict=False)]


def _page(form: dict, lines: list[dict], error: str | None = None, status: int = 200):
    shop = sandbox().shop
    try:
        total = total_of(shop, _chosen(lines))
    except TillError:
        total = None
    registers = [(outlet["outlet_code"], register["register_name"])
                 for outlet in settings.OUTLETS
                 for register in settings.REGISTERS.get(outlet["outlet_code"], ())]
    return render_template(
        "iseller_till.html", form=form, lines=lines, error=error,
        done=request.args.get("done"), outlets=settings.OUTLETS, registers=registers,
        products=shop.products(),
        payment_types=[p for p in settings.PAYMENT_TYPES if p["is_active"]],
        shifts=[{**s, "open_date": shown(s["open_date"], settings.STORE_TIME_ZONE)}
                for s in open_shifts(shop)],
        orders=_todays_orders(shop), total=total), status


def _signed_in():
    return bool(session.get("merchant"))


def _sign_in_page():
    return render_template("iseller_login.html", next=url_for("iseller_till.page"),
                           email=current_app.config["USER_EMAIL"],
                           password=current_app.config["USER_PASSWORD"], error=None)


@bp.route("/till")
def page():
    if not _signed_in():
        return _sign_in_page()
    return _page({}, [{"sku": "", "quantity": "1"}])


@bp.route("/till", methods=["POST"])
def charge():
    """The page's form: add a line, or charge the order through `sell`."""
    if not _signed_in():
        return _sign_in_page(), 401
    form = request.form
    lines = _form_lines(form)
    if form.get("action") == "add_line":
        return _page(form, [*lines, {"sku": "", "quantity": "1"}])
    if form.get("action") == "update":
        return _page(form, lines)
    chosen = _chosen(lines)
    try:
        # An amount left empty pays the total, as a cashier taps the exact amount.
        amount = _whole(form.get("amount")) if (form.get("amount") or "").strip() \
            else total_of(sandbox().shop, chosen)
        order = sell({"outlet_code": form.get("outlet_code"),
                      "register_name": form.get("register_name"), "lines": chosen,
                      "payments": [{"payment_type": form.get("payment_type"),
                                    "amount": amount}]})
    except TillError as error:
        return _page(form, lines or [{"sku": "", "quantity": "1"}], str(error), 400)
    return redirect(url_for("iseller_till.page", done=order["order_reference"]))


@bp.route("/till/shift", methods=["POST"])
def shift():
    if not _signed_in():
        return _sign_in_page(), 401
    form = request.form
    try:
        if form.get("action") == "close":
            close_shift(sandbox().shop, form.get("register_shift_id"))
        else:
            name = form.get("register_name")
            outlet = next((code for code, registers in settings.REGISTERS.items()
                           if any(r["register_name"] == name for r in registers)), None)
            if outlet is None:
                raise TillError(f"Unknown register: {name!r}.")
            open_shift(sandbox().shop, outlet, name)
    except TillError as error:
        return _page(form, [{"sku": "", "quantity": "1"}], str(error), 400)
    return redirect(url_for("iseller_till.page"))


def _chosen(lines: list[dict]) -> list[dict]:
    """The page's lines with a product, as the till API takes them."""
    return [{"sku": line["sku"], "quantity": _whole(line["quantity"])}
            for line in lines if line["sku"]]


def _whole(text):
    """A typed number as a number, so the till's checks speak of the amount itself."""
    text = (text or "").strip().replace(".", "").replace(",", "")
    return int(text) if text.isdigit() else text
