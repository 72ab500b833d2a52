"""The account host: OAuth2 authorization code with a login and a Give Access page (the user
may untick scopes), callbacks registered per application, tokens and refresh, the database
list and details, opening a database session, renewing webhooks, what a token was granted."""

import base64
import secrets
import time
from datetime import timedelta
from urllib.parse import urlencode

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session

from isacc.sandbox.common import bearer_token, envelope, failure, invalid_token, sandbox
from isacc.sandbox.webhooks import parse_stamp

bp = Blueprint("account", __name__)
AUTHORIZE_PARAMS = ("client_id", "response_type", "redirect_uri", "scope", "state")
# The one user of the sandbox's Accurate, as auth-info.do and userinfo.do describe them.
USER_ID, USER_NAME = 1, "Demo Sandbox"


def _error_page(message: str):
    return render_template("sandbox_error.html", message=message), 400


def _refusal(params: dict) -> str | None:
    """Why Accurate would not go on with this authorization request, if it would not. An
    unregistered redirect_uri gets an error page, never a redirect: a code sent to an
    address the application never registered would be anyone's."""
    client_id = current_app.config["CLIENT_ID"]
    if params["client_id"] != client_id:
        return "Aplikasi tidak dikenal (client_id)."
    if params["response_type"] != "code":
        return "response_type harus code."
    if not sandbox().account.redirect_uri_registered(client_id, params["redirect_uri"]):
        return ("redirect_uri tidak terdaftar untuk aplikasi ini (invalid_request): "
                f"{params['redirect_uri']}")
    return None


@bp.route("/oauth/authorize")
def authorize():
    params = {name: request.args.get(name, "") for name in AUTHORIZE_PARAMS}
    refused = _refusal(params)
    if refused:
        return _error_page(refused)
    if not session.get("user"):
        return render_template("sandbox_login.html", next=request.full_path,
                               email=current_app.config["USER_EMAIL"],
                               password=current_app.config["USER_PASSWORD"], error=None)
    return render_template("sandbox_consent.html", params=params,
                           client_id=params["client_id"], scopes=params["scope"].split())


@bp.route("/oauth/login", methods=["POST"])
def login():
    target = request.form.get("next", "")
    if not target.startswith("/oauth/authorize"):
        target = "/oauth/authorize"
    config = current_app.config
    if (request.form.get("email"), request.form.get("password")) != (
            config["USER_EMAIL"], config["USER_PASSWORD"]):
        return render_template("sandbox_login.html", next=target, email=request.form.get("email"),
                               password="", error="Email atau kata sandi salah."), 401
    session["user"] = config["USER_EMAIL"]
    return redirect(target)


@bp.route("/oauth/consent", methods=["POST"])
def consent():
    params = {name: request.form.get(name, "") for name in AUTHORIZE_PARAMS}
    if not session.get("user"):
        return _error_page("Sesi masuk tidak valid.")
    refused = _refusal(params)  # the form may have been changed since the page was shown
    if refused:
        return _error_page(refused)
    back = params["redirect_uri"] + ("&" if "?" in params["redirect_uri"] else "?")
    # Only scopes asked for can be approved; [G] approving none is refusing access.
    ticked = set(request.form.getlist("approve"))
    approved = [scope for scope in params["scope"].split() if scope in ticked]
    if request.form.get("decision") != "allow" or not approved:
        return redirect(back + urlencode({"error": "access_denied", "state": params["state"]}))
    code = secrets.token_urlsafe(24)
    sandbox().account.run(
        "INSERT INTO code (code, redirect_uri, scope, expires, used) VALUES (?, ?, ?, ?, 0)",
        code, params["redirect_uri"], " ".join(approved),
        time.time() + current_app.config["CODE_SECONDS"])
    return redirect(back + urlencode({"code": code, "state": params["state"]}))


def _client_ok() -> bool:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return False
    try:
        client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
    except ValueError:
        return False
    config = current_app.config
    return secrets.compare_digest(f"{client_id}:{secret}",
                                  f"{config['CLIENT_ID']}:{config['CLIENT_SECRET']}")


def _issue(scope: str) -> dict:
    lifetime = current_app.config["TOKEN_SECONDS"]
    access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    sandbox().account.run(
        "INSERT INTO token (access, refresh, scope, expires) VALUES (?, ?, ?, ?)",
        access, refresh, scope, time.time() + lifetime)
    return {"access_token": access, "refresh_token": refresh, "token_type": "bearer",
            "expires_in": lifetime, "scope": scope}


@bp.route("/oauth/token", methods=["POST"])
def token():
    if not _client_ok():
        return jsonify({"error": "invalid_client"}), 401
    account = sandbox().account
    grant = request.form.get("grant_type")
    with account.transaction():
        if grant == "authorization_code":
            rows = account.query("SELECT * FROM code WHERE code = ?", request.form.get("code"))
            found = rows[0] if rows else None
            if found is None or found["used"] or found["expires"] < time.time():
                return jsonify({"error": "invalid_grant"}), 400
            # Only the registered callback the code was issued to; [G] Accurate's wording.
            if found["redirect_uri"] != request.form.get("redirect_uri"):
                return jsonify({"error": "invalid_grant",
                                "error_description": "Redirect URI mismatch."}), 400
            account.run("UPDATE code SET used = 1 WHERE code = ?", found["code"])
            return jsonify(_issue(found["scope"]))
        if grant == "refresh_token":
            rows = account.query("SELECT * FROM token WHERE refresh = ? AND revoked = 0",
                                 request.form.get("refresh_token"))
            if not rows:
                return jsonify({"error": "invalid_grant"}), 400
            # Refresh rotates both tokens: the old pair stops working.
            account.run("UPDATE token SET revoked = 1 WHERE access = ?", rows[0]["access"])
            return jsonify(_issue(rows[0]["scope"]))
    return jsonify({"error": "unsupported_grant_type"}), 400


@bp.route("/api/db-list.do")
def database_list():
    if bearer_token() is None:
        return invalid_token()
    return envelope({"s": True, "d": [{"id": db.id, "alias": db.alias}
                                      for db in sandbox().databases.values()]})


def _new_session(database_id: int) -> str:
    value = secrets.token_urlsafe(24)
    sandbox().account.run(
        "INSERT INTO session (session, database_id, expires) VALUES (?, ?, ?)",
        value, database_id, time.time() + current_app.config["SESSION_SECONDS"])
    return value


@bp.route("/api/open-db.do", methods=["GET", "POST"])
def open_database():
    if bearer_token() is None:
        return invalid_token()
    database = sandbox().databases.get(request.values.get("id", type=int))
    if database is None:
        return failure("Database tidak ditemukan")
    value = _new_session(database.id)
    host = request.host_url.rstrip("/")
    return envelope({"s": True, "host": host, "session": value,
                     "d": {"host": host, "session": value, "alias": database.alias}})


def _database():
    return sandbox().databases.get(request.args.get("id", type=int))


@bp.route("/api/db-detail.do")
def database_detail():
    if bearer_token() is None:
        return invalid_token()
    database = _database()
    if database is None:
        return failure("Database tidak ditemukan")
    return envelope({"s": True, "d": {"id": database.id, "alias": database.alias}})


@bp.route("/api/db-status.do")
def database_status():
    """[G] Accurate says only that it checks a database's status: the sandbox's are always
    open for use."""
    if bearer_token() is None:
        return invalid_token()
    database = _database()
    if database is None:
        return failure("Database tidak ditemukan")
    return envelope({"s": True, "d": {"id": database.id, "alias": database.alias,
                                      "status": "ACTIVE"}})


@bp.route("/api/approved-scope.do")
def approved_scope():
    """The scopes the user approved for this token ([C] the endpoint; [G] `d` as a list)."""
    token = bearer_token()
    if token is None:
        return invalid_token()
    return envelope({"s": True, "d": (token["scope"] or "").split()})


def _user() -> dict:
    return {"id": USER_ID, "name": USER_NAME, "email": current_app.config["USER_EMAIL"]}


@bp.route("/api/auth-info.do")
def auth_info():
    """[G] shape: who the token is for, and which application holds it with which scopes."""
    token = bearer_token()
    if token is None:
        return invalid_token()
    return envelope({"s": True, "d": {"user": _user(),
                                      "application": {"clientId": current_app.config["CLIENT_ID"]},
                                      "scope": (token["scope"] or "").split()}})


@bp.route("/api/userinfo.do")
def userinfo():
    """The user's OAuth2 claims ([G] OpenID Connect's names, in Accurate's envelope)."""
    if bearer_token() is None:
        return invalid_token()
    user = _user()
    return envelope({"s": True, "d": {"sub": str(user["id"]), "name": user["name"],
                                      "email": user["email"]}})


@bp.route("/api/db-refresh-session.do", methods=["GET", "POST"])
def refresh_session():
    if bearer_token() is None:
        return invalid_token()
    database_id = request.values.get("id", type=int)
    if database_id not in sandbox().databases:
        return failure("Database tidak ditemukan")
    sandbox().account.run("DELETE FROM session WHERE session = ?",
                          request.values.get("session", ""))
    return envelope({"s": True, "d": {"session": _new_session(database_id)}})


@bp.route("/api/db-check-session.do")
def check_session():
    if bearer_token() is None:
        return invalid_token()
    rows = sandbox().account.query("SELECT 1 FROM session WHERE session = ? AND expires > ?",
                                   request.args.get("session", ""), time.time())
    return envelope({"s": True, "d": bool(rows)})


@bp.route("/api/webhook-history.do")
def webhook_history():
    """Notices of the last month, at most 24 hours a call ([C] OAPI-MD)."""
    if bearer_token() is None:
        return invalid_token()
    try:
        start = parse_stamp(request.args.get("from", ""))
        end = parse_stamp(request.args.get("to", ""))
    except ValueError:
        return failure("from dan to harus diisi dengan format dd/MM/yyyy HH:mm:ss")
    if end < start or end - start > timedelta(hours=24):
        return failure("Rentang waktu maksimal 24 jam")
    return envelope({"s": True, "d": sandbox().webhooks.history(
        start, end, request.args.get("databaseId", type=int), request.args.get("type"))})


@bp.route("/api/webhook-renew.do", methods=["GET", "POST"])
def renew_webhook():
    if bearer_token() is None:
        return invalid_token()
    # Accurate names the day in its own time zone, whatever the caller's clock says.
    return envelope({"s": True, "d": sandbox().webhooks.renew().strftime("%d/%m/%Y")})
