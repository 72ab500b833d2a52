"""Who may call what: every view declares a rule, and one hook enforces them all.

A route without a rule makes the app refuse to start, so no page is ever open by accident.
Store pages carry the store id in the URL; a user who may not see that store gets 404, the
same answer as for a store that does not exist, so ids reveal nothing.
"""

import enum
from collections.abc import Callable

from flask import abort, current_app, g, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from isacc.extensions import db, login_manager
from isacc.models import Role, Store


class Rule(enum.StrEnum):
    PUBLIC = "public"  # anyone, signed in or not
    SIGNED_INBOUND = "signed_inbound"  # iSeller, by the store's HMAC signature
    # Accurate, by the store's secret token in the URL
    WEBHOOK_TOKEN = "webhook_token"  # noqa: S105 - a rule's name, not a secret
    # iSeller's webhooks, by the SHA-256 signature made with the store's webhook key
    ISELLER_SIGNED = "iseller_signed"
    SIGNED_IN = "signed_in"  # any signed-in user
    STORE_VIEW = "store_view"  # the store's owner, support, admin
    STORE_REFRESH = "store_refresh"  # the store's owner, support, admin (re-run syncs)
    STORE_MANAGE = "store_manage"  # the store's owner, admin (connect, map, settings)
    STAFF = "staff"  # support and admin, across stores
    ADMIN = "admin"  # admin only


STORE_RULES = {Rule.STORE_VIEW, Rule.STORE_REFRESH, Rule.STORE_MANAGE}
# Programs, not people: each of these rules is checked by the function its blueprint
# registers with @authenticates, so this module imports none of them.
CALLER_RULES = {Rule.SIGNED_INBOUND, Rule.WEBHOOK_TOKEN, Rule.ISELLER_SIGNED}
AUTHENTICATORS: dict[Rule, Callable[[], ResponseReturnValue | None]] = {}
ALLOWED_ROLES = {
    Rule.STORE_VIEW: {Role.OWNER, Role.SUPPORT, Role.ADMIN},
    Rule.STORE_REFRESH: {Role.OWNER, Role.SUPPORT, Role.ADMIN},
    Rule.STORE_MANAGE: {Role.OWNER, Role.ADMIN},
    Rule.STAFF: {Role.SUPPORT, Role.ADMIN},
    Rule.ADMIN: {Role.ADMIN},
    Rule.SIGNED_IN: {Role.OWNER, Role.SUPPORT, Role.ADMIN},
}


def allow(rule: Rule):
    """Declare the rule a view follows."""

    def mark(view):
        view.access_rule = rule
        return view

    return mark


def authenticates(rule: Rule):
    """Register the function that checks a caller under `rule`: None lets the request
    through (having loaded g.store), an answer refuses it."""

    def register(function):
        AUTHENTICATORS[rule] = function
        return function

    return register


def rule_of(endpoint: str) -> Rule | None:
    if endpoint == "static":
        return Rule.PUBLIC
    return getattr(current_app.view_functions[endpoint], "access_rule", None)


def check_every_route_has_a_rule(app) -> None:
    with app.app_context():
        missing = [e for e in app.view_functions if rule_of(e) is None]
        # `store_id` in a URL means a store's own page: enforce() guards it and loads g.store
        # only under a store rule (an admin page about a store names it otherwise).
        unguarded = [r.endpoint for r in app.url_map.iter_rules()
                     if "store_id" in r.arguments and rule_of(r.endpoint) not in STORE_RULES]
        unchecked = sorted({rule_of(e) for e in app.view_functions} & CALLER_RULES
                           - set(AUTHENTICATORS))
    if missing:
        raise RuntimeError(f"routes without an access rule: {', '.join(sorted(missing))}")
    if unchecked:
        raise RuntimeError(f"rules without an authenticator: {', '.join(unchecked)}")
    if unguarded:
        raise RuntimeError(
            f"routes with a store_id but no store rule: {', '.join(sorted(unguarded))}")


def can_see_store(user, store_id: int) -> bool:
    return user.is_staff or user.store_id == store_id


def enforce() -> None:
    """before_request: apply the matched view's rule; load g.store for store pages."""
    if request.endpoint is None:  # no route matched: Flask answers 404 itself
        return None
    rule = rule_of(request.endpoint)
    if rule is Rule.PUBLIC:
        return None
    if rule in CALLER_RULES:
        return AUTHENTICATORS[rule]()
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if rule in STORE_RULES:
        store_id = (request.view_args or {}).get("store_id")
        if store_id is None or not can_see_store(current_user, store_id):
            abort(404)
        g.store = db.get_or_404(Store, store_id)
    if current_user.role not in ALLOWED_ROLES[rule]:
        abort(403)
    return None


def in_store(model, object_id: int):
    """The object of this store with that id, or 404: never another store's object."""
    found = db.session.scalar(
        db.select(model).where(model.id == object_id, model.store_id == g.store.id)
    )
    if found is None:
        abort(404)
    return found

