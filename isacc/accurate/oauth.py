"""Accurate's OAuth2 authorization-code flow, through authlib."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session

from isacc.accurate.errors import ReconnectRequired, RetryableError
from isacc.models.base import utcnow
from isacc.reasons import say

# Everything isacc reads or writes. Accurate lets the user approve only part of it; what is
# missing shows up as ScopeMissing on the first call that needs it.
SCOPES = " ".join([
    "branch_view", "branch_save", "warehouse_view", "warehouse_save", "glaccount_view",
    "item_view", "item_save", "customer_view", "customer_save",
    "sales_invoice_view", "sales_invoice_save", "sales_receipt_view", "sales_receipt_save",
    "item_transfer_view", "item_transfer_save", "item_adjustment_view", "item_adjustment_save",
    "other_deposit_view", "other_deposit_save", "other_payment_view", "other_payment_save",
    "bank_transfer_view", "bank_transfer_save", "tax_view",
    "purchase_order_view", "purchase_invoice_view", "receive_item_view",
])
TIMEOUT = (5, 30)


@dataclass
class Token:
    access_token: str
    refresh_token: str | None
    expires_at: datetime | None
    scope: str | None


def _session(config: dict, redirect_uri: str | None = None) -> OAuth2Session:
    return OAuth2Session(
        client_id=config["ACCURATE_CLIENT_ID"],
        client_secret=config["ACCURATE_CLIENT_SECRET"],
        scope=SCOPES,
        redirect_uri=redirect_uri,
        token_endpoint_auth_method="client_secret_basic",  # noqa: S106 - Accurate wants Basic
    )


def _url(config: dict, path: str) -> str:
    return config["ACCURATE_ACCOUNT_URL"].rstrip("/") + path


def authorization_url(config: dict, redirect_uri: str) -> tuple[str, str]:
    """Where to send the owner to give isacc access, and the state to check on return."""
    return _session(config, redirect_uri).create_authorization_url(
        _url(config, "/oauth/authorize"))


def _token(raw: dict) -> Token:
    expires_in = raw.get("expires_in")
    return Token(
        access_token=raw["access_token"],
        refresh_token=raw.get("refresh_token"),
        expires_at=utcnow() + timedelta(seconds=int(expires_in)) if expires_in else None,
        scope=raw.get("scope"),
    )


def exchange_code(config: dict, redirect_uri: str, code: str) -> Token:
    """Trade the authorization code for tokens. An invalid or expired code raises
    ReconnectRequired: the owner has to start the connection again."""
    try:
        raw = _session(config, redirect_uri).fetch_token(
            _url(config, "/oauth/token"), grant_type="authorization_code", code=code,
            timeout=TIMEOUT)
    except OAuthError as error:
        raise ReconnectRequired(
            say("Accurate did not accept the sign-in (it may have expired)."),
            say("Click Connect to Accurate again.")) from error
    except requests.RequestException as error:
        raise RetryableError(say("Accurate could not be reached to finish the sign-in.")) from error
    return _token(raw)


def refresh(config: dict, refresh_token: str) -> Token:
    """New tokens for a refresh token; a refused refresh raises ReconnectRequired."""
    try:
        raw = _session(config).refresh_token(
            _url(config, "/oauth/token"), refresh_token=refresh_token, timeout=TIMEOUT)
    except OAuthError as error:
        raise ReconnectRequired() from error
    except requests.RequestException as error:
        raise RetryableError(
            say("Accurate could not be reached to renew isacc's access.")) from error
    return _token(raw)
