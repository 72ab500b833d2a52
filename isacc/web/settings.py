"""When the store's data moves to Accurate."""

from flask import Blueprint

from isacc.access import Rule, allow
from isacc.web.pages import page

bp = Blueprint("settings", __name__, url_prefix="/stores/<int:store_id>/settings")


@bp.route("/")
@allow(Rule.STORE_VIEW)
def show(store_id):
    return page("settings.html")
