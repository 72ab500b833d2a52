"""A JSON request body read at the boundary, for the inbound API and Accurate's webhooks:
valid JSON, nested no deeper than any event needs, and text the databases can keep
(PostgreSQL refuses the NUL character, and neither database takes half a surrogate pair)."""

import hashlib
import json

# Events nest five levels (event, products, a product, its stock, a level) and Accurate's
# envelopes four; deeper is no event, and Python's parser gives up near 1,000.
MAX_DEPTH = 32


class BodyUnreadable(ValueError):
    """What is wrong with a body, in words for whoever sent it."""


def read_json(raw: bytes):
    """The body's JSON value; BodyUnreadable says what is wrong with it."""
    try:
        value = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BodyUnreadable(f"the body is not valid JSON: {error}") from None
    except RecursionError:
        raise BodyUnreadable(f"the body nests deeper than {MAX_DEPTH} levels") from None
    check(value)
    return value


def digest(value) -> str:
    """SHA-256 of the value's JSON with sorted keys: the same for the same content, however
    its keys were ordered or spaced."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _where(path: tuple) -> str:
    return ".".join(str(step) for step in path) or "(body)"


def _check_text(text: str, path: tuple) -> None:
    if "\x00" in text:
        raise BodyUnreadable(f"{_where(path)}: text may not contain the NUL character "
                             f"(\\u0000)")
    if not text.isascii():
        try:
            text.encode()
        except UnicodeEncodeError:
            raise BodyUnreadable(f"{_where(path)}: text holds half of a surrogate pair, "
                                 f"which is no character") from None


def check(value) -> None:
    """BodyUnreadable unless the value nests at most MAX_DEPTH levels and all its text can
    be kept (for values that came some other way than a request body)."""
    # Iterative, so a deep body cannot exhaust the stack while it is being refused.
    stack = [(value, ())]
    while stack:
        item, path = stack.pop()
        if len(path) > MAX_DEPTH:
            raise BodyUnreadable(f"the body nests deeper than {MAX_DEPTH} levels")
        if isinstance(item, str):
            _check_text(item, path)
        elif isinstance(item, dict):
            for key, inner in item.items():
                _check_text(key, (*path, key))
                stack.append((inner, (*path, key)))
        elif isinstance(item, list):
            stack.extend((inner, (*path, n)) for n, inner in enumerate(item))
