"""iSeller's OAuth host [C, a.1]: /oauth/authorize (the merchant signs in to the store, then
grants the app on an "Authorize App" page), /oauth/token with the authorization_code,
refresh_token and client_credentials grants, client credentials in the body (form or
JSON), and a token answer naming the store's API host as resource_url."""

import secrets
import time
from urllib.parse import urlencode

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session

from isacc.isellersandbox.common import sandbox

bp = Blueprint("iseller_oauth", __name__)
AUTHORIZE_PARAMS = ("response_type", "client_id", "redirect_uri", "state")


def _error_page(message: str):
    return render_template("iseller_error.html", message=message), 400


def _refusal(params: dict) -> str | None:
    """Why iSeller would not go on with this request. An unregistered redirect_uri gets an
    error page, never a redirect: a code sent to an address the app never registered would
    be anyone's."""
    if params["client_id"] != current_app.config["CLIENT_ID"]:
        return "Unknown app (client_id)."
    if params["response_type"] != "code":
        return "response_type must be code."
    if not sandbox().accounts.redirect_uri_registered(params["client_id"],
                                                      params["redirect_uri"]):
        return f"redirect_uri is not registered for this app: {params['redirect_uri']}"
    return None


@bp.route("/oauth/authorize")
def authorize():
    params = {name: request.args.get(name, "") for name in AUTHORIZE_PARAMS}
    refused = _refusal(params)
    if refused:
        return _error_page(refused)
    if not session.get("merchant"):
        return render_template("iseller_login.html", next=request.full_path,
                               email=current_app.config["USER_EMAIL"],
                               password=current_app.config["USER_PASSWORD"], error=None)
    return render_template("iseller_grant.html", params=params)


@bp.route("/oauth/login", methods=["POST"])
def login():
    target = request.form.get("next", "")
    # Only back to the sandbox's own pages: the Grant page or the till.
    if not (target.startswith("/oauth/authorize") or target == "/till"):
        target = "/oauth/authorize"
    config = current_app.config
    if (request.form.get("email"), request.form.get("password")) != (
            config["USER_EMAIL"], config["USER_PASSWORD"]):
        return render_template("iseller_login.html", next=target,
                               email=request.form.get("email"), password="",
                               error="Invalid email or password."), 401
    session["merchant"] = config["USER_EMAIL"]
    return redirect(target)


@bp.route("/oauth/grant", methods=["POST"])
def grant():
    params = {name: request.form.get(name, "") for name in AUTHORIZE_PARAMS}
    if not session.get("merchant"):
        return _error_page("Your sign-in has expired: sign in again.")
    refused = _refusal(params)  # the form may have been changed since the page was shown
    if refused:
        return _error_page(refused)
    back = params["redirect_uri"] + ("&" if "?" in params["redirect_uri"] else "?")
    # [C] a3: state comes back only if it was sent.
    state = {"state": params["state"]} if params["state"] else {}
    if request.form.get("decision") != "grant":
        return redirect(back + urlencode({"error": "access_denied", **state}))
    code = secrets.token_hex(32)  # [C] a3: a 64-hex code
    sandbox().accounts.run(
        "INSERT INTO code (code, client_id, redirect_uri, expires) VALUES (?, ?, ?, ?)",
        code, params["client_id"], params["redirect_uri"],
        time.time() + current_app.config["CODE_SECONDS"])
    return redirect(back + urlencode({"code": code, **state}))


def _fields() -> dict:
    """[S, a9] the token endpoint takes form bodies and JSON bodies."""
    if request.is_json:
        body = request.get_json(silent=True)
        return {k: str(v) for k, v in body.items()} if isinstance(body, dict) else {}
    return request.form.to_dict()


def _issue(client_id: str) -> dict:
    lifetime = current_app.config["TOKEN_SECONDS"]
    access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    sandbox().accounts.run(
        "INSERT INTO token (access, refresh, client_id, expires) VALUES (?, ?, ?, ?)",
        access, refresh, client_id, time.time() + lifetime)
    # [C] a11; resource_url: the store's own host, here the sandbox's address.
    return {"access_token": access, "token_type": "bearer", "expires_in": lifetime,
            "refresh_token": refresh, "resource_url": request.host_url.rstrip("/")}


def _refused(error: str, description: str, status: int = 400):
    # [G] iSeller's error answers are not documented: OAuth 2's (RFC 6749 5.2).
    return jsonify({"error": error, "error_description": description}), status


@bp.route("/oauth/token", methods=["POST"])
def token():
    fields, config = _fields(), current_app.config
    # [C] a8: client credentials in the body; HTTP Basic is never shown.
    if not secrets.compare_digest(
            f"{fields.get('client_id', '')}:{fields.get('client_secret', '')}".encode(),
            f"{config['CLIENT_ID']}:{config['CLIENT_SECRET']}".encode()):
        return _refused("invalid_client", "Unknown client_id or wrong client_secret.", 401)
    accounts, grant_type = sandbox().accounts, fields.get("grant_type")
    with accounts.transaction():
        if grant_type == "authorization_code":
            rows = accounts.query("SELECT * FROM code WHERE code = ?", fields.get("code", ""))
            found = rows[0] if rows else None
            if found is None or found["used"] or found["expires"] < time.time():
                return _refused("invalid_grant", "The code is unknown, used or expired.")
            if found["redirect_uri"] != fields.get("redirect_uri"):
                return _refused("invalid_grant", "redirect_uri does not match the code's.")
            accounts.run("UPDATE code SET used = 1 WHERE code = ?", found["code"])
            return jsonify(_issue(found["client_id"]))
        if grant_type == "refresh_token":
            rows = accounts.query("SELECT * FROM token WHERE refresh = ? AND revoked = 0",
                                  fields.get("refresh_token", ""))
            if not rows:
                return _refused("invalid_grant", "The refresh token is unknown or used.")
            if config["ROTATE_REFRESH"]:
                accounts.run("UPDATE token SET revoked = 1 WHERE access = ?", rows[0]["access"])
            return jsonify(_issue(rows[0]["client_id"]))
        if grant_type == "client_credentials":
            # [C] a7: no user step; [G] the token reaches the app's own (the demo) store.
            return jsonify(_issue(fields["client_id"]))
    return _refused("unsupported_grant_type",
                    "grant_type must be authorization_code, refresh_token or "
                    "client_credentials.")
