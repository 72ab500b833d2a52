"""The data host: /accurate/api/<module>/<action>.do, behind token, session, Accurate's rate
limit and whatever faults are switched on."""

import socket
import time

from flask import Blueprint, current_app, request

from isacc.sandbox import ledger, listing, modules, schema
from isacc.sandbox.common import (
    bearer_token,
    envelope,
    failure,
    invalid_token,
    sandbox,
    session_database,
)
from isacc.sandbox.faults import refused
from isacc.sandbox.params import unflatten

bp = Blueprint("data", __name__)
ACTION_SCOPE = {"save": "save", "bulk-save": "save", "delete": "delete"}
# The spec's list filters call a few fields otherwise than the records do.
FILTER_FIELDS = {"customer": {"no": "customerNo"}, "vendor": {"no": "vendorNo"}}


def _body() -> dict:
    """What was posted: a JSON object, or a form's flat keys (`detailItem[0].itemNo`)."""
    if request.is_json:
        body = request.get_json(silent=True)
        return body if isinstance(body, dict) else {}
    return request.form.to_dict()


def _params() -> dict:
    return unflatten({**request.args.to_dict(), **_body()})


def _request_problems(module: str, action: str) -> list[str]:
    """What Accurate's own schema for this call refuses (see schema.py): the query of every
    call, the body of a save, the envelope of a bulk-save (its entries are checked one by
    one in _bulk_save, as Accurate answers for each)."""
    if action in ("save", "bulk-save"):
        query = request.args.to_dict(flat=False)
        body = unflatten(_body())
    else:
        query = {**request.args.to_dict(flat=False),
                 **{k: [str(v)] for k, v in _body().items()}}
        body = None
    problems = schema.query_problems(module, action, query)
    if action == "save":
        problems += schema.body_problems(module, action, body, form=not request.is_json)
    elif action == "bulk-save":
        problems += [f"Field {name} tidak dikenal" for name in body if name != "data"]
    return problems


def _drop_connection():
    """Close the socket without answering, as a network fault would."""
    connection = request.environ.get("werkzeug.socket")
    if connection is not None:
        connection.shutdown(socket.SHUT_RDWR)
    raise ConnectionResetError("sandbox fault: connection dropped")


@bp.errorhandler(ConnectionResetError)
def dropped(_error):
    # The socket is already shut: this answer goes nowhere, but Flask logs no traceback.
    return "", 500


@bp.route("/accurate/api/<module_name>/<action>.do", methods=["GET", "POST", "DELETE"])
def call(module_name: str, action: str):
    module = modules.MODULES.get(module_name)
    if module is None or schema.operation(module_name, action) is None:
        return envelope({"s": False, "d": ["URL API tidak tepat"]}, 404)
    token = bearer_token()
    if token is None:
        return invalid_token()
    database = session_database()
    if database is None:
        return envelope({"s": False, "d": ["Data Session Key tidak tepat"]}, 401)
    scope = f"{module_name.replace('-', '_')}_{ACTION_SCOPE.get(action, 'view')}"
    if scope not in (token["scope"] or "").split():
        return envelope({"error": "insufficient_scope", "scope": scope}, 403)
    state = sandbox()
    if not state.limit.enter(database.id):
        response = envelope({"s": False, "d": ["Too many requests"]},
                            current_app.config["RATE_LIMIT_STATUS"])
        response[0].headers["Retry-After"] = "1"
        return response
    try:
        faults = state.faults
        refusal = faults.refusal(module_name, action)
        if refusal is not None:
            return refused(refusal, scope)
        delay = faults.latency()
        if delay:
            time.sleep(delay)
        if faults.roll(faults.slow_rate):
            time.sleep(faults.slow_seconds)
        if faults.roll(faults.drop_rate):
            _drop_connection()
        if faults.roll(faults.error_rate):
            return failure("Sandbox: injected failure", faults.status)
        problems = _request_problems(module_name, action)
        if problems:
            return envelope({"s": False, "d": problems})
        answer = _handle(database, module, action, _params())
        if action in ("save", "bulk-save") and faults.roll(faults.commit_then_fail_rate):
            return failure("Sandbox: saved, then failed to answer", 500)
        return answer
    finally:
        state.limit.leave(database.id)


def _handle(database, module, action, params):
    if action == "save":
        answer = modules.save(database, module, params)
        if answer["s"]:
            sandbox().webhooks.notice(database.id, module.name, answer["r"])
        return envelope(answer)
    if action == "bulk-save":
        return _bulk_save(database, module, params)
    if action == "detail":
        found = _find(database, module, params)
        return envelope({"s": True, "d": _view(module, found)}) if found \
            else failure("Data tidak ditemukan")
    if action == "list":
        return _list(database, module, params)
    if action == "delete":
        found = _find(database, module, params)
        if found is None:
            return failure("Data tidak ditemukan")
        answer = modules.delete(database, module, found)
        if answer["s"]:
            sandbox().webhooks.notice(database.id, module.name, answer.pop("r"), "DELETE")
        return envelope(answer)
    query = QUERIES.get((module.name, action))
    if query is not None:
        return query(database, params)
    return envelope({"s": False, "d": ["URL API tidak tepat"]}, 404)


def _stock(database, params):
    found = database.by_number("item", params.get("no"))
    if found is None:
        return failure(f'Barang "{params.get("no")}" tidak ditemukan')
    return envelope({"s": True, "d": {"availableStock": sum(found["stock"].values())}})


def _dates(params, *names):
    """The named dd/MM/yyyy parameters as dates (None when not given), and what is wrong."""
    found, problems = {}, []
    for name in names:
        value = params.get(name)
        found[name] = ledger.day(value) if value not in (None, "") else None
        if value not in (None, "") and found[name] is None:
            problems.append(f'Format tanggal "{value}" tidak valid, gunakan dd/MM/yyyy')
    return found, problems


def _balance(database, params):
    """An account's balance up to `asOfDate` (or `toDate`), or its movement from `fromDate`;
    every date when none is given."""
    dates, problems = _dates(params, "asOfDate", "fromDate", "toDate")
    if params.get("id"):
        account = database.get("glaccount", params["id"])
        key = params["id"]
    else:
        key = params.get("no")
        account = database.by_number("glaccount", key) if key else None
        if not key:
            problems.append("No. Akun harus diisi")
    if key and account is None:
        problems.append(f'Akun "{key}" tidak ditemukan')
    if problems:
        return failure(problems)
    amount = ledger.balance(database, account, dates["fromDate"],
                            dates["asOfDate"] or dates["toDate"])
    return envelope({"s": True, "d": ledger.number(amount)})


def _profit_and_loss(database, params):
    dates, problems = _dates(params, "fromDate", "toDate")
    problems += [f"{label} harus diisi" for name, label in (("fromDate", "Dari Tanggal"),
                                                            ("toDate", "S/d Tanggal"))
                 if params.get(name) in (None, "")]
    if problems:
        return failure(problems)
    rows = ledger.profit_and_loss(database, dates["fromDate"], dates["toDate"])
    return envelope({"s": True, "d": [{**row, "amount": ledger.number(row["amount"])}
                                      for row in rows]})


# Calls that read rather than save: (module, action) -> what answers them.
QUERIES = {
    ("item", "get-stock"): _stock,
    ("glaccount", "get-balance"): _balance,
    ("glaccount", "get-pl-account-amount"): _profit_and_loss,
}


def _bulk_save(database, module, params):
    if not module.bulk:
        return envelope({"s": False, "d": ["URL API tidak tepat"]}, 404)
    records = params.get("data")
    if not isinstance(records, list) or not records:
        return failure("Data harus diisi")
    limit = current_app.config["BULK_LIMIT"]
    if len(records) > limit:
        return failure(f"Maksimal {limit} data dalam 1 kali request")
    results = [_save_entry(database, module, record) for record in records]
    for result in results:
        if result["s"]:
            sandbox().webhooks.notice(database.id, module.name, result["r"])
    return envelope({"s": True, "d": results})


def _save_entry(database, module, record) -> dict:
    """One entry of a bulk-save: refused alone when Accurate's schema refuses it."""
    problems = schema.body_problems(module.name, "bulk-save", record,
                                    form=not request.is_json)
    if problems:
        return {"s": False, "d": problems}
    return modules.save(database, module, record)


def _find(database, module, params):
    if params.get("id"):
        return database.get(module.name, params["id"])
    number = params.get(module.key) or params.get("number")
    return database.by_number(module.name, number) if number else None


def _view(module, record: dict) -> dict:
    """A record as detail/list show it: stock shown per warehouse and in total for items."""
    if module.name != "item":
        return record
    shown = {k: v for k, v in record.items() if k != "stock"}
    shown["detailWarehouseData"] = [{"name": name, "balance": balance}
                                    for name, balance in sorted(record["stock"].items())]
    shown["availableToSell"] = shown["balance"] = sum(record["stock"].values())
    return shown


def _list(database, module, params):
    renamed = FILTER_FIELDS.get(module.name, {})
    filters = {renamed.get(name, name): value
               for name, value in (params.get("filter") or {}).items()}
    keyed = filters.get(module.key)
    # The common look-up by number goes straight to the key instead of scanning.
    if isinstance(keyed, dict) and str(keyed.get("op", "EQUAL")).upper() == "EQUAL" \
            and len(filters) == 1 and not isinstance(keyed.get("val"), list):
        found = database.by_number(module.name, keyed.get("val"))
        records = [found] if found else []
    else:
        records = [r for r in database.all(module.name)
                   if listing.matches(r, filters, params.get("keywords"))]
    paging = params.get("sp") or {}
    records = listing.sort(records, paging.get("sort"))
    size = max(1, min(int(paging.get("pageSize") or 20), current_app.config["MAX_PAGE_SIZE"]))
    page = max(1, int(paging.get("page") or 1))
    fields = [f for f in str(params.get("fields") or "id").split(",") if f]
    rows = [{f: _view(module, r).get(f) for f in fields if f in _view(module, r)}
            for r in records[(page - 1) * size: page * size]]
    count = len(records)
    return envelope({"s": True, "d": rows, "sp": {"page": page, "pageSize": size,
                                                  "pageCount": (count + size - 1) // size,
                                                  "rowCount": count}})
