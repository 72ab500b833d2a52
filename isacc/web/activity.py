"""The sync-activity table (iSeller -> Accurate) and the webhook log (Accurate -> iSeller)."""

from flask import Blueprint, g, request

from isacc.access import Rule, allow, in_store
from isacc.activity_log import parse_status, read_page
from isacc.models import Status, SyncActivity, WebhookLog
from isacc.web.pages import page

bp = Blueprint("activity", __name__, url_prefix="/stores/<int:store_id>")


@bp.route("/activity")
@allow(Rule.STORE_VIEW)
def index(store_id):
    status = parse_status(request.args.get("status"))
    rows = read_page(SyncActivity, store_id=g.store.id, status=status,
                     cursor=request.args.get("cursor"))
    return page("activity.html", "partials/activity_rows.html", page_=rows, status=status,
                statuses=list(Status))


@bp.route("/activity/<int:activity_id>")
@allow(Rule.STORE_VIEW)
def show(store_id, activity_id):
    return page("activity_detail.html", activity=in_store(SyncActivity, activity_id))


@bp.route("/webhooks")
@allow(Rule.STORE_VIEW)
def webhooks(store_id):
    status = parse_status(request.args.get("status"))
    rows = read_page(WebhookLog, store_id=g.store.id, status=status,
                     cursor=request.args.get("cursor"))
    return page("webhooks.html", "partials/webhook_rows.html", page_=rows, status=status,
                statuses=list(Status))


@bp.route("/webhooks/<int:webhook_id>")
@allow(Rule.STORE_VIEW)
def webhook(store_id, webhook_id):
    return page("webhook_detail.html", row=in_store(WebhookLog, webhook_id))
