"""The store's link to Accurate."""

from flask import Blueprint, g

from isacc.access import Rule, allow
from isacc.web.pages import page

bp = Blueprint("connect", __name__, url_prefix="/stores/<int:store_id>/connect")


@bp.route("/")
@allow(Rule.STORE_VIEW)
def show(store_id):
    return page("connect.html", connection=g.store.accurate)
