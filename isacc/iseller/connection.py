"""A store's iSeller connection: the grant kept (tokens encrypted at rest), the store it
reaches named from GetStoreInfo, its outlets brought in, its token refreshed ahead of expiry
(once per store at a time, across every worker), the webhook set-up, and all of it
forgotten on disconnect."""

import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import update

from isacc import refresh_lock
from isacc.accurate.errors import ReconnectRequired
from isacc.crypto import new_secret
from isacc.extensions import db
from isacc.inbound.body import digest
from isacc.iseller import catch_up, oauth, orders, store_api
from isacc.iseller.oauth import Grant
from isacc.models import ConnectionStatus, IsellerConnection, Store, WebhookLog
from isacc.models.base import utcnow
from isacc.sync.ingest import ingest

# Tokens last about 14 days [C, a11]; refreshed this long before, a store is still connected
# through a day or two of iSeller or isacc being down when its refresh falls due.
REFRESH_AHEAD = timedelta(days=2)
# Longer than the OAuth call may take (connect plus read time-out), so a second worker never
# spends the same refresh token while the first one's call is still under way.
REFRESH_LOCK_SECONDS = 2 * sum(oauth.TIMEOUT)


def save_grant(store: Store, grant: Grant) -> IsellerConnection:
    """Keep a new grant once the store's API answers with it (GetStoreInfo), so a connection
    that is shown as made does work; the store's outlets come in with it, ready to map."""
    info = store_api.store_info(grant.api_host, grant.access_token)
    link = store.iseller or IsellerConnection(store_id=store.id)
    link.status = ConnectionStatus.CONNECTED
    link.access_token, link.refresh_token = grant.access_token, grant.refresh_token
    link.token_expires_at, link.api_host = grant.expires_at, grant.api_host
    link.store_name = str(info.get("store_name") or "")[:120] or None
    link.connected_at = utcnow()
    # The webhook URLs stay the same across reconnections: the merchant entered them once.
    link.webhook_id = link.webhook_id or secrets.token_hex(16)
    db.session.add(link)
    for event in orders.outlet_events(info, orders.known_methods(store)):
        ingest(store, "outlet", event, body_digest=digest(event.model_dump(mode="json")))
    # The products and the orders since are read by a worker at once (catch_up.py).
    link.catch_up_due_at = None
    # Stock changes that waited for this connection go now, not at their next look.
    db.session.execute(update(WebhookLog).where(
        WebhookLog.store_id == store.id, WebhookLog.notice_due_at > utcnow())
        .values(notice_due_at=utcnow()).execution_options(synchronize_session=False))
    db.session.commit()
    catch_up.start(link)
    return link


def make_webhook_key(link: IsellerConnection) -> str:
    """A new key for iSeller to sign its notices with; the one before stops working at once.
    Returned to be shown once: isacc keeps it encrypted and never shows it again."""
    link.webhook_key, link.webhook_key_made_at = new_secret(), utcnow()
    db.session.commit()
    return link.webhook_key


def disconnect(store: Store) -> None:
    """Forget the tokens and the webhook key: isacc reads nothing from iSeller, and takes no
    notice in, until the owner connects again."""
    if store.iseller is not None:
        db.session.delete(store.iseller)
        db.session.commit()


def expiring(link: IsellerConnection) -> bool:
    expires = link.token_expires_at
    return expires is not None and expires - utcnow() < REFRESH_AHEAD


def refused() -> ReconnectRequired:
    """iSeller refused the store's refresh token: only the owner connecting again mends it."""
    return ReconnectRequired(oauth.REFRESH_REFUSED, oauth.RECONNECT)


def refresh(link: IsellerConnection, failed_token: str | None = None) -> str:
    """Refresh the access token under a per-store lock; returns the token to use.

    `failed_token` is the token iSeller just refused (None: refresh ahead of expiry). Only
    while the stored token is still that one is it refreshed: a worker holding an old token
    takes the one another worker stored instead of refreshing again, so a store's refresh
    token is spent once (iSeller's rotate: the old pair stops working [G, a13]).
    """
    with refresh_lock.held(f"isacc:iseller-refresh:{link.store_id}", REFRESH_LOCK_SECONDS):
        db.session.refresh(link)
        if link.status == ConnectionStatus.NEEDS_RECONNECT:
            raise refused()
        if failed_token is not None and link.access_token != failed_token:
            return link.access_token
        if failed_token is None and not expiring(link):
            return link.access_token
        spent = link.refresh_token or ""
        try:
            grant = oauth.refresh(current_app.config, spent, link.api_host)
        except ReconnectRequired:
            db.session.rollback()
            db.session.refresh(link)
            if link.refresh_token != spent:
                # Another worker refreshed meanwhile (its lock lapsed under a slow call): the
                # store holds a valid token.
                return link.access_token
            link.status = ConnectionStatus.NEEDS_RECONNECT
            db.session.commit()
            raise
        link.access_token = grant.access_token
        link.refresh_token = grant.refresh_token or link.refresh_token
        link.token_expires_at, link.api_host = grant.expires_at, grant.api_host
        db.session.commit()
        return link.access_token


def refresh_due() -> dict:
    """Refresh every connected store's token that expires within REFRESH_AHEAD, so a store
    with no calls for 14 days stays connected; returns how many went which way."""
    due = db.session.scalars(db.select(IsellerConnection.id).where(
        IsellerConnection.status == ConnectionStatus.CONNECTED,
        IsellerConnection.token_expires_at < utcnow() + REFRESH_AHEAD)).all()
    counts = {"refreshed": 0, "reconnect_needed": 0, "retry_later": 0}
    for link_id in due:
        link = db.session.get(IsellerConnection, link_id)
        if link is None:  # disconnected meanwhile
            continue
        expires = link.token_expires_at
        try:
            refresh(link)
        except ReconnectRequired:
            counts["reconnect_needed"] += 1
            continue
        except Exception as error:  # noqa: BLE001 - one store's failure stops no other; the
            # next tick tries it again (iSeller down, the lock busy, the database briefly gone)
            db.session.rollback()
            current_app.logger.warning("iSeller token refresh for store %s: %s",
                                       link.store_id, error)
            counts["retry_later"] += 1
            continue
        if link.token_expires_at != expires:
            counts["refreshed"] += 1
    return counts
