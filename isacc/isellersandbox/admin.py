"""Controls for tests and demos, under /sandbox/admin: register a callback as an app's
developer would, and let every token lapse (as 14 days would)."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, jsonify, request

from isacc.isellersandbox.common import sandbox

bp = Blueprint("iseller_admin", __name__, url_prefix="/sandbox/admin")


@bp.route("/redirect-uris", methods=["GET", "POST"])
def redirect_uris():
    client_id = current_app.config["CLIENT_ID"]
    if request.method == "POST":
        uri = str((request.get_json(silent=True) or {}).get("uri") or "")
        parts = urlsplit(uri)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.fragment:
            return jsonify({"error": "uri must be an absolute http(s) address without a "
                                     "fragment"}), 400
        sandbox().accounts.register_redirect_uri(client_id, uri)
    return jsonify({"client_id": client_id,
                    "redirect_uris": sandbox().accounts.redirect_uris(client_id)})


@bp.route("/tokens/expire", methods=["POST"])
def expire_tokens():
    """Every access token lapses now; refresh tokens still work."""
    expired = sandbox().accounts.query("SELECT count(*) AS n FROM token")[0]["n"]
    sandbox().accounts.run("UPDATE token SET expires = 0")
    return jsonify({"expired": expired})
