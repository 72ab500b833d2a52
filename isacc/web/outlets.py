"""iSeller outlets and their Accurate mapping."""

from flask import Blueprint, g

from isacc.access import Rule, allow, in_store
from isacc.extensions import db
from isacc.models import Outlet
from isacc.web.pages import page

bp = Blueprint("outlets", __name__, url_prefix="/stores/<int:store_id>/outlets")


@bp.route("/")
@allow(Rule.STORE_VIEW)
def index(store_id):
    outlets = db.session.scalars(
        db.select(Outlet).where(Outlet.store_id == g.store.id).order_by(Outlet.name)
    ).all()
    return page("outlets.html", outlets=outlets)


@bp.route("/<int:outlet_id>")
@allow(Rule.STORE_VIEW)
def show(store_id, outlet_id):
    return page("outlet.html", outlet=in_store(Outlet, outlet_id))
