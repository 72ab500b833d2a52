"""Keeping Accurate's webhook alive: it stops sending, silently, 7 days after the last
renewal (accurate-api.md 6), so every connected store renews it daily and the overview warns
when a renewal failed or the expiry draws near."""

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _

from isacc.accurate import account
from isacc.accurate.connection import client_for
from isacc.accurate.errors import AccurateError
from isacc.extensions import db
from isacc.formatting import local_time
from isacc.models import Store
from isacc.models.base import utcnow
from isacc.reasons import keep, shown

EVERY = timedelta(days=1)
RETRY_AFTER_FAILURE = timedelta(hours=1)
# A daily renewal keeps the expiry about 7 days away; under 5 means two renewals missed.
WARN_BEFORE = timedelta(days=5)
# Accurate's webhook lapses this long after it was set up or last renewed.
LASTS = timedelta(days=7)
# The first renewal is due at the scheduler's first tick after connecting: none a day later
# means the scheduler is not running.
FIRST_RENEWAL_WITHIN = timedelta(days=1)


def renew(store: Store) -> bool:
    """Renew the webhook with the store's grant and record the outcome; True on success."""
    connection = store.accurate
    if connection is None or connection.database_id is None:
        return False
    now = utcnow()
    try:
        token = client_for(store).access.access_token  # refreshed first when near expiry
        expires = account.renew_webhook(current_app.config, token)
    except AccurateError as error:
        keep(connection, "webhook_renew_error", error.reason)
        connection.webhook_renew_due_at = now + RETRY_AFTER_FAILURE
        db.session.commit()
        return False
    connection.webhook_expires_at, connection.webhook_renewed_at = expires, now
    keep(connection, "webhook_renew_error", None)
    connection.webhook_renew_due_at = now + EVERY
    db.session.commit()
    return True


def renewal_warning(store: Store) -> str | None:
    """A sentence for the overview when the last renewal failed, the webhook lapses soon (or
    did), or no renewal came a day after connecting; None when all is well."""
    connection = store.accurate
    if connection is None or connection.database_id is None:
        return None
    expires = connection.webhook_expires_at
    when = local_time(expires, store.timezone, "%d %b %Y") if expires else None
    now = utcnow()
    if expires is not None and expires <= now:
        return _("Accurate's webhook lapsed on %(date)s: purchases and transfers made in "
                 "Accurate no longer reach iSeller. isacc keeps trying to renew it; if this "
                 "stays, reconnect Accurate.", date=when)
    if connection.webhook_renew_error:
        problem = _("isacc could not renew Accurate's webhook: %(problem)s",
                    problem=shown(connection, "webhook_renew_error"))
        until = " " + _("It stays active until %(date)s.", date=when) if when else ""
        return f"{problem}{until} " + _("isacc tries again every hour.")
    if expires is None and now - connection.connected_at > FIRST_RENEWAL_WITHIN:
        # Never renewed: isacc has no expiry of its own, but Accurate counts from the set-up,
        # which was no later than the connection.
        connected = local_time(connection.connected_at, store.timezone, "%d %b %Y")
        if now - connection.connected_at >= LASTS:
            return _("Accurate's webhook has probably lapsed: isacc has never renewed it since "
                     "the store was connected on %(date)s, and Accurate stops sending "
                     "notices 7 days after the last renewal. Check that isacc's scheduler is "
                     "running.", date=connected)
        return _("isacc has not renewed Accurate's webhook since the store was connected on "
                 "%(date)s: check that isacc's scheduler is running, or Accurate stops "
                 "sending notices within 7 days of that date.", date=connected)
    if expires is not None and expires - now < WARN_BEFORE:
        return _("Accurate's webhook lapses on %(date)s and has not been renewed for days: "
                 "check that isacc's scheduler is running.", date=when)
    return None
