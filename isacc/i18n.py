"""Bahasa Indonesia and English: which language a request is answered in.

A signed-in user's choice is kept on the user; before signing in it is kept in a cookie;
without either, the browser's Accept-Language decides, and English is the fallback.
"""

from flask import has_request_context, request
from flask_babel import Babel, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from isacc.reasons import shown_html

LANGUAGES = {"en": "English", "id": "Bahasa Indonesia"}
COOKIE = "isacc_lang"
babel = Babel()
# Document kinds (iSeller -> Accurate) and Accurate's event types (Accurate -> iSeller).
KIND_LABELS = {
    "customer": _l("Customer"), "sales_invoice": _l("Sales invoice"),
    "sales_receipt": _l("Sales receipt"), "transfer_out": _l("Transfer out"),
    "transfer_in": _l("Transfer in"), "stock_opname": _l("Stock opname"),
    "stock_adjustment": _l("Stock adjustment"), "other_deposit": _l("Other deposit"),
    "other_payment": _l("Other payment"), "bank_transfer": _l("Cash to the bank"),
    "payout": _l("Payout"),
    "PURCHASE_ORDER": _l("Purchase order"),
    "RECEIVE_ITEM": _l("Receive item"), "PURCHASE_INVOICE": _l("Purchase invoice"),
    "ITEM_TRANSFER": _l("Item transfer"), "ITEM": _l("Item"),
}


def kind_label(kind) -> str:
    value = getattr(kind, "value", kind)
    return str(KIND_LABELS.get(value, value.replace("_", " ").capitalize()))


def select_locale() -> str:
    if not has_request_context():
        return "en"  # jobs and the command line write English (logs, stored text)
    if current_user and current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    if request.cookies.get(COOKIE) in LANGUAGES:
        return request.cookies[COOKIE]
    return request.accept_languages.best_match(LANGUAGES) or "en"


def remember(answer, language: str):
    """Keep `language` in the cookie read before anyone signs in."""
    answer.set_cookie(COOKIE, language, max_age=365 * 24 * 3600, httponly=True, samesite="Lax",
                      secure=request.is_secure)
    return answer


def remember_users_language(answer):
    """after_request: keep a signed-in user's language in the cookie as well, so the sign-in
    page after signing out, the 12-hour expiry or a deactivation still speaks it. (Not for
    static files: they would each load the user for nothing.)"""
    if (request.endpoint != "static" and current_user and current_user.is_authenticated
            and current_user.locale in LANGUAGES
            and request.cookies.get(COOKIE) != current_user.locale):
        remember(answer, current_user.locale)
    return answer


def init_app(app) -> None:
    # Catalogues in isacc/translations/<language>/LC_MESSAGES (compiled by `make install`).
    babel.init_app(app, locale_selector=select_locale)
    app.after_request(remember_users_language)
    app.jinja_env.globals.update(get_locale=get_locale, LANGUAGES=LANGUAGES)
    app.jinja_env.filters["kind_label"] = kind_label
    # A row's reason, next step or last error in the reader's language (isacc.reasons).
    app.jinja_env.filters["said"] = shown_html
