"""Calls to a connected store's iSeller API on the store's behalf: the one door every job that
reads iSeller goes through, so token handling lives in one place."""

from isacc.accurate.errors import ReconnectRequired
from isacc.iseller import store_api
from isacc.models import Store
from isacc.reasons import say


def call(store: Store, endpoint: str, body: dict | None = None) -> dict:
    """POST /api/v2/<endpoint> with the store's token; the answer's fields (envelope checked).
    Raises isacc's outcome values: RetryableError, ReconnectRequired, FinalError."""
    link = store.iseller
    if link is None:
        raise ReconnectRequired(say("The store is not connected to iSeller."),
                                say("Connect to iSeller from the Connect page."))
    return store_api.call(link.api_host, link.access_token, endpoint, body)
