"""list.do's filters and sorting as Accurate applies them: values compared as what they are
(dd/MM/yyyy dates and dd/MM/yyyy HH:mm:ss timestamps as moments, numbers as numbers, the
rest as text), `filter.<field>.op` with `val` (or `val[0]`, `val[1]`), `keywords`, and
`sp.sort` as `field|asc;other|desc` (accurate-api.md 3)."""

from datetime import datetime

DATE, STAMP = "%d/%m/%Y", "%d/%m/%Y %H:%M:%S"


def typed(value):
    """(kind, value) for comparing: ("time", datetime), ("date", datetime at midnight),
    ("number", float) or ("text", text)."""
    if isinstance(value, bool):
        return "text", str(value).lower()
    if isinstance(value, int | float):
        return "number", float(value)
    text = "" if value is None else str(value).strip()
    for kind, layout in (("time", STAMP), ("date", DATE)):
        try:
            return kind, datetime.strptime(text, layout)
        except ValueError:
            pass
    try:
        return "number", float(text)
    except ValueError:
        return "text", text


def _comparable(value, bound):
    """The two as values of one kind, or None when they cannot be ordered: a timestamp
    against a date compares its day, so `lastUpdate` BETWEEN two days covers both days."""
    (kind, left), (bound_kind, right) = typed(value), typed(bound)
    if {kind, bound_kind} == {"time", "date"}:
        return left.replace(hour=0, minute=0, second=0), right.replace(hour=0, minute=0,
                                                                       second=0)
    return (left, right) if kind == bound_kind else None


def _compare(value, bound, test) -> bool:
    pair = _comparable(value, bound)
    return pair is not None and test(*pair)


def _between(value, low, high) -> bool:
    return _compare(value, low, lambda v, b: v >= b) and _compare(value, high,
                                                                  lambda v, b: v <= b)


def _equal(value, bound) -> bool:
    """Dates as moments, a stored number as a number; anything else as the exact text, so
    item "001" is not item "1"."""
    kind = typed(value)[0]
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    if kind in ("time", "date") or numeric:
        pair = _comparable(value, bound)
        return pair is not None and pair[0] == pair[1]
    return str("" if value is None else value) == str(bound)


def _empty(value) -> bool:
    return value in (None, "", [])


OPERATORS = {
    "EQUAL": lambda v, a: any(_equal(v, b) for b in a),  # several values: any of them
    "NOT_EQUAL": lambda v, a: not any(_equal(v, b) for b in a),
    "CONTAIN": lambda v, a: str(a[0]).lower() in str("" if v is None else v).lower(),
    "GREATER_THAN": lambda v, a: _compare(v, a[0], lambda x, b: x > b),
    "GREATER_EQUAL_THAN": lambda v, a: _compare(v, a[0], lambda x, b: x >= b),
    "LESS_THAN": lambda v, a: _compare(v, a[0], lambda x, b: x < b),
    "LESS_EQUAL_THAN": lambda v, a: _compare(v, a[0], lambda x, b: x <= b),
    "BETWEEN": lambda v, a: len(a) > 1 and _between(v, a[0], a[1]),
    "NOT_BETWEEN": lambda v, a: len(a) > 1 and not _empty(v) and not _between(v, a[0], a[1]),
    "EMPTY": lambda v, a: _empty(v),
    "NOT_EMPTY": lambda v, a: not _empty(v),
}


def matches(record: dict, filters: dict, keywords: str | None) -> bool:
    for field, condition in filters.items():
        if isinstance(condition, dict):
            op = str(condition.get("op", "EQUAL")).upper()
            values = condition.get("val")
        else:
            op, values = "EQUAL", condition
        values = values if isinstance(values, list) else [values]
        test = OPERATORS.get(op)
        if test is None or not test(record.get(field), values):
            return False
    if keywords:
        text = " ".join(str(v) for v in record.values() if isinstance(v, str | int | float))
        return keywords.lower() in text.lower()
    return True


def _sort_key(value):
    """Missing values last; kinds apart (a number never meets a date)."""
    kind, typed_value = typed(value)
    return (kind, typed_value.lower() if kind == "text" else typed_value)


def sort(records: list[dict], order: str | None) -> list[dict]:
    """`sp.sort` = "transDate|desc;id|asc": by each field in turn; by id when not given."""
    keys = [part.split("|") for part in str(order or "").split(";") if part.strip()]
    ordered = sorted(records, key=lambda r: r.get("id") or 0)
    for name, *direction in reversed(keys):
        field = name.strip()
        descending = bool(direction) and direction[0].strip().lower() == "desc"
        present = [r for r in ordered if not _empty(r.get(field))]
        missing = [r for r in ordered if _empty(r.get(field))]
        present.sort(key=lambda r, f=field: _sort_key(r.get(f)), reverse=descending)
        ordered = present + missing
    return ordered
