"""When the store's data moves to Accurate: saved on every change, by htmx."""

from flask import Blueprint, flash, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from isacc import channels, tax
from isacc import settings as sync_settings
from isacc.access import ALLOWED_ROLES, Rule, allow
from isacc.accurate.errors import AccurateError
from isacc.extensions import db
from isacc.sync import lanes, plan
from isacc.web.pages import go, is_htmx, page

bp = Blueprint("settings", __name__, url_prefix="/stores/<int:store_id>/settings")


def _can_change() -> bool:
    return current_user.role in ALLOWED_ROLES[Rule.STORE_MANAGE]


@bp.route("/")
@allow(Rule.STORE_VIEW)
def show(store_id):
    return page("settings.html", errors={}, form=None, can_change=_can_change())


@bp.route("/", methods=["POST"])
@allow(Rule.STORE_MANAGE)
def save(store_id):
    try:
        chosen = sync_settings.read_form(request.form)
    except sync_settings.SettingsError as problem:
        # 200 so htmx swaps the form in with its messages; nothing was saved.
        return page("settings.html", "partials/settings_form.html", errors=problem.errors,
                    form=request.form, can_change=True)
    moved = sync_settings.apply(g.store, chosen)
    db.session.commit()
    lanes.wake(lanes.lanes_due(g.store.id))  # what the new timing makes due goes now
    message = _("Settings saved.")
    if moved:
        message += " " + ngettext("%(num)s pending document follows the new timing.",
                                  "%(num)s pending documents follow the new timing.", moved)
    if not is_htmx():
        flash(message, "info")
        return go(url_for("settings.show", store_id=store_id))
    return render_template("partials/settings_form.html", errors={}, form=None,
                           can_change=True, saved=True, message=message)


def _tax_page(form=None, problems=None):
    taxes, problem = [], None
    if _can_change():
        try:
            taxes = tax.accurate_taxes(g.store)
        except AccurateError as error:
            problem = error.told()
    store = g.store
    form = form or {"tax_mode": store.tax_mode.value, "tax_name": store.tax_name or ""}
    return page("tax.html", taxes=taxes, accurate_problem=problem, form=form,
                problems=problems or {}, modes=tax.MODE_LABELS, can_change=_can_change())


@bp.route("/tax")
@allow(Rule.STORE_VIEW)
def show_tax(store_id):
    return _tax_page()


@bp.route("/tax", methods=["POST"])
@allow(Rule.STORE_MANAGE)
def save_tax(store_id):
    try:
        taxes = tax.accurate_taxes(g.store)
    except AccurateError as error:
        flash(error.told(), "error")
        return go(url_for("settings.show_tax", store_id=store_id))
    problems = tax.choose(g.store, request.form, taxes)
    if problems:
        db.session.rollback()
        return _tax_page(form=request.form, problems=problems)
    db.session.commit()
    flash(_("Sales tax saved: invoices from now on book it this way."), "info")
    return go(url_for("settings.show_tax", store_id=store_id))


def _channels_page(problems=None):
    return page("channels.html", offered=channels.offered(g.store),
                chosen=g.store.sales_channels or {}, label=channels.label,
                problems=problems or {}, can_change=_can_change())


@bp.route("/channels")
@allow(Rule.STORE_VIEW)
def show_channels(store_id):
    return _channels_page()


@bp.route("/channels", methods=["POST"])
@allow(Rule.STORE_MANAGE)
def save_channels(store_id):
    problems, added = channels.choose(g.store, request.form)
    if problems:
        db.session.rollback()
        return _channels_page(problems)
    # A channel picked now brings the orders it had while it was kept out of the books.
    planned = [activity for channel_key in added
               for order in channels.unplanned_orders(g.store, channel_key)
               for activity in plan.plan_sales_order(g.store, order)]
    db.session.commit()
    lanes.wake({(a.store_id, a.outlet_id) for a in planned})
    message = _("Sales channels saved.")
    if planned:
        message += " " + ngettext("%(num)s document of their earlier sales goes to Accurate.",
                                  "%(num)s documents of their earlier sales go to Accurate.",
                                  len(planned))
    flash(message, "info")
    return go(url_for("settings.show_channels", store_id=store_id))
