"""The sync-activity table (iSeller -> Accurate) and the webhook log (Accurate -> iSeller)."""

import redis
from flask import Blueprint, current_app, g, request

from isacc.access import Rule, allow, in_store
from isacc.activity_log import Filters, read_page
from isacc.extensions import db
from isacc.models import ActivityKind, Outlet, Status, SyncActivity, WebhookLog
from isacc.sync.lanes import enqueue_lane
from isacc.sync.refresh import refresh
from isacc.web.pages import page

bp = Blueprint("activity", __name__, url_prefix="/stores/<int:store_id>")
KINDS = {kind.value for kind in ActivityKind}


def _outlets():
    return db.session.scalars(
        db.select(Outlet).where(Outlet.store_id == g.store.id).order_by(Outlet.name)).all()


def _table(filters: Filters, cursor=None):
    rows = read_page(SyncActivity, store_id=g.store.id, filters=filters, cursor=cursor,
                     zone=g.store.timezone)
    return page("activity.html", "partials/activity_rows.html", page_=rows, filters=filters,
                statuses=list(Status), kinds=sorted(KINDS), outlets=_outlets())


@bp.route("/activity")
@allow(Rule.STORE_VIEW)
def index(store_id):
    return _table(Filters.from_args(request.args, KINDS), request.args.get("cursor"))


@bp.route("/activity/refresh", methods=["POST"])
@allow(Rule.STORE_REFRESH)
def refresh_rows(store_id):
    """Refresh one row, the selected rows, or every failed row matching the filters; the
    table comes back as filtered, the refreshed rows now Pending."""
    filters = Filters.from_args(request.form, KINDS)
    if request.form.get("all_failed"):
        matching = Filters(**{**filters.__dict__, "status": Status.FAILED, "ignored": []})
        ids, cursor = [], None
        while True:  # every page, not just the one on screen
            chunk = read_page(SyncActivity, store_id=g.store.id, filters=matching,
                              cursor=cursor, size=500, zone=g.store.timezone)
            ids += [row.id for row in chunk.rows]
            if not chunk.next_cursor:
                break
            cursor = chunk.next_cursor
    else:
        ids = [int(i) for i in request.form.getlist("activity") if i.isdigit()]
    lanes = refresh(g.store, ids)
    db.session.commit()
    try:
        for lane in lanes:
            enqueue_lane(*lane)
    except redis.RedisError:
        current_app.logger.warning("Redis unavailable: refreshed rows wait for the next tick")
    return _table(filters)


@bp.route("/activity/<int:activity_id>")
@allow(Rule.STORE_VIEW)
def show(store_id, activity_id):
    return page("activity_detail.html", activity=in_store(SyncActivity, activity_id))


@bp.route("/webhooks")
@allow(Rule.STORE_VIEW)
def webhooks(store_id):
    filters = Filters.from_args(request.args, set())
    rows = read_page(WebhookLog, store_id=g.store.id, filters=filters,
                     cursor=request.args.get("cursor"), zone=g.store.timezone)
    return page("webhooks.html", "partials/webhook_rows.html", page_=rows, status=filters.status,
                statuses=list(Status))


@bp.route("/webhooks/<int:webhook_id>")
@allow(Rule.STORE_VIEW)
def webhook(store_id, webhook_id):
    return page("webhook_detail.html", row=in_store(WebhookLog, webhook_id))
