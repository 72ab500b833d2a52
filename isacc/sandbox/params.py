"""Accurate takes JSON (nested, or with flat keys) and form posts with flat keys such as
`detailItem[0].itemNo`; this turns any of them into one nested dict."""

import re

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _set(target: dict, key: str, value) -> None:
    parts = [(name, int(index) if index else None) for name, index in _PART.findall(key)]
    node = target
    for position, (name, index) in enumerate(parts):
        last = position == len(parts) - 1
        if index is None:
            if last:
                node[name] = value
                return
            following = parts[position + 1]
            node = node.setdefault(name, [] if following[1] is not None else {})
        else:
            while len(node) <= index:
                node.append(None)
            if last:
                node[index] = value
                return
            if node[index] is None:
                node[index] = {} if parts[position + 1][1] is None else []
            node = node[index]


def unflatten(flat: dict) -> dict:
    """{"a[0].b": 1, "c": 2} -> {"a": [{"b": 1}], "c": 2}; nested values pass through."""
    result: dict = {}
    for key, value in flat.items():
        if isinstance(value, dict):
            value = unflatten(value)
        elif isinstance(value, list):
            value = [unflatten(v) if isinstance(v, dict) else v for v in value]
        _set(result, key, value)
    return _compact(result)


def _compact(value):
    if isinstance(value, dict):
        return {k: _compact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_compact(v) for v in value if v is not None]
    return value
