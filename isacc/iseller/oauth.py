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


def _grant(raw: dict) -> Grant:
    if not raw.get("resource_url"):
        raise ReconnectRequired(say("iSeller's answer did not say where the store's API is."),
                                say("Click Connect to iSeller again."))
    expires_in = raw.get("expires_in")
    return Grant(access_token=raw["access_token"], refresh_token=raw.get("refresh_token"),
                 expires_at=utcnow() + timedelta(seconds=int(expires_in)) if expires_in else None,
                 api_host=raw["resource_url"].rstrip("/"))


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
