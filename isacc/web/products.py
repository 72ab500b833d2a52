"""Products: SKU problems with their details, and the export to Accurate's import layout."""

from io import BytesIO

from flask import Blueprint, flash, g, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from isacc.access import ALLOWED_ROLES, Rule, allow, in_store
from isacc.extensions import db
from isacc.models import Product
from isacc.models.base import utcnow
from isacc.products import (
    ExportRefused,
    export_workbook,
    product_page,
    sku_problems,
    stock_left_out,
)
from isacc.web.pages import go, page

bp = Blueprint("products", __name__, url_prefix="/stores/<int:store_id>/products")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/")
@allow(Rule.STORE_VIEW)
def index(store_id):
    listing = product_page(g.store.id, request.args.get("q", "")[:100],
                           request.args.get("page", 1, type=int))
    return page("products.html", listing=listing, problems=sku_problems(g.store.id),
                left_out=stock_left_out(g.store.id),
                can_export=current_user.role in ALLOWED_ROLES[Rule.STORE_MANAGE])


@bp.route("/problems/<kind>")
@allow(Rule.STORE_VIEW)
def problems(store_id, kind):
    """The details list of one kind of SKU problem (an htmx partial)."""
    if kind not in ("missing", "duplicated"):
        return "", 404
    return page("partials/sku_problems.html", "partials/sku_problems.html", kind=kind,
                problems=sku_problems(g.store.id))


@bp.route("/export")
@allow(Rule.STORE_MANAGE)
def export(store_id):
    only_new = request.args.get("new") == "1"
    try:
        content = export_workbook(g.store, only_new, utcnow())
    except ExportRefused as refused:
        flash(_("Export refused. %(why)s", why=refused), "error")
        return go(url_for("products.index", store_id=store_id))
    db.session.commit()
    name = f"barang-jasa-{g.store.iseller_id}{'-baru' if only_new else ''}.xlsx"
    return send_file(BytesIO(content), mimetype=XLSX, as_attachment=True, download_name=name)


@bp.route("/<int:product_id>")
@allow(Rule.STORE_VIEW)
def show(store_id, product_id):
    return page("product.html", product=in_store(Product, product_id))
