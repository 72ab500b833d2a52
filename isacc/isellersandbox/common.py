"""What the iSeller sandbox's views share: the sandbox itself, iSeller's answer envelope and
the bearer token check, and how iSeller shows a time."""

import time
from datetime import UTC, datetime

from flask import current_app, jsonify, request


def sandbox():
    return current_app.extensions["iseller_sandbox"]


def _timespan(seconds: float) -> str:
    """[C] 0.10 `time` is a .NET TimeSpan string: 00:00:00.3437601."""
    whole, fraction = divmod(seconds, 1)
    minutes, secs = divmod(int(whole), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{int(fraction * 10_000_000):07d}"


def envelope(started: float, status: bool = True, error_message: str | None = None,
             http_status: int = 200, **fields):
    """[C] 0.10/0.11 every answer carries status, error_message and time; a business error
    is HTTP 200 with status false."""
    body = {**fields, "status": status, "error_message": error_message,
            "time": _timespan(time.monotonic() - started)}
    return jsonify(body), http_status


def bearer_token() -> dict | None:
    """The live token this request carries ([C] 0.9 Authorization: Bearer), or None."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    rows = sandbox().accounts.query(
        "SELECT * FROM token WHERE access = ? AND revoked = 0 AND expires > ?",
        header[7:], time.time())
    return dict(rows[0]) if rows else None


def shown(moment: float | None, time_zone: int) -> str | None:
    """[C] 0.13/0.14 a stored UTC time as iSeller shows it: in the request's time_zone,
    "YYYY-MM-DD HH:MM:SS", without an offset."""
    if moment is None:
        return None
    return datetime.fromtimestamp(moment + time_zone * 3600, UTC).strftime("%Y-%m-%d %H:%M:%S")
