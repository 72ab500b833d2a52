"""The sync-activity table (iSeller -> Accurate) and the webhook log (Accurate -> iSeller)."""

from datetime import datetime

from flask import (
    Blueprint,
    flash,
    g,
    make_response,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from isacc.access import ALLOWED_ROLES, Rule, allow, in_store
from isacc.activity_log import EPOCH, MICROSECOND, Filters, page_query
from isacc.extensions import db
from isacc.i18n import kind_label
from isacc.models import ActivityKind, Outlet, Status, SyncActivity, WebhookLog
from isacc.models.base import utcnow
from isacc.sync.lanes import wake
from isacc.sync.opname import send_anyway
from isacc.sync.refresh import progress, refresh
from isacc.sync.waiting import waiting
from isacc.web.live import read_table, unchanged
from isacc.web.pages import go, is_htmx, page
from isacc.webhooks.events import EVENTS as WEBHOOK_EVENTS
from isacc.webhooks.refresh import refresh_webhooks

bp = Blueprint("activity", __name__, url_prefix="/stores/<int:store_id>")
KINDS = {kind.value for kind in ActivityKind}
# Tells an open table to look again now rather than at its next poll.
CHANGED = "activity-changed"


def _outlets():
    return db.session.scalars(
        db.select(Outlet).where(Outlet.store_id == g.store.id).order_by(Outlet.name)).all()


def _waiting_of(activity: SyncActivity):
    return waiting([activity], utcnow()).get(activity.id)


@bp.route("/activity")
@allow(Rule.STORE_VIEW)
def index(store_id):
    filters = Filters.from_args(request.args, KINDS)
    rows, live = read_table(SyncActivity, store_id=g.store.id, filters=filters,
                            zone=g.store.timezone)
    rows.waits = waiting(rows.rows, utcnow())
    if unchanged(rows):
        return "", 204
    return page("activity.html", "partials/activity_rows.html", page_=rows, live=live,
                filters=filters, statuses=list(Status), kinds=sorted(KINDS), outlets=_outlets(),
                may_send_anyway=_may_send_anyway())


def _failed_matching(model, filters: Filters) -> list[int]:
    """Every failed row matching the filters, not only the ones on screen."""
    matching = Filters(**{**filters.__dict__, "status": Status.FAILED, "ignored": []})
    query = page_query(model, store_id=g.store.id, filters=matching, cursor=None,
                       size=0, zone=g.store.timezone)
    return list(db.session.scalars(query.with_only_columns(model.id).limit(None)))


def _chosen_rows(model, field: str, filters: Filters) -> list[int]:
    """The rows a refresh form names: one (`one`), every failed one matching the filters
    (`all_failed`), or the ticked ones (`field`)."""
    if request.form.get("one", "").isdigit():
        return [int(request.form["one"])]
    if request.form.get("all_failed"):
        return _failed_matching(model, filters)
    return [int(i) for i in request.form.getlist(field) if i.isdigit()]


def _can_refresh() -> bool:
    """Whether a row's page offers Refresh: asked of the rule, not assumed from the view's."""
    return current_user.role in ALLOWED_ROLES[Rule.STORE_REFRESH]


def _may_send_anyway() -> bool:
    """Whether a count waiting for a failed movement offers "Send the count anyway": the
    owner's call, as it leaves Accurate's stock off the count for a while."""
    return current_user.role in ALLOWED_ROLES[Rule.STORE_MANAGE]


def _back_to_row(ids: list[int]) -> bool:
    """A plain post from a row's own page (`back=row`) returns to that page."""
    return request.form.get("back") == "row" and len(ids) == 1


def nothing_refreshed(ids: list[int]) -> str:
    """Why a refresh sent nothing (also support's, across stores)."""
    if request.form.get("all_failed") and not ids:
        return _("No failed rows match these filters.")
    return (_("Tick at least one failed row first.") if not ids
            else _("Nothing to refresh: those rows are no longer failed."))


def _progress_answer(batch_at: datetime | None, message: str | None = None):
    answer = make_response(render_template(
        "partials/refresh_progress.html", batch=progress(g.store, batch_at) if batch_at else None,
        message=message, at=(batch_at - EPOCH) // MICROSECOND if batch_at else None))
    answer.headers["HX-Trigger"] = CHANGED
    return answer


@bp.route("/activity/refresh", methods=["POST"])
@allow(Rule.STORE_REFRESH)
def refresh_rows(store_id):
    """Send failed rows again: one (`one`), the ticked ones (`activity`), or every failed row
    matching the filters (`all_failed`). htmx gets the batch's progress, which follows
    itself; a plain form post goes back to the table, or to the row's own page it came from."""
    filters = Filters.from_args(request.form, KINDS)
    ids = _chosen_rows(SyncActivity, "activity", filters)
    batch = refresh(g.store, ids)
    db.session.commit()
    wake(batch.lanes)
    message = None if batch.count else nothing_refreshed(ids)
    if is_htmx():
        return _progress_answer(batch.at if batch.count else None, message)
    flash(message or ngettext("Sending %(num)s row again.", "Sending %(num)s rows again.",
                              batch.count), "error" if message else "info")
    if _back_to_row(ids):
        return go(url_for("activity.show", store_id=store_id, activity_id=ids[0]))
    return go(url_for("activity.index", store_id=store_id, **filters.args()))


@bp.route("/activity/refresh")
@allow(Rule.STORE_VIEW)
def refresh_progress(store_id):
    """How far a refresh has got (`at`: the batch's moment, from the refresh's answer);
    without a readable `at`, an empty box."""
    try:
        batch_at = EPOCH + int(request.args.get("at", "")) * MICROSECOND
    except (ValueError, OverflowError):
        batch_at = None
    return _progress_answer(batch_at)


@bp.route("/activity/<int:activity_id>")
@allow(Rule.STORE_VIEW)
def show(store_id, activity_id):
    activity = in_store(SyncActivity, activity_id)
    return page("activity_detail.html", activity=activity, wait=_waiting_of(activity),
                can_refresh=_can_refresh(), may_send_anyway=_may_send_anyway())


@bp.route("/activity/<int:activity_id>/send-anyway", methods=["POST"])
@allow(Rule.STORE_MANAGE)
def send_count_anyway(store_id, activity_id):
    """The owner sends a stock opname without waiting for the failed movements of its items.
    htmx from the table gets a message in the refresh box (and the table redraws); a post
    from the row's own page (`back=row`) goes back to it."""
    activity = in_store(SyncActivity, activity_id)
    sent = send_anyway(activity, utcnow())
    db.session.commit()
    if sent:
        wake({(activity.store_id, activity.outlet_id)})
        message = _("Stock opname %(number)s goes without waiting for the failed documents.",
                    number=activity.source_number)
    else:
        message = _("Nothing to do: stock opname %(number)s is not waiting for a failed "
                    "document any more.", number=activity.source_number)
    if is_htmx() and request.form.get("back") != "row":
        answer = make_response(render_template("partials/refresh_progress.html", batch=None,
                                               message=message, ok=sent))
        answer.headers["HX-Trigger"] = CHANGED
        return answer
    flash(message, "info" if sent else "error")
    return go(url_for("activity.show", store_id=store_id, activity_id=activity_id))


@bp.route("/activity/<int:activity_id>/reason")
@allow(Rule.STORE_VIEW)
def reason(store_id, activity_id):
    """The reason dialog's content; without htmx, the row's own page says the same."""
    activity = in_store(SyncActivity, activity_id)
    return page("activity_detail.html", "partials/reason_dialog.html", activity=activity,
                row=activity, wait=_waiting_of(activity),
                title=f"{kind_label(activity.kind)} {activity.source_number or ''}",
                can_refresh=_can_refresh())


@bp.route("/webhooks")
@allow(Rule.STORE_VIEW)
def webhooks(store_id):
    filters = Filters.from_args(request.args, set(WEBHOOK_EVENTS))
    rows, live = read_table(WebhookLog, store_id=g.store.id, filters=filters,
                            zone=g.store.timezone)
    if unchanged(rows):
        return "", 204
    return page("webhooks.html", "partials/webhook_rows.html", page_=rows, live=live,
                filters=filters, statuses=list(Status), kinds=sorted(WEBHOOK_EVENTS),
                outlets=_outlets())


@bp.route("/webhooks/<int:webhook_id>")
@allow(Rule.STORE_VIEW)
def webhook(store_id, webhook_id):
    return page("webhook_detail.html", row=in_store(WebhookLog, webhook_id),
                can_refresh=_can_refresh())


@bp.route("/webhooks/<int:webhook_id>/reason")
@allow(Rule.STORE_VIEW)
def webhook_reason(store_id, webhook_id):
    row = in_store(WebhookLog, webhook_id)
    return page("webhook_detail.html", "partials/reason_dialog.html", row=row,
                title=f"{kind_label(row.event_type)} {row.accurate_number or ''}",
                can_refresh=_can_refresh())


@bp.route("/webhooks/refresh", methods=["POST"])
@allow(Rule.STORE_REFRESH)
def refresh_webhook_rows(store_id):
    """Apply failed webhook rows again, once their cause (a SKU, a warehouse) is fixed."""
    filters = Filters.from_args(request.form, set(WEBHOOK_EVENTS))
    ids = _chosen_rows(WebhookLog, "webhook", filters)
    count = refresh_webhooks(g.store, ids)
    message = (ngettext("Applying %(num)s event again.", "Applying %(num)s events again.", count)
               if count else nothing_refreshed(ids))
    if is_htmx():
        answer = make_response(render_template(
            "partials/refresh_progress.html", batch=None, message=message, ok=bool(count)))
        answer.headers["HX-Trigger"] = CHANGED
        return answer
    flash(message, "info" if count else "error")
    if _back_to_row(ids):
        return go(url_for("activity.webhook", store_id=store_id, webhook_id=ids[0]))
    return go(url_for("activity.webhooks", store_id=store_id, **filters.args()))
