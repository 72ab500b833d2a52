"""Catching up on notices that never arrived (isacc down, a network fault, Accurate not
retrying): webhook-history.do is read from where the last catch-up stopped, 24 hours a call
at most, and every notice goes through the same recording as the endpoint. The windows
overlap a little, which the dedupe key makes harmless."""

from datetime import timedelta

from flask import current_app

from isacc.accurate import account
from isacc.accurate.connection import client_for
from isacc.extensions import db
from isacc.inbound.body import BodyUnreadable, check
from isacc.models import Store
from isacc.models.base import utcnow
from isacc.webhooks import events
from isacc.webhooks.lane import enqueue_store_or_wait
from isacc.webhooks.receive import record

# Accurate allows 24 hours between from and to; a minute less leaves room for `to` being
# rounded up to the next second (the stamps have no fractions).
WINDOW = timedelta(hours=23, minutes=59)
SECOND = timedelta(seconds=1)
OVERLAP = timedelta(minutes=10)  # notices stamped just before the last window closed
KEPT = timedelta(days=30)  # Accurate keeps only the last month
EVERY = timedelta(hours=1)


def catch_up(store: Store) -> int:
    """Record the store's notices Accurate sent since the last catch-up (or since it was
    connected); returns how many were new. Progress is committed window by window."""
    connection = store.accurate
    if connection is None or connection.database_id is None:
        return 0
    token = client_for(store).access.access_token
    now = utcnow()
    start = max((connection.webhook_history_until or connection.connected_at) - OVERLAP,
                now - KEPT)
    new = 0
    while start < now:
        end = min(start + WINDOW, now)
        sent = account.webhook_history(current_app.config, token, events.format_stamp(start),
                                       events.format_stamp(end + SECOND), connection.database_id)
        found = [n for n in events.notices(_readable(store, sent))
                 if n.database_id == connection.database_id]
        new += len(record(store, found))
        connection.webhook_history_until = end
        db.session.commit()
        start = end
    if new:
        enqueue_store_or_wait(store.id)
    return new


def _readable(store: Store, sent) -> list[dict]:
    """The envelopes of a history window that can be recorded. One isacc cannot read is
    logged and left out: refusing the whole window would stop the catch-up there for good,
    hour after hour, and every notice after it would be lost with it."""
    readable = []
    for n, envelope in enumerate(sent if isinstance(sent, list) else [sent] if sent else []):
        try:
            check(envelope)
            readable.extend(events.envelopes([envelope]))
        except (BodyUnreadable, events.BodyRefused) as error:
            current_app.logger.warning("Accurate webhook history for store %s: notice %d left "
                                       "out: %s", store.id, n, error)
    return readable
