"""Controls for tests and benchmarks (no auth: the sandbox is a local tool), and a page per
database listing the documents that arrived."""

import time

from flask import Blueprint, jsonify, render_template, request

from isacc.sandbox.common import sandbox
from isacc.sandbox.modules import MODULES

bp = Blueprint("admin", __name__, url_prefix="/sandbox")


@bp.route("/admin/faults", methods=["GET", "POST"])
def faults():
    if request.method == "POST":
        try:
            sandbox().faults.configure(request.get_json(silent=True) or {})
        except (TypeError, ValueError) as error:
            return jsonify({"error": str(error)}), 400
    return jsonify(sandbox().faults.describe())


@bp.route("/admin/stats")
def stats():
    return jsonify(sandbox().limit.stats())


@bp.route("/admin/stats/reset", methods=["POST"])
def reset_stats():
    sandbox().limit.reset()
    return jsonify({})


@bp.route("/admin/revoke", methods=["POST"])
def revoke():
    """The user withdraws isacc's access: every token stops working, refresh included."""
    sandbox().account.run("UPDATE token SET revoked = 1")
    return jsonify({"revoked": True})


@bp.route("/admin/expire-sessions", methods=["POST"])
def expire_sessions():
    sandbox().account.run("UPDATE session SET expires = ?", time.time() - 1)
    return jsonify({"expired": True})


@bp.route("/admin/expire-tokens", methods=["POST"])
def expire_tokens():
    """Access tokens lapse (refresh tokens still work), as they do after their lifetime."""
    sandbox().account.run("UPDATE token SET expires = ? WHERE revoked = 0", time.time() - 1)
    return jsonify({"expired": True})


@bp.route("/db/<int:database_id>")
def documents(database_id: int):
    database = sandbox().databases.get(database_id)
    if database is None:
        return render_template("sandbox_error.html", message="Database tidak ditemukan"), 404
    shown = {name: list(reversed(database.all(name)))[:200] for name in MODULES}
    return render_template("sandbox_documents.html", database=database, shown=shown)
