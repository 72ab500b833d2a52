"""Calls to a connected store's iSeller API on the store's behalf: the one door every job that
reads iSeller goes through, so token handling lives in one place: the token is refreshed
ahead of its expiry, and once when iSeller says it lapsed, then the call is made once more."""

import redis
from flask import current_app

from isacc.accurate.errors import ReconnectRequired, RetryableError, TokenInvalid
from isacc.iseller import connection, store_api
from isacc.models import ConnectionStatus, IsellerConnection, Store
from isacc.models.base import utcnow
from isacc.reasons import say


def call(store: Store, endpoint: str, body: dict | None = None) -> dict:
    """POST /api/v2/<endpoint> with the store's token; the answer's fields (envelope checked).
    Raises isacc's outcome values: RetryableError, ReconnectRequired, FinalError, and
    TokenInvalid when iSeller refuses even a freshly refreshed token (retry later)."""
    return _with_token(store, store_api.call, endpoint, body)


def erp_call(store: Store, endpoint: str, body: dict) -> dict:
    """POST /api/v3/<endpoint> (the ERP API, a JSON body) with the store's token, as `call`;
    an item iSeller did not take is a FinalError naming its sku (store_api.erp_call)."""
    return _with_token(store, store_api.erp_call, endpoint, body)


def _with_token(store: Store, send, endpoint: str, body: dict | None) -> dict:
    """`send` with the store's token, refreshed ahead of expiry, and once more after a 401
    (a 401 is answered before iSeller does anything, so sending again is safe)."""
    link = store.iseller
    if link is None:
        raise ReconnectRequired(say("The store is not connected to iSeller."),
                                say("Connect to iSeller from the Connect page."))
    if link.status == ConnectionStatus.NEEDS_RECONNECT:
        raise connection.refused()
    token = _token(link)
    try:
        return send(link.api_host, token, endpoint, body)
    except TokenInvalid:
        token = connection.refresh(link, failed_token=token)
    return send(link.api_host, token, endpoint, body)


def _token(link: IsellerConnection) -> str:
    """The token to call with, refreshed first when it expires within REFRESH_AHEAD. A
    refresh that cannot be done now (iSeller out of reach, the lock busy) does not stop a
    call its token still covers: the next call or the tick tries again."""
    if not connection.expiring(link):
        return link.access_token
    try:
        return connection.refresh(link)
    except (RetryableError, redis.RedisError) as error:
        if link.token_expires_at <= utcnow():
            raise
        current_app.logger.warning("iSeller token refresh for store %s put off: %s",
                                   link.store_id, error)
        return link.access_token
