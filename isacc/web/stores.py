"""Where a signed-in user lands, and the store list support and admin pick from."""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from isacc.access import Rule, allow
from isacc.stores import store_page

bp = Blueprint("stores", __name__)


@bp.route("/")
@allow(Rule.SIGNED_IN)
def home():
    if current_user.is_staff:
        return redirect(url_for("stores.index"))
    return redirect(url_for("overview.show", store_id=current_user.store_id))


@bp.route("/stores")
@allow(Rule.STAFF)
def index():
    return render_template("stores.html", listing=store_page(
        request.args.get("q", "")[:100], request.args.get("page", 1, type=int)))
