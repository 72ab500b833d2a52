"""Where a signed-in user lands, and the store list support and admin pick from."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from isacc.access import Rule, allow, visible_stores
from isacc.extensions import db

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
    stores = db.session.scalars(visible_stores(current_user)).all()
    return render_template("stores.html", stores=stores)
