"""Failures across every store, for support and admin."""

from flask import Blueprint, request

from isacc.access import Rule, allow
from isacc.activity_log import read_page
from isacc.models import Status, SyncActivity
from isacc.web.pages import page

bp = Blueprint("support", __name__, url_prefix="/support")


@bp.route("/")
@allow(Rule.STAFF)
def index():
    rows = read_page(SyncActivity, store_id=None, status=Status.FAILED,
                     cursor=request.args.get("cursor"))
    return page("support.html", "partials/support_rows.html", page_=rows)
