"""The store overview: connection, setup checklist, status panel."""

from flask import Blueprint, g

from isacc.access import Rule, allow
from isacc.overview import setup_checklist, sync_status
from isacc.web.pages import page

bp = Blueprint("overview", __name__, url_prefix="/stores/<int:store_id>")


@bp.route("/")
@allow(Rule.STORE_VIEW)
def show(store_id):
    return page(
        "overview.html",
        steps=setup_checklist(g.store),
        status=sync_status(g.store.id),
    )
