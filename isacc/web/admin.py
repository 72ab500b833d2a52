"""Admin screens: stores (created with their secrets, shown once) and the people who use isacc.

A new store's inbound key and webhook URL, and a rotated key or URL, are shown only in the
answer to the POST that made them, marked not to be stored by any cache: no GET page ever
shows them.
"""

from flask import Blueprint, flash, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from isacc import stores as store_logic
from isacc import users as user_logic
from isacc.access import Rule, allow
from isacc.extensions import db
from isacc.inbound.signing import ROTATION_GRACE, rotate_key
from isacc.models import Role, Store, User
from isacc.web.pages import go, page

bp = Blueprint("admin", __name__, url_prefix="/admin")
GRACE_HOURS = int(ROTATION_GRACE.total_seconds() // 3600)
ROLES = {role.value for role in Role}


def _once(template: str, status: int = 200, **context):
    """An answer carrying a secret: never cached, never kept for the back button."""
    response = make_response(render_template(template, **context), status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/")
@allow(Rule.ADMIN)
def index():
    return go(url_for("admin.stores"))


# ---- stores --------------------------------------------------------------------------------

@bp.route("/stores")
@allow(Rule.ADMIN)
def stores():
    return page("admin/stores.html", listing=store_logic.store_page(
        request.args.get("q", "")[:100], request.args.get("page", 1, type=int)))


@bp.route("/stores/new")
@allow(Rule.ADMIN)
def new_store():
    return page("admin/store_new.html", form={}, errors={},
                timezones=store_logic.TIMEZONES)


@bp.route("/stores/new", methods=["POST"])
@allow(Rule.ADMIN)
def create_store():
    try:
        created = store_logic.create_store(
            name=request.form.get("name", ""), iseller_id=request.form.get("iseller_id", ""),
            timezone=request.form.get("timezone", ""))
    except store_logic.StoreError as problem:
        db.session.rollback()
        return render_template("admin/store_new.html", form=request.form,
                               errors=problem.errors, timezones=store_logic.TIMEZONES), 400
    db.session.commit()
    return _once("admin/store_created.html", 201, store=created.store,
                 inbound_key=created.inbound_key,
                 webhook_url=url_for("webhooks.accurate", token=created.store.webhook_token,
                                     _external=True))


def _store(managed_store_id: int) -> Store:
    # Not `store_id`: that name marks a store's own pages, guarded by the store rules.
    return db.get_or_404(Store, managed_store_id)


@bp.route("/stores/<int:managed_store_id>")
@allow(Rule.ADMIN)
def store(managed_store_id):
    found = _store(managed_store_id)
    owners = user_logic.list_users(role=Role.OWNER, store_id=found.id).users
    return page("admin/store.html", store=found, owners=owners, grace_hours=GRACE_HOURS)


@bp.route("/stores/<int:managed_store_id>/rotate-key", methods=["POST"])
@allow(Rule.ADMIN)
def rotate_store_key(managed_store_id):
    found = _store(managed_store_id)
    new_key = rotate_key(found)
    db.session.commit()
    return _once("admin/key_rotated.html", store=found, inbound_key=new_key,
                 grace_hours=GRACE_HOURS)


@bp.route("/stores/<int:managed_store_id>/webhook-url", methods=["POST"])
@allow(Rule.ADMIN)
def replace_webhook_url(managed_store_id):
    found = _store(managed_store_id)
    token = store_logic.replace_webhook_token(found)
    db.session.commit()
    return _once("admin/webhook_url_replaced.html", store=found,
                 webhook_url=url_for("webhooks.accurate", token=token, _external=True))


# ---- users ---------------------------------------------------------------------------------

def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


@bp.route("/users")
@allow(Rule.ADMIN)
def users():
    role = request.args.get("role", "")
    role = Role(role) if role in ROLES else None
    store_id = _int_arg("store")
    found = user_logic.list_users(role=role, store_id=store_id, page=_int_arg("page") or 1)
    return page("admin/users.html", "partials/admin_user_rows.html", page_=found,
                filters={"role": role.value if role else "", "store": store_id or ""},
                roles=list(Role), stores=_all_stores())


def _all_stores() -> list[Store]:
    return db.session.scalars(db.select(Store).order_by(Store.name, Store.id)).all()


def _user_form(form, errors: dict, status: int = 200):
    return page("admin/user_new.html", form=form, errors=errors, roles=list(Role),
                stores=_all_stores(), min_password=user_logic.MIN_PASSWORD), status


@bp.route("/users/new")
@allow(Rule.ADMIN)
def new_user():
    # ?store= preselects an owner's store (the link from a store's admin page).
    store_id = _int_arg("store")
    form = {"role": Role.OWNER.value, "store": str(store_id)} if store_id else {}
    return _user_form(form, {})


@bp.route("/users/new", methods=["POST"])
@allow(Rule.ADMIN)
def create_user():
    form = request.form
    errors = {}
    role = form.get("role", "")
    if role not in ROLES:
        errors["role"] = _("Choose a role.")
    store = None
    if form.get("store"):
        store = db.session.get(Store, int(form["store"])) if form["store"].isdigit() else None
        if store is None:
            errors["store"] = _("Choose one of the stores offered.")
    if not errors:
        try:
            user = user_logic.create_user(
                email=form.get("email", ""), name=form.get("name", ""),
                password=form.get("password", ""), role=Role(role), store=store)
        except user_logic.UserError as problem:
            errors = problem.errors
    if errors:
        db.session.rollback()
        return _user_form(form, errors, 400)
    db.session.commit()
    flash(_("Created %(email)s. They can sign in now; give them their password over a safe "
            "channel.", email=user.email), "info")
    return go(url_for("admin.user", user_id=user.id))


def _user(user_id: int) -> User:
    return db.get_or_404(User, user_id)


def _user_page(user: User, errors: dict | None = None, status: int = 200):
    return page("admin/user.html", user=user, errors=errors or {},
                min_password=user_logic.MIN_PASSWORD), status


@bp.route("/users/<int:user_id>")
@allow(Rule.ADMIN)
def user(user_id):
    return _user_page(_user(user_id))


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@allow(Rule.ADMIN)
def reset_password(user_id):
    found = _user(user_id)
    try:
        user_logic.reset_password(found, request.form.get("password", ""))
    except user_logic.UserError as problem:
        db.session.rollback()
        return _user_page(found, problem.errors, 400)
    db.session.commit()
    if found.id == current_user.id:
        # A new password ends the sessions opened with the old one: keep this one open.
        login_user(found)
    flash(_("New password set for %(email)s.", email=found.email), "info")
    return go(url_for("admin.user", user_id=found.id))


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@allow(Rule.ADMIN)
def deactivate(user_id):
    return _set_active(_user(user_id), False)


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@allow(Rule.ADMIN)
def reactivate(user_id):
    return _set_active(_user(user_id), True)


def _set_active(found: User, active: bool):
    try:
        user_logic.set_active(found, active, by=current_user)
    except user_logic.UserError as problem:
        db.session.rollback()
        return _user_page(found, problem.errors, 409)
    db.session.commit()
    flash(_("%(email)s can sign in again.", email=found.email) if active
          else _("%(email)s is deactivated: signed out and can no longer sign in.",
                 email=found.email), "info")
    return go(url_for("admin.user", user_id=found.id))
