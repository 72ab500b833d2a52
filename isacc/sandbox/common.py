"""Helpers every sandbox view uses: the shared state, Accurate's answers, the caller's token."""

import time

from flask import current_app, jsonify, request

from isacc.sandbox.storage import Database


def sandbox():
    return current_app.extensions["sandbox"]


def envelope(body: dict, status: int = 200):
    return jsonify(body), status


def failure(messages: list[str] | str, status: int = 200):
    """Accurate answers most refusals with HTTP 200 and s:false."""
    return envelope({"s": False, "d": [messages] if isinstance(messages, str) else messages},
                    status)


def invalid_token():
    return jsonify({"error": "invalid_token"}), 401


def bearer_token() -> dict | None:
    """The caller's live token row, or None (missing, unknown, expired or revoked)."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    rows = sandbox().account.query(
        "SELECT * FROM token WHERE access = ? AND revoked = 0 AND expires > ?",
        header[len("Bearer "):], time.time())
    return dict(rows[0]) if rows else None


def session_database() -> Database | None:
    """The database the X-Session-ID header opened, while that session lives."""
    session = request.headers.get("X-Session-ID")
    if not session:
        return None
    rows = sandbox().account.query(
        "SELECT database_id FROM session WHERE session = ? AND expires > ?", session, time.time())
    return sandbox().databases.get(rows[0]["database_id"]) if rows else None
