"""iSeller's OAuth2 authorization-code flow, through authlib: client credentials in the body
[C, a8], no scopes [G, a12], and the store's API host in the token answer [C, a11]."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session

from isacc.accurate.errors import ReconnectRequired, RetryableError
from isacc.models.base import utcnow
from isacc.reasons import say

TIMEOUT = (5, 30)
# [G] iSeller's error answers are not documented: OAuth 2's (RFC 6749 5.2), invalid_grant for
# a refresh token it no longer takes (revoked, or spent: refresh tokens rotate [G, a13]).
REFRESH_REFUSED = say("iSeller refused to renew isacc's access to the store (the app may have "
                      "been removed in iSeller, or the access withdrawn).")
RECONNECT = say("Connect to iSeller again from the Connect page; isacc carries on by itself "
                "after.")


@dataclass
class Grant:
    access_token: str
    refresh_token: str | None
    expires_at: datetime | None
    api_host: str


def _session(config: dict, redirect_uri: str | None = None) -> OAuth2Session:
    return OAuth2Session(
        client_id=config["ISELLER_CLIENT_ID"], client_secret=config["ISELLER_CLIENT_SECRET"],
        redirect_uri=redirect_uri,
        token_endpoint_auth_method="client_secret_post",  # noqa: S106 - iSeller reads the body
    )


def _url(config: dict, path: str) -> str:
    return config["ISELLER_OAUTH_URL"].rstrip("/") + path


def authorization_url(config: dict, redirect_uri: str) -> tuple[str, str]:
    """Where to send the merchant to grant isacc access, and the state to check on return."""
    return _session(config, redirect_uri).create_authorization_url(
        _url(config, "/oauth/authorize"))


def _grant(raw: dict, api_host: str | None = None) -> Grant:
    """The token answer; `api_host` is the store's host known already (a refresh), kept
    when the answer does not name one."""
    api_host = (raw.get("resource_url") or api_host or "").rstrip("/")
    if not api_host:
        raise ReconnectRequired(say("iSeller's answer did not say where the store's API is."),
                                say("Click Connect to iSeller again."))
    expires_in = raw.get("expires_in")
    return Grant(access_token=raw["access_token"], refresh_token=raw.get("refresh_token"),
                 expires_at=utcnow() + timedelta(seconds=int(expires_in)) if expires_in else None,
                 api_host=api_host)


def exchange_code(config: dict, redirect_uri: str, code: str) -> Grant:
    """Trade the authorization code for tokens; a refused code raises ReconnectRequired."""
    try:
        raw = _session(config, redirect_uri).fetch_token(
            _url(config, "/oauth/token"), grant_type="authorization_code", code=code,
            timeout=TIMEOUT)
    except OAuthError as error:
        raise ReconnectRequired(say("iSeller did not accept the sign-in (it may have expired)."),
                                say("Click Connect to iSeller again.")) from error
    except requests.RequestException as error:
        raise RetryableError(say("iSeller could not be reached to finish the sign-in.")) from error
    return _grant(raw)


def refresh(config: dict, refresh_token: str, api_host: str) -> Grant:
    """New tokens for a refresh token [C, a6] (its answer like the code exchange's [S, a11]).
    iSeller refusing the refresh token itself (invalid_grant) raises ReconnectRequired; an
    unreachable or failing iSeller, or any other refusal, RetryableError: the store's grant
    may well be fine."""
    try:
        raw = _session(config).refresh_token(
            _url(config, "/oauth/token"), refresh_token=refresh_token, timeout=TIMEOUT)
    except OAuthError as error:
        if error.error == "invalid_grant":
            raise ReconnectRequired(REFRESH_REFUSED, RECONNECT) from error
        raise RetryableError(say("iSeller refused to renew isacc's access (%(error)s).",
                                 error=error.error or "?")) from error
    except requests.RequestException as error:
        raise RetryableError(
            say("iSeller could not be reached to renew isacc's access.")) from error
    return _grant(raw, api_host)
