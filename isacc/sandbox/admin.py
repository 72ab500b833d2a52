"""Controls for tests and benchmarks (no auth: the sandbox is a local tool), and a page per
database listing the documents that arrived."""

import time
from datetime import date
from urllib.parse import urlsplit

from flask import Blueprint, current_app, jsonify, render_template, request

from isacc.sandbox import importer, ledger
from isacc.sandbox.common import sandbox
from isacc.sandbox.modules import MODULES, save

bp = Blueprint("admin", __name__, url_prefix="/sandbox")


@bp.route("/admin/faults", methods=["GET", "POST"])
def faults():
    """The faults in force (GET), or replace them all (POST, faults.KNOWN; {} turns them off):
    rates of 5xx/429, slow, dropped and saved-then-500 answers, and refusals of the next
    `refuse_count` calls to `refuse_module`/`refuse_action` with `refuse_status`."""
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


@bp.route("/admin/redirect-uris", methods=["GET", "POST"])
def redirect_uris():
    """The callbacks the sandbox's OAuth client has registered (GET), or register one more
    (POST {"uri": "..."}), as an application adds its callback in Accurate's developer area."""
    client_id = current_app.config["CLIENT_ID"]
    if request.method == "POST":
        uri = (request.get_json(silent=True) or {}).get("uri")
        parts = urlsplit(uri) if isinstance(uri, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc \
                or parts.fragment:
            return jsonify({"error": "uri must be an http(s) address without a #fragment"}), 400
        sandbox().account.register_redirect_uri(client_id, uri)
    return jsonify({"client_id": client_id,
                    "redirect_uris": sandbox().account.redirect_uris(client_id)})


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
    return render_template("sandbox_documents.html", database=database, shown=shown,
                           books=ledger.trial_balance(database))


@bp.route("/admin/trial-balance")
def trial_balance():
    """The books of `database` (101 unless given) up to `asOf` (YYYY-MM-DD, included; every
    date when not given): per account with lines, its name, debit, credit and balance
    (debit minus credit, whatever the account's type), with the debit and credit totals."""
    database = sandbox().databases.get(request.args.get("database", 101, type=int))
    if database is None:
        return jsonify({"error": "no such database"}), 404
    as_of = None
    if request.args.get("asOf"):
        try:
            as_of = date.fromisoformat(request.args["asOf"])
        except ValueError:
            return jsonify({"error": "asOf must be a date, YYYY-MM-DD"}), 400
    books = ledger.trial_balance(database, as_of)
    return jsonify({
        "accounts": {no: {**row, **{field: ledger.number(row[field])
                                    for field in ("debit", "credit", "balance")}}
                     for no, row in books["accounts"].items()},
        "debit": ledger.number(books["debit"]), "credit": ledger.number(books["credit"])})


@bp.route("/admin/webhook", methods=["GET", "POST"])
def webhook_url():
    """Where webhooks go from now on (isacc's endpoint with its store token); setting it
    sets the webhook up afresh, active for 7 days. GET: the URL, whether it is active and
    until when."""
    if request.method == "POST":
        sandbox().webhooks.set_url((request.get_json(silent=True) or {}).get("url", ""))
    return jsonify(sandbox().webhooks.describe())


@bp.route("/admin/webhook/notices")
def webhook_notices():
    """Every notice made, with what became of it (delivered, refused, not sent because the
    webhook lapsed...)."""
    return jsonify(sandbox().webhooks.log())


@bp.route("/admin/clock", methods=["GET", "POST"])
def clock():
    """Move the sandbox's clock: {"advance_days": 8}, {"advance_seconds": 60},
    {"at": "dd/MM/yyyy HH:mm:ss"} (Jakarta time) or {"reset": true}."""
    if request.method == "POST":
        try:
            sandbox().clock.configure(request.get_json(silent=True) or {})
        except (TypeError, ValueError) as error:
            return jsonify({"error": str(error)}), 400
    return jsonify(sandbox().clock.describe())


@bp.route("/admin/webhook/redeliver", methods=["POST"])
def redeliver():
    """Send a recorded notice again, as Accurate sometimes does."""
    envelope = sandbox().webhooks.find((request.get_json(silent=True) or {}).get("uuid", ""))
    if envelope is None:
        return jsonify({"error": "no such notice"}), 404
    sandbox().webhooks.deliver(envelope)
    return jsonify(envelope)


@bp.route("/db/<int:database_id>/purchase", methods=["GET", "POST"])
def purchase(database_id: int):
    """A person enters a purchase, as in Accurate's own screen; its webhook follows."""
    database = sandbox().databases.get(database_id)
    if database is None:
        return render_template("sandbox_error.html", message="Database tidak ditemukan"), 404
    answer = None
    if request.method == "POST":
        kind = request.form.get("module", "purchase-invoice")
        if kind not in ("purchase-order", "receive-item", "purchase-invoice"):
            kind = "purchase-invoice"
        record = {
            "vendorNo": request.form.get("vendorNo"), "transDate": request.form.get("transDate"),
            "branchName": request.form.get("branchName") or None,
            "detailItem": [{"itemNo": request.form.get("itemNo"),
                            "quantity": request.form.get("quantity"),
                            "unitPrice": request.form.get("unitPrice") or 0,
                            "warehouseName": request.form.get("warehouseName")}],
        }
        answer = save(database, MODULES[kind], record)
        if answer["s"]:
            sandbox().webhooks.notice(database.id, kind, answer["r"])
    webhook = sandbox().webhooks.describe()
    page = render_template(
        "sandbox_purchase.html", database=database, answer=answer,
        webhook_sent=webhook["active"],
        webhook_lapsed=bool(webhook["url"]) and not webhook["active"],
        vendors=database.all("vendor"), warehouses=database.all("warehouse"),
        branches=database.all("branch"), today=time.strftime("%d/%m/%Y"))
    return page, 200 if answer is None or answer["s"] else 400


@bp.route("/db/<int:database_id>/import", methods=["GET", "POST"])
def import_items(database_id: int):
    """Accurate's goods-and-services import: upload the .xlsx, see what was saved or refused."""
    database = sandbox().databases.get(database_id)
    if database is None:
        return render_template("sandbox_error.html", message="Database tidak ditemukan"), 404
    result = None
    if request.method == "POST":
        upload = request.files.get("file")
        try:
            result = importer.import_items(database, upload.read() if upload else b"")
        except importer.NotAnImportFile as error:
            result = {"error": str(error)}
        if request.accept_mimetypes.best == "application/json":
            return jsonify(result), 400 if "error" in result else 200
    return render_template("sandbox_import.html", database=database, result=result)
