"""iSeller outlets and their Accurate mapping."""

from flask import Blueprint, flash, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from isacc import outlets as mapping_logic
from isacc import payment_methods
from isacc.access import ALLOWED_ROLES, Rule, allow, in_store
from isacc.accurate.errors import AccurateError, NotConnected, ReconnectRequired
from isacc.extensions import db
from isacc.models import Outlet
from isacc.web.pages import go, page

bp = Blueprint("outlets", __name__, url_prefix="/stores/<int:store_id>/outlets")


@bp.route("/")
@allow(Rule.STORE_VIEW)
def index(store_id):
    outlets = db.session.scalars(
        db.select(Outlet).where(Outlet.store_id == g.store.id).order_by(Outlet.name)
    ).all()
    return page("outlets.html", outlets=outlets)


def _form_page(outlet, form=None, problems=None, refresh=False):
    can_manage = current_user.role in ALLOWED_ROLES[Rule.STORE_MANAGE]
    found, accurate_problem, needs_connect = None, None, False
    if can_manage:
        try:
            found = mapping_logic.choices(g.store, refresh=refresh)
        except AccurateError as error:
            accurate_problem = error.told()
            # Only the Connect page can fix these: the problem links there.
            needs_connect = isinstance(error, NotConnected | ReconnectRequired)
    if form is None and found is not None:
        saved = mapping_logic.current_values(outlet)
        if saved is not None:
            # A method added since the mapping was saved gets its suggested row.
            suggested = mapping_logic.suggestions(outlet, found)["payment_accounts"]
            saved["payment_accounts"] = {**suggested, **saved["payment_accounts"]}
        form = mapping_logic.form_values(
            outlet, saved or mapping_logic.suggestions(outlet, found))
    options = None
    if found is not None:
        options = {
            "branches": [(name, name) for name in found.branches],
            "warehouses": [(name, name) for name in found.warehouses],
            "accounts": [(a["no"], f"{a['no']} {a['name']}") for a in found.accounts],
            "cash_bank": [(a["no"], f"{a['no']} {a['name']}") for a in found.cash_bank()],
            "not_income": [(a["no"], f"{a['no']} {a['name']}") for a in found.accounts
                           if a.get("accountType") not in mapping_logic.INCOME],
            "types": [(kind, payment_methods.TYPE_LABELS[kind]) for kind in payment_methods.TYPES],
            "customers": [(c["customerNo"], c.get("name") or "") for c in found.customers],
        }
    return page("outlet.html", outlet=outlet, choices=found, options=options, form=form or {},
                problems=problems or {}, accurate_problem=accurate_problem,
                needs_connect=needs_connect,
                can_manage=can_manage, method_rows=mapping_logic.method_rows(outlet),
                method_label=payment_methods.label, labels=mapping_logic.FIELDS,
                charge_labels=mapping_logic.CHARGE_FIELDS,
                billable=can_manage and not outlet.is_active
                and mapping_logic.activation_is_billable(g.store, outlet))


@bp.route("/<int:outlet_id>")
@allow(Rule.STORE_VIEW)
def show(store_id, outlet_id):
    return _form_page(in_store(Outlet, outlet_id), refresh=bool(request.args.get("refresh")))


@bp.route("/<int:outlet_id>/mapping", methods=["POST"])
@allow(Rule.STORE_MANAGE)
def save_mapping(store_id, outlet_id):
    outlet = in_store(Outlet, outlet_id)
    try:
        found = mapping_logic.choices_for(g.store, request.form)
    except AccurateError as error:
        flash(error.told(), "error")
        return go(url_for("outlets.show", store_id=store_id, outlet_id=outlet_id))
    was_active = outlet.is_active
    problems = mapping_logic.save(g.store, outlet, request.form, found)
    if problems:
        db.session.rollback()
        return _form_page(outlet, form=request.form, problems=problems)
    db.session.commit()
    if not was_active:
        mapping_logic.resume(g.store, outlet)
    mapping_logic.release_waiting(g.store, outlet)
    flash(_("Outlet %(name)s is mapped and active.", name=outlet.name), "info")
    return go(url_for("outlets.show", store_id=store_id, outlet_id=outlet_id))


@bp.route("/<int:outlet_id>/deactivate", methods=["POST"])
@allow(Rule.STORE_MANAGE)
def deactivate(store_id, outlet_id):
    outlet = in_store(Outlet, outlet_id)
    if mapping_logic.deactivate(outlet):
        db.session.commit()
        flash(_("Outlet %(name)s is no longer active: its documents wait until you activate "
                "it again.", name=outlet.name), "info")
    return go(url_for("outlets.show", store_id=store_id, outlet_id=outlet_id))


@bp.route("/<int:outlet_id>/places/<any(branch, warehouse):kind>", methods=["POST"])
@allow(Rule.STORE_MANAGE)
def add_place(store_id, outlet_id, kind):
    """Create a branch or warehouse in Accurate from the mapping form (an htmx partial):
    the list comes back read anew, with the new one chosen."""
    outlet = in_store(Outlet, outlet_id)
    name = (request.form.get(f"new_{kind}") or "").strip()
    field = f"{kind}_name"
    error = None
    if not name:
        error = (_("Give the new branch a name.") if kind == "branch"
                 else _("Give the new warehouse a name."))
    elif len(name) > 120:
        error = _("At most %(max)d characters.", max=120)
    else:
        try:
            mapping_logic.add_place(g.store, kind, name)
        except AccurateError as failure:
            error = failure.told()
    try:
        found = mapping_logic.choices(g.store, refresh=True)
        places = found.branches if kind == "branch" else found.warehouses
    except AccurateError as failure:  # not connected, or Accurate unreachable
        places, error = [], failure.told()
    return render_template(
        "partials/mapping_place.html", kind=kind, field=field, outlet=outlet,
        place_options=[(p, p) for p in places], labels=mapping_logic.FIELDS,
        form={field: name if error is None else request.form.get(field, "")},
        problems={}, place_error=error)
