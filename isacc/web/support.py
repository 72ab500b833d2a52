"""Failures across every store, for support and admin, kept live like the store tables."""

from flask import Blueprint

from isacc.access import Rule, allow
from isacc.activity_log import Filters
from isacc.models import Status, SyncActivity
from isacc.web.live import read_table, unchanged
from isacc.web.pages import page

bp = Blueprint("support", __name__, url_prefix="/support")


@bp.route("/")
@allow(Rule.STAFF)
def index():
    filters = Filters(status=Status.FAILED)
    rows, live = read_table(SyncActivity, store_id=None, filters=filters, zone="UTC")
    if unchanged(rows):
        return "", 204
    return page("support.html", "partials/support_rows.html", page_=rows, live=live,
                filters=filters)
