"""The language switch in the top bar and on the sign-in page."""

from flask import Blueprint, abort, redirect, request
from flask_babel import gettext as _
from flask_login import current_user

from isacc.access import Rule, allow
from isacc.extensions import db
from isacc.i18n import LANGUAGES, remember

bp = Blueprint("language", __name__)


@bp.route("/language", methods=["POST"])
@allow(Rule.PUBLIC)
def choose():
    """Keep the choice (on the user, or in a cookie before signing in) and go back."""
    language = request.form.get("language", "")
    if language not in LANGUAGES:
        abort(400, _("Unknown language %(language)s: choose en or id.",
                     language=repr(language)))
    if current_user.is_authenticated:
        current_user.locale = language
        db.session.commit()
    back = request.form.get("next", "")
    # Only a path on this site: never an open redirect.
    return remember(redirect(back if back.startswith("/") and not back.startswith("//") else "/"),
                    language)
