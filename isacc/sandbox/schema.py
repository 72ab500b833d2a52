"""Accurate's own request schemas as the sandbox's first check of every call.

accurate-openapi.json is Accurate's published API description ("Accurate Online Public API"
v1.4467.1872, copied from shared/). Every body and query the data host serves is checked
against the matching operation before any module sees it, and a violation is refused the way
Accurate refuses bad data: HTTP 200 `{"s": false, "d": [...]}`, one message a field, each
naming the field ("Field detailItem[0].unitPrice melebihi nilai maksimum 999 miliar").

The spec states some rules only in words or in the wrong place; they are made checkable:
- a number described "Nilai maksimum: 999 miliar dengan 6 digit desimal" gets `x-amount`;
- a string whose example is a date ("Cth: 31/03/2016") gets `x-date` (dd/MM/yyyy, a real day);
- an array's `required` names its lines' fields (detailItem: itemNo, unitPrice): it moves
  to the array's items.

Where the sandbox deliberately differs from the spec, and why (the README says so too):
- unknown fields are refused ("tidak dikenal"), though Accurate ignores them
  [accurate-api.md §2, single-source]: a misspelt field would vanish silently in production,
  so the sandbox makes it loud where tests can see it;
- the spec marks some arrays required that Accurate's own samples leave out (see NOT_REQUIRED);
- an edit (an object with `id`, the document or one of its lines) need not repeat the
  required fields: Accurate keeps what it has;
- a null value counts as absent, as Accurate's JSON reader treats it;
- a form post carries text: numbers and true/false are read from it before the check, as
  Accurate reads form posts.
"""

import json
import re
from collections import deque
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources

from jsonschema import Draft7Validator, ValidationError, validators

# (module, field) the spec calls required that Accurate's official samples omit: a doc
# artefact [accurate-api.md, sales invoice detailExpense row]. A return's tax number and tax
# date belong to taxable returns only.
NOT_REQUIRED = {
    ("sales-invoice", "detailDownPayment"), ("sales-invoice", "detailExpense"),
    ("sales-return", "detailExpense"), ("sales-return", "taxNumber"),
    ("sales-return", "taxDate"),
}
MAX_AMOUNT = Decimal("999999999999.999999")
DATE = re.compile(r"^\d{2}/\d{2}/\d{4}$")
DATE_EXAMPLE = re.compile(r"Cth: \d{2}/\d{2}/\d{4}\s*$")
TYPE_WORDS = {"string": "harus berupa teks", "number": "harus berupa angka",
              "integer": "harus berupa angka bulat", "boolean": "harus bernilai true atau false",
              "array": "harus berupa daftar", "object": "harus berupa objek"}
INDEX = re.compile(r"\[\d+\]$")


@cache
def spec() -> dict:
    return json.loads(resources.files("isacc.sandbox").joinpath("accurate-openapi.json")
                      .read_text(encoding="utf-8"))


def operation(module: str, action: str) -> dict | None:
    """The spec's operation for /api/<module>/<action>.do (each path has one method)."""
    path = spec()["paths"].get(f"/api/{module}/{action}.do")
    return next(iter(path.values())) if path else None


def _tighten(schema: dict, module: str, top: bool) -> dict:
    """A copy of `schema` with the rules the spec states in words made checkable."""
    schema = dict(schema)
    kind, description = schema.get("type"), schema.get("description") or ""
    if kind == "number" and "999 miliar" in description:
        schema["x-amount"] = True
    if kind == "string" and DATE_EXAMPLE.search(description):
        schema["x-date"] = True
    if kind == "array" and isinstance(schema.get("items"), dict):
        items = dict(schema["items"])
        if schema.get("required"):
            items["required"] = sorted({*items.get("required", []), *schema.pop("required")})
        schema["items"] = _tighten(items, module, top)
    if isinstance(schema.get("properties"), dict):
        schema["properties"] = {name: _tighten(field, module, False)
                                for name, field in schema["properties"].items()}
        schema["additionalProperties"] = False
        if top and schema.get("required"):
            schema["required"] = [name for name in schema["required"]
                                  if (module, name) not in NOT_REQUIRED]
    return schema


def _required(validator, required, instance, schema):
    if not isinstance(instance, dict) or "id" in instance:
        return
    for name in required:
        if instance.get(name) in (None, "", []):
            yield ValidationError("harus diisi", path=deque([name]))


def _additional(validator, allowed, instance, schema):
    if allowed is not False or not isinstance(instance, dict):
        return
    for name in instance:
        if name not in schema.get("properties", {}):
            yield ValidationError("tidak dikenal", path=deque([name]))


def _type(validator, types, instance, schema):
    kinds = types if isinstance(types, list) else [types]
    if instance is None or any(validator.is_type(instance, kind) for kind in kinds):
        return
    yield ValidationError(TYPE_WORDS.get(kinds[0], f"harus berupa {kinds[0]}"))


def _enum(validator, allowed, instance, schema):
    if instance is not None and instance not in allowed:
        yield ValidationError(f'"{instance}" tidak valid, harus salah satu dari: '
                              f'{", ".join(map(str, allowed))}')


def _amount(validator, _on, instance, schema):
    if isinstance(instance, bool) or not isinstance(instance, int | float):
        return
    value = Decimal(repr(instance)) if isinstance(instance, float) else Decimal(instance)
    if abs(value) > MAX_AMOUNT:
        yield ValidationError("melebihi nilai maksimum 999 miliar")
    elif value.as_tuple().exponent < -6:
        yield ValidationError("boleh memiliki paling banyak 6 digit desimal")


def _date(validator, _on, instance, schema):
    if not isinstance(instance, str) or instance == "":
        return
    try:
        if not DATE.match(instance):
            raise ValueError(instance)
        datetime.strptime(instance, "%d/%m/%Y")
    except ValueError:
        # "tanggal ... tidak valid": isacc's errors.explain reads it as the date reason.
        yield ValidationError(f'berisi tanggal "{instance}" yang tidak valid, '
                              f"gunakan format dd/MM/yyyy")


Validator = validators.extend(Draft7Validator, {
    "required": _required, "additionalProperties": _additional, "type": _type,
    "enum": _enum, "x-amount": _amount, "x-date": _date,
})


def _body_schema(module: str, action: str) -> dict | None:
    op = operation(module, action)
    body = (op or {}).get("requestBody", {}).get("content", {}).get("application/json", {})
    return body.get("schema")


@cache
def _validator(module: str, action: str) -> Validator | None:
    """The check of one save body: for bulk-save, of one entry of its `data`."""
    schema = _body_schema(module, action)
    if schema is None:
        return None
    if action == "bulk-save":
        data = schema.get("properties", {}).get("data", {})
        entry = dict(data.get("items") or {})
        entry["required"] = sorted({*entry.get("required", []), *data.get("required", [])})
        schema = entry
    return Validator(_tighten(schema, module, top=True))


def _field(path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _from_form(schema: dict, value):
    """A form post's text read as the schema's number or true/false."""
    kind = schema.get("type")
    if isinstance(value, dict) and isinstance(schema.get("properties"), dict):
        return {k: _from_form(schema["properties"].get(k, {}), v) for k, v in value.items()}
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [_from_form(schema["items"], v) for v in value]
    if not isinstance(value, str):
        return value
    if kind in ("number", "integer"):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return value
        if not number.is_finite():
            return value
        return int(number) if number == number.to_integral_value() and "." not in value \
            else float(value)
    if kind == "boolean" and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


def body_problems(module: str, action: str, body, *, form: bool = False) -> list[str]:
    """Accurate's messages for what is wrong with one save (or one bulk-save entry); [] if
    nothing is, or if the spec describes no body for this call."""
    validator = _validator(module, action)
    if validator is None:
        return []
    if not isinstance(body, dict):
        return ["Data harus berupa objek"]
    if form:
        body = _from_form(validator.schema, body)
    errors = sorted(validator.iter_errors(body), key=lambda e: _field(e.absolute_path))
    return list(dict.fromkeys(f"Field {_field(e.absolute_path)} {e.message}" for e in errors))


@cache
def _parameters(module: str, action: str) -> dict[str, dict]:
    op = operation(module, action) or {}
    return {p["name"]: p.get("schema", {}) for p in op.get("parameters", [])
            if p.get("in") == "query"}


def _value_problem(schema: dict, value: str) -> str | None:
    kind = schema.get("type")
    if kind == "array":
        return _value_problem(schema.get("items") or {}, value)
    if kind == "integer" and not re.fullmatch(r"-?\d+", value.strip()):
        return TYPE_WORDS["integer"]
    if kind == "number":
        try:
            Decimal(value.strip())
        except InvalidOperation:
            return TYPE_WORDS["number"]
    if kind == "boolean" and value.lower() not in ("true", "false"):
        return TYPE_WORDS["boolean"]
    if schema.get("enum") and value not in schema["enum"]:
        return f'"{value}" tidak valid, harus salah satu dari: {", ".join(schema["enum"])}'
    return None


def query_problems(module: str, action: str, query: dict[str, list[str]]) -> list[str]:
    """Accurate's messages for the query of a call: each parameter must be one the spec names
    for it (`filter.number.val[1]` is `filter.number.val`), with a value of its type."""
    known = _parameters(module, action)
    problems = []
    for name, values in query.items():
        schema = known.get(INDEX.sub("", name))
        if schema is None:
            problems.append(f"Parameter {name} tidak dikenal")
            continue
        for value in values:
            problem = _value_problem(schema, value)
            if problem:
                problems.append(f"Parameter {name} {problem}")
    return list(dict.fromkeys(problems))
