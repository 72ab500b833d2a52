"""Calls to a store's Public API v2 [C, b] and ERP API v3 [C, c]: bearer token, iSeller's
envelope (a business error is HTTP 200 with status false [C, 0.11]), errors as isacc's
outcome values."""

import requests

from isacc.accurate.errors import FinalError, ReconnectRequired, RetryableError, TokenInvalid
from isacc.reasons import say

TIMEOUT = (5, 30)


def call(api_host: str, access_token: str, endpoint: str, body: dict | None = None) -> dict:
    """POST /api/v2/<endpoint> (form body [C, 0.5]); the answer's fields, envelope checked."""
    try:
        answer = requests.post(f"{api_host.rstrip('/')}/api/v2/{endpoint}", data=body or {},
                               headers={"Authorization": f"Bearer {access_token}"},
                               timeout=TIMEOUT)
    except requests.RequestException as error:
        raise RetryableError(say("iSeller could not be reached.")) from error
    return _fields(answer)


def erp_call(api_host: str, access_token: str, endpoint: str, body: dict) -> dict:
    """POST /api/v3/<endpoint> of the ERP API (JSON body [C, 0.8]); the answer's fields,
    envelope checked, and every per-item result [S, c.2]: an item iSeller did not take is a
    FinalError naming its sku. A lost answer or a 5xx may follow a change iSeller made, so
    its RetryableError says the outcome is unknown."""
    try:
        answer = requests.post(f"{api_host.rstrip('/')}/api/v3/{endpoint}", json=body,
                               headers={"Authorization": f"Bearer {access_token}"},
                               timeout=TIMEOUT)
    except requests.RequestException as error:
        raise RetryableError(say("iSeller could not be reached."),
                             unknown_outcome=True) from error
    try:
        fields = _fields(answer, items=True)
    except RetryableError as error:
        error.unknown_outcome = answer.status_code != 429
        raise
    return fields


def _refused_items(fields: dict) -> list[str]:
    """"SKU: message" for every item of the answer's lists that says is_success false."""
    refused = []
    for value in fields.values():
        for item in value if isinstance(value, list) else ():
            if isinstance(item, dict) and item.get("is_success") is False:
                refused.append(f"{item.get('sku') or '?'}: {item.get('error_message') or '?'}")
    return refused


def _fields(answer: requests.Response, *, items: bool = False) -> dict:
    """The answer's fields once the HTTP status and iSeller's envelope say it worked."""
    if answer.status_code == 401:  # [S, 0.12] the token expired or was revoked: refresh it
        raise TokenInvalid(say("iSeller did not accept isacc's access token."),
                           say("isacc renews it by itself; if this stays, connect to iSeller "
                               "again from the Connect page."))
    if answer.status_code == 403:  # [S, 0.12] a token without the right: not a token problem
        raise ReconnectRequired(say("iSeller no longer accepts isacc's access."),
                                say("Connect to iSeller again from the Connect page."))
    if answer.status_code == 429 or answer.status_code >= 500:
        raise RetryableError(say("iSeller had a problem (HTTP %(status)s).",
                                 status=answer.status_code), status=answer.status_code)
    try:
        fields = answer.json()
    except ValueError:
        fields = None
    if not isinstance(fields, dict) or "status" not in fields:
        raise RetryableError(say("iSeller gave an answer isacc cannot read (HTTP %(status)s).",
                                 status=answer.status_code), status=answer.status_code)
    refused = _refused_items(fields) if items else []
    if refused:
        raise FinalError(say("iSeller refused %(items)s", items="; ".join(refused)),
                         say("Check that iSeller has these products by these SKUs, then "
                             "refresh this row."), messages=refused)
    if fields["status"] is not True:
        raise FinalError(say("iSeller says: %(message)s",
                             message=fields.get("error_message") or "?"),
                         say("Check the store in iSeller, then try again."))
    return fields


def store_info(api_host: str, access_token: str) -> dict:
    """[C, b.7] the store, its active outlets and its active payment types."""
    info = call(api_host, access_token, "GetStoreInfo").get("store_info")
    if not isinstance(info, dict):
        raise RetryableError(say("iSeller's store details came without the store."))
    return info
