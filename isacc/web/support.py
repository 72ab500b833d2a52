"""Failures across every store, for support and admin, kept live like the store tables, and
sent again from here: both directions, one row or the ticked ones."""

from flask import Blueprint, flash, request, url_for
from flask_babel import ngettext

from isacc.access import Rule, allow
from isacc.activity_log import Filters
from isacc.models import Status, SyncActivity, WebhookLog
from isacc.support import refresh_activities, refresh_webhook_rows, stores_with_failures
from isacc.web.activity import KINDS, nothing_refreshed
from isacc.web.live import read_table, unchanged
from isacc.web.pages import go, page
from isacc.webhooks.events import EVENTS as WEBHOOK_EVENTS

bp = Blueprint("support", __name__, url_prefix="/support")


def _failures(model, rows_partial: str, kinds: set[str]):
    filters = Filters.from_args(request.args, kinds)
    filters.status = Status.FAILED  # support's lists are failures only
    rows, live = read_table(model, store_id=None, filters=filters, zone="UTC")
    if unchanged(rows):
        return "", 204
    return page("support.html", rows_partial, page_=rows, live=live, filters=filters,
                kinds=sorted(kinds), stores=stores_with_failures(model, filters.store_id))


@bp.route("/")
@allow(Rule.STAFF)
def index():
    return _failures(SyncActivity, "partials/support_rows.html", KINDS)


@bp.route("/webhooks")
@allow(Rule.STAFF)
def webhooks():
    return _failures(WebhookLog, "partials/support_webhook_rows.html", set(WEBHOOK_EVENTS))


def _chosen(field: str) -> list[int]:
    one = request.form.get("one", "")
    chosen = [one] if one else request.form.getlist(field)
    return [int(i) for i in chosen if i.isdigit()]


def _filters_kept() -> dict:
    """The list's filters, carried by the refresh form back to the list."""
    return {name: request.form[name] for name in ("store", "type") if request.form.get(name)}


def _told(ids: list[int], sent: str | None) -> None:
    """Flash what was sent again, or why nothing was."""
    if sent:
        flash(sent, "info")
    else:
        flash(nothing_refreshed(ids), "error")


@bp.route("/refresh", methods=["POST"])
@allow(Rule.STAFF)
def refresh():
    ids = _chosen("activity")
    count = refresh_activities(ids)
    _told(ids, count and ngettext("Sending %(num)s row again.", "Sending %(num)s rows again.",
                                  count))
    return go(url_for("support.index", **_filters_kept()))


@bp.route("/webhooks/refresh", methods=["POST"])
@allow(Rule.STAFF)
def refresh_webhooks():
    ids = _chosen("webhook")
    count = refresh_webhook_rows(ids)
    _told(ids, count and ngettext("Applying %(num)s event again.",
                                  "Applying %(num)s events again.", count))
    return go(url_for("support.webhooks", **_filters_kept()))
