"""A store's Accurate connection kept alive: tokens refreshed ahead of expiry (one refresh per
store at a time, across every process), the database session renewed when it lapses, and a
refused refresh turned into "reconnect Accurate" instead of a failure on every row."""

from datetime import timedelta

from flask import current_app

from isacc import refresh_lock
from isacc.accurate import account, oauth, scopes
from isacc.accurate.client import AccurateClient, DatabaseAccess
from isacc.accurate.errors import FinalError, NotConnected, ReconnectRequired, SessionExpired
from isacc.accurate.limiter import LocalLimiter, SharedLimiter
from isacc.extensions import db
from isacc.models import AccurateConnection, ConnectionStatus, Store
from isacc.models.base import utcnow
from isacc.reasons import keep
from isacc.redis_conn import get_redis

REFRESH_AHEAD = timedelta(days=1)
# Longer than the OAuth call may take (connect plus read time-out), so a second worker never
# spends the same refresh token while the first one's call is still under way.
REFRESH_LOCK_SECONDS = 2 * sum(oauth.TIMEOUT)


def save_token(store: Store, token: oauth.Token) -> AccurateConnection:
    """Keep the tokens of a new grant and the scopes the owner approved, as Accurate lists
    them (the token's own word when it cannot); the database is chosen next."""
    approved = scopes.read_approved(current_app.config, token.access_token)
    connection = store.accurate or AccurateConnection(store_id=store.id)
    connection.status = ConnectionStatus.CONNECTED
    connection.access_token = token.access_token
    connection.refresh_token = token.refresh_token
    connection.token_expires_at = token.expires_at
    connection.scope = approved if approved is not None else token.scope
    connection.database_id = connection.database_alias = connection.host = None
    connection.session_id = None
    keep(connection, "last_error", None)
    connection.connected_at = utcnow()
    db.session.add(connection)
    db.session.commit()
    return connection


def choose_database(store: Store, database_id: int, alias: str) -> AccurateConnection:
    connection = _connected(store, need_database=False)
    host, session = account.open_database(current_app.config, connection.access_token,
                                          database_id)
    connection.database_id, connection.database_alias = database_id, alias
    connection.host, connection.session_id = host, session
    db.session.commit()
    return connection


def disconnect(store: Store) -> None:
    """Forget the tokens: nothing more is sent until the owner connects again."""
    if store.accurate is not None:
        db.session.delete(store.accurate)
        db.session.commit()


def client_for(store: Store) -> AccurateClient:
    """A client for the store's database, its token fresh and the shared limiter in front."""
    connection = _connected(store)
    if _expiring(connection):
        _refresh(connection)
    return AccurateClient(
        DatabaseAccess(connection.database_id, connection.host, connection.access_token,
                       connection.session_id),
        limiter=_limiter(),
        renew_session=lambda: _renew_session(connection),
        refresh_access=lambda failed_token: _refresh(connection, failed_token=failed_token),
    )


def _limiter():
    if not refresh_lock.in_one_process():
        return SharedLimiter(get_redis())
    return current_app.extensions.setdefault("isacc_local_limiter", LocalLimiter())


def _connected(store: Store, need_database: bool = True) -> AccurateConnection:
    connection = store.accurate
    if connection is None or (need_database and connection.database_id is None):
        raise NotConnected()
    if connection.status == ConnectionStatus.NEEDS_RECONNECT:
        raise ReconnectRequired()
    return connection


def _expiring(connection: AccurateConnection) -> bool:
    expires = connection.token_expires_at
    return expires is not None and expires - utcnow() < REFRESH_AHEAD


def _refresh(connection: AccurateConnection, failed_token: str | None = None) -> str:
    """Refresh the access token under a per-store lock; returns the token to use.

    `failed_token` is the token Accurate just refused (None: refresh ahead of expiry). Only
    while the stored token is still that one is it refreshed: a worker holding an old token
    takes the one another worker stored instead of refreshing again and revoking it, so a
    store's refresh token is spent once (Accurate rotates it on every refresh).
    """
    with refresh_lock.held(f"isacc:accurate-refresh:{connection.store_id}",
                           REFRESH_LOCK_SECONDS):
        db.session.refresh(connection)
        if connection.status == ConnectionStatus.NEEDS_RECONNECT:
            raise ReconnectRequired()
        if failed_token is not None and connection.access_token != failed_token:
            return connection.access_token
        if failed_token is None and not _expiring(connection):
            return connection.access_token
        spent = connection.refresh_token or ""
        try:
            token = oauth.refresh(current_app.config, spent)
        except ReconnectRequired as refused:
            db.session.rollback()
            db.session.refresh(connection)
            if connection.refresh_token != spent:
                # Another worker refreshed meanwhile: the store holds a valid token.
                return connection.access_token
            connection.status = ConnectionStatus.NEEDS_RECONNECT
            keep(connection, "last_error", refused.reason)
            db.session.commit()
            raise
        connection.access_token = token.access_token
        connection.refresh_token = token.refresh_token or connection.refresh_token
        connection.token_expires_at = token.expires_at
        db.session.commit()
        return connection.access_token


def _renew_session(connection: AccurateConnection) -> str:
    config = current_app.config
    try:
        session = account.renew_session(config, connection.access_token,
                                        connection.database_id, connection.session_id or "")
    except ReconnectRequired:
        raise
    except (SessionExpired, FinalError):  # an unrenewable session is simply opened afresh
        _host, session = account.open_database(config, connection.access_token,
                                               connection.database_id)
    connection.session_id = session
    db.session.commit()
    return session
