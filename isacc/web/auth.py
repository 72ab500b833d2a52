"""Signing in and out."""

import hmac
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_url, login_user, logout_user

from isacc import throttle
from isacc.access import Rule, allow
from isacc.extensions import db, login_manager
from isacc.models import User
from isacc.models.base import utcnow
from isacc.web.forms import LoginForm
from isacc.web.pages import go, is_htmx

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(session_id: str):
    """The user a session or remember cookie names (User.get_id), while it still may.

    A deactivated user's open sessions stop at their next request, not only at the next
    sign-in; so do sessions opened before the password was last set. An id in the older
    form (no password mark) is refused: such a session signs in once more.
    """
    user_id, _, mark = session_id.partition(":")
    if not user_id.isdigit() or not mark:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or not hmac.compare_digest(mark, user.password_mark()):
        return None
    return user


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: a crafted ?next= must not send people elsewhere."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@login_manager.unauthorized_handler
def sign_in_first():
    """A page that needs a signed-in user sends the reader to sign in, and back afterwards.

    htmx (a live table polling after the session ended: signed out in another tab, expired,
    deactivated) gets HX-Redirect, so the whole window goes to the sign-in page instead of
    that page being swapped into the table; and it comes back to the page the reader was
    on (HX-Current-URL), not to the poll's address.
    """
    flash(_("Please sign in to continue."), "info")
    if is_htmx():
        here = urlsplit(request.headers.get("HX-Current-URL", ""))
        back = here.path + (f"?{here.query}" if here.query else "")
    else:
        back = request.full_path.removesuffix("?")
    return go(login_url("auth.login", _safe_next(back)))


@bp.route("/login", methods=["GET", "POST"])
@allow(Rule.PUBLIC)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("stores.home"))
    form = LoginForm()
    error = None
    status = 200
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        address = request.remote_addr or "unknown"
        wait = throttle.seconds_locked(email, address)
        user = None
        if wait:
            minutes = max(1, round(wait / 60))
            error = ngettext("Too many failed sign-ins. Try again in %(num)s minute.",
                             "Too many failed sign-ins. Try again in %(num)s minutes.", minutes)
            status = 429
        else:
            user = db.session.scalar(db.select(User).where(User.email == email))
            if user is None or not user.check_password(form.password.data):
                throttle.record_failure(email, address)
                # One message for both causes, so it does not reveal which accounts exist.
                error = _("Wrong e-mail or password.")
                status = 401
                user = None
            elif not user.active:
                # Only someone who knows the password learns this, and it is what they need.
                error = _("Your account is deactivated. Ask an isacc admin to reactivate it.")
                status = 401
                user = None
        if user is not None:
            throttle.clear(email, address)
            user.last_login_at = utcnow()
            db.session.commit()
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")) or url_for("stores.home"))
    elif form.is_submitted():
        status = 400
    return render_template("login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
@allow(Rule.SIGNED_IN)
def logout():
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))
