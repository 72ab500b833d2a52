"""The store overview: connection, setup checklist, and the live status panel."""

import hashlib

from flask import Blueprint, g, render_template, request
from markupsafe import Markup

from isacc.access import Rule, allow
from isacc.overview import documents_per_day, setup_checklist, sync_status
from isacc.web.pages import is_htmx, page
from isacc.webhooks.renewal import renewal_warning

bp = Blueprint("overview", __name__, url_prefix="/stores/<int:store_id>")


def _status_panel() -> dict:
    """The panel's content, and its fingerprint for the poll that asks whether it changed."""
    body = render_template("partials/sync_status_body.html", status=sync_status(g.store.id),
                           days=documents_per_day(g.store))
    # The body was rendered by Jinja with autoescaping on: it is already safe HTML.
    panel = Markup(body)  # noqa: S704
    return {"panel": panel, "v": hashlib.blake2b(body.encode(), digest_size=8).hexdigest()}


@bp.route("/")
@allow(Rule.STORE_VIEW)
def show(store_id):
    return page("overview.html", steps=setup_checklist(g.store),
                webhook_warning=renewal_warning(g.store), **_status_panel())


@bp.route("/status")
@allow(Rule.STORE_VIEW)
def status(store_id):
    """The status panel, polled by the overview; 204 when nothing in it changed."""
    panel = _status_panel()
    if is_htmx():
        # The poll swaps the panel alone: the checklist (which reads SKU problems) is not shown.
        if request.args.get("v") == panel["v"]:
            return "", 204
        return page("overview.html", "partials/sync_status.html", **panel)
    return page("overview.html", steps=setup_checklist(g.store),
                webhook_warning=renewal_warning(g.store), **panel)
