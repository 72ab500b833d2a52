"""Calls to Accurate's account host: which databases the user has, opening one, which scopes
the user approved, and the application's webhook (renewal, history)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import requests

from isacc.accurate.client import interpret
from isacc.accurate.errors import RetryableError

TIMEOUT = (5, 30)


def _get(config: dict, path: str, access_token: str, params: dict) -> dict:
    url = config["ACCURATE_ACCOUNT_URL"].rstrip("/") + path
    try:
        response = requests.get(url, params=params, timeout=TIMEOUT,
                                headers={"Authorization": f"Bearer {access_token}"})
    except requests.RequestException as error:
        raise RetryableError("Accurate could not be reached.") from error
    return interpret(response, write=False)


def database_list(config: dict, access_token: str) -> list[dict]:
    """[{"id": ..., "alias": ...}, ...]"""
    return _get(config, "/api/db-list.do", access_token, {}).get("d") or []


def open_database(config: dict, access_token: str, database_id: int) -> tuple[str, str]:
    """(host, session) for the database: its data host is not fixed, so never hard-code it."""
    body = _get(config, "/api/open-db.do", access_token, {"id": database_id})
    return body["host"], body["session"]


def approved_scopes(config: dict, access_token: str) -> list[str]:
    """The scopes the user approved for this token ([G] `d` a list, or a space-separated
    string)."""
    approved = _get(config, "/api/approved-scope.do", access_token, {}).get("d") or []
    return approved.split() if isinstance(approved, str) else [str(s) for s in approved]


def renew_session(config: dict, access_token: str, database_id: int, session: str) -> str:
    body = _get(config, "/api/db-refresh-session.do", access_token,
                {"id": database_id, "session": session})
    return body["d"]["session"]


def renew_webhook(config: dict, access_token: str) -> datetime:
    """Renew the application's webhook; returns the new expiry (the start of the day
    Accurate names, Jakarta time, so it is never later than Accurate's)."""
    body = _get(config, "/api/webhook-renew.do", access_token, {})
    day = datetime.strptime(str(body["d"]), "%d/%m/%Y")
    return day.replace(tzinfo=ZoneInfo("Asia/Jakarta")).astimezone(UTC)


def webhook_history(config: dict, access_token: str, start: str, end: str,
                    database_id: int) -> list[dict]:
    """The notices Accurate sent between `start` and `end` ("dd/MM/yyyy HH:mm:ss", Jakarta,
    at most 24 hours apart) for one database."""
    body = _get(config, "/api/webhook-history.do", access_token,
                {"from": start, "to": end, "databaseId": database_id})
    return body.get("d") or []
