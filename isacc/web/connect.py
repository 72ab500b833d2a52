"""Connecting a store to Accurate (OAuth consent, then the choice of database) and to
iSeller (OAuth, the webhook set-up, the first import)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, g, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from isacc.access import ALLOWED_ROLES, Rule, allow, can_see_store
from isacc.accurate import account, connection, oauth, scopes
from isacc.accurate.errors import AccurateError
from isacc.extensions import db
from isacc.iseller import catch_up as iseller_catch_up
from isacc.iseller import connection as iseller_connection
from isacc.iseller import oauth as iseller_oauth
from isacc.models import Store
from isacc.models.base import utcnow
from isacc.sync import lanes
from isacc.web.forms import IsellerImportForm
from isacc.web.pages import go, page

bp = Blueprint("connect", __name__)
STATE_KEY = "accurate_oauth"
ISELLER_STATE_KEY = "iseller_oauth"


# How far back the first import reaches [G: iSeller documents no limit on GetOrders].
IMPORT_DAYS = 366


def _connect_page(status: int = 200, **extra):
    can_manage = current_user.role in ALLOWED_ROLES[Rule.STORE_MANAGE]
    extra.setdefault("import_form", IsellerImportForm())
    return page("connect.html", connection=g.store.accurate, can_manage=can_manage,
                missing=scopes.missing(g.store.accurate), iseller=g.store.iseller,
                **extra), status


@bp.route("/stores/<int:store_id>/connect/")
@allow(Rule.STORE_VIEW)
def show(store_id):
    return _connect_page()


@bp.route("/stores/<int:store_id>/connect/start", methods=["POST"])
@allow(Rule.STORE_MANAGE)
def start(store_id):
    redirect_uri = url_for("connect.callback", _external=True)
    target, state = oauth.authorization_url(current_app.config, redirect_uri)
    # The state ties Accurate's answer to this browser session and this store.
    session[STATE_KEY] = {"state": state, "store_id": store_id, "redirect_uri": redirect_uri}
    return go(target)


def _returned(key: str) -> dict | None:
    """The store an OAuth sign-in that comes back to isacc was started for, if it was started
    in this browser session (its state matches) by someone who may still manage the store."""
    expected = session.pop(key, None)
    if not expected or request.args.get("state") != expected["state"]:
        return None
    if not can_see_store(current_user, expected["store_id"]) or \
            current_user.role not in ALLOWED_ROLES[Rule.STORE_MANAGE]:
        abort(404)
    return expected


@bp.route("/connect/callback")
@allow(Rule.SIGNED_IN)
def callback():
    expected = _returned(STATE_KEY)
    if expected is None:
        flash(_("That Accurate sign-in did not start here (or it was already used). "
                "Click Connect to Accurate to try again."), "error")
        return go(url_for("stores.home"))
    store_id = expected["store_id"]
    back = url_for("connect.show", store_id=store_id)
    if request.args.get("error"):
        flash(_("Accurate access was not given, so nothing changed. Click Connect to Accurate "
                "and choose Give Access to connect."), "error")
        return go(back)
    store = db.get_or_404(Store, store_id)
    try:
        token = oauth.exchange_code(current_app.config, expected["redirect_uri"],
                                    request.args.get("code", ""))
    except AccurateError as error:
        flash(error.told(), "error")
        return go(back)
    missing = scopes.missing(connection.save_token(store, token))
    if missing:
        flash(_("Accurate did not approve every permission isacc asked for (%(scopes)s): the "
                "documents that need them wait until you connect again with every permission "
                "ticked.", scopes=", ".join(missing)), "error")
    return go(url_for("connect.database", store_id=store_id))


@bp.route("/stores/<int:store_id>/connect/database", methods=["GET", "POST"])
@allow(Rule.STORE_MANAGE)
def database(store_id):
    link = g.store.accurate
    if link is None:
        flash(_("Connect to Accurate first."), "error")
        return go(url_for("connect.show", store_id=store_id))
    try:
        databases = account.database_list(current_app.config, link.access_token)
    except AccurateError as error:
        flash(error.told(), "error")
        return go(url_for("connect.show", store_id=store_id))
    error = None
    if request.method == "POST":
        chosen = next((d for d in databases
                       if str(d["id"]) == request.form.get("database_id")), None)
        if chosen is None:
            error = _("Choose one of your Accurate databases.")
        else:
            try:
                connection.choose_database(g.store, int(chosen["id"]), chosen["alias"])
            except AccurateError as failure:
                error = failure.told()
            else:
                lanes.wake(lanes.lanes_due(g.store.id))  # what waited for a database goes now
                flash(_("Connected to Accurate database %(name)s.", name=chosen["alias"]), "info")
                return go(url_for("overview.show", store_id=store_id))
    return page("connect_database.html", databases=databases, error=error,
                chosen=link.database_id)


@bp.route("/stores/<int:store_id>/connect/disconnect", methods=["POST"])
@allow(Rule.STORE_MANAGE)
def disconnect(store_id):
    connection.disconnect(g.store)
    flash(_("Disconnected from Accurate: isacc forgot its access and sends nothing until you "
            "connect again."), "info")
    return go(url_for("connect.show", store_id=store_id))


@bp.route("/stores/<int:store_id>/connect/iseller/start", methods=["POST"])
@allow(Rule.STORE_MANAGE)
def iseller_start(store_id):
    redirect_uri = url_for("connect.iseller_callback", _external=True)
    target, state = iseller_oauth.authorization_url(current_app.config, redirect_uri)
    session[ISELLER_STATE_KEY] = {"state": state, "store_id": store_id,
                                  "redirect_uri": redirect_uri}
    return go(target)


@bp.route("/connect/iseller/callback")
@allow(Rule.SIGNED_IN)
def iseller_callback():
    expected = _returned(ISELLER_STATE_KEY)
    if expected is None:
        flash(_("That iSeller sign-in did not start here (or it was already used). "
                "Click Connect to iSeller to try again."), "error")
        return go(url_for("stores.home"))
    store_id = expected["store_id"]
    back = url_for("connect.show", store_id=store_id)
    if request.args.get("error"):
        flash(_("iSeller access was not granted, so nothing changed. Click Connect to iSeller "
                "and choose Grant to connect."), "error")
        return go(back)
    try:
        grant = iseller_oauth.exchange_code(current_app.config, expected["redirect_uri"],
                                            request.args.get("code", ""))
        link = iseller_connection.save_grant(db.get_or_404(Store, store_id), grant)
    except AccurateError as error:
        flash(error.told(), "error")
        return go(back)
    flash(_("Connected to iSeller store %(name)s.", name=link.store_name or link.api_host),
          "info")
    return go(back)


@bp.route("/stores/<int:store_id>/connect/iseller/webhook-key", methods=["POST"])
@allow(Rule.STORE_MANAGE)
def iseller_webhook_key(store_id):
    """Make the key iSeller signs its webhooks with, and show it this once."""
    if g.store.iseller is None:
        flash(_("Connect to iSeller first: the webhook key belongs to the connection."),
              "error")
        return go(url_for("connect.show", store_id=store_id))
    return _connect_page(new_webhook_key=iseller_connection.make_webhook_key(g.store.iseller))


@bp.route("/stores/<int:store_id>/connect/iseller/import", methods=["POST"])
@allow(Rule.STORE_MANAGE)
def iseller_import(store_id):
    """Read the store's iSeller sales since a chosen day (in the store's time zone)."""
    form = IsellerImportForm()
    link = g.store.iseller
    if link is None:
        flash(_("Connect to iSeller first: the import reads the connected store."), "error")
        return go(url_for("connect.show", store_id=store_id))
    if not form.validate_on_submit():
        return _connect_page(400, import_form=form)
    zone = ZoneInfo(g.store.timezone)
    today = utcnow().astimezone(zone).date()
    if not today - timedelta(days=IMPORT_DAYS) <= form.since.data <= today:
        form.since.errors.append(_("Choose a day between %(first)s and today.",
                                   first=(today - timedelta(days=IMPORT_DAYS))
                                   .strftime("%d/%m/%Y")))
        return _connect_page(400, import_form=form)
    iseller_catch_up.import_from(link, datetime.combine(form.since.data, time(), zone))
    flash(_("isacc is reading the store's iSeller sales since %(day)s; they appear in Sync "
            "activity as they come in.", day=form.since.data.strftime("%d/%m/%Y")), "info")
    return go(url_for("connect.show", store_id=store_id))


@bp.route("/stores/<int:store_id>/connect/iseller/disconnect", methods=["POST"])
@allow(Rule.STORE_MANAGE)
def iseller_disconnect(store_id):
    iseller_connection.disconnect(g.store)
    flash(_("Disconnected from iSeller: isacc forgot its access to the store."), "info")
    return go(url_for("connect.show", store_id=store_id))
