"""Failed sign-ins counted per e-mail and per address, shared by every web process in Redis."""

import math
import time

import redis
from flask import current_app

from isacc.redis_conn import get_redis

# When Redis is down the web app keeps its own count, so throttling weakens to one
# process instead of disappearing.
_local: dict[str, list[float]] = {}


def _keys(email: str, address: str) -> list[str]:
    return [f"isacc:login:email:{email.strip().lower()}", f"isacc:login:addr:{address}"]


def _window() -> int:
    return current_app.config["LOGIN_WINDOW_SECONDS"]


def seconds_locked(email: str, address: str) -> int:
    """How long sign-in stays refused for this e-mail or address (0: not locked)."""
    limit = current_app.config["LOGIN_ATTEMPTS"]
    try:
        r = get_redis()
        waits = []
        for key in _keys(email, address):
            count = int(r.get(key) or 0)
            if count >= limit:
                waits.append(max(r.ttl(key), 1))
        return max(waits, default=0)
    except redis.RedisError:
        now = time.time()
        waits = []
        for key in _keys(email, address):
            recent = [t for t in _local.get(key, []) if now - t < _window()]
            _local[key] = recent
            if len(recent) >= limit:
                waits.append(math.ceil(_window() - (now - recent[0])))
        return max(waits, default=0)


def record_failure(email: str, address: str) -> None:
    try:
        pipe = get_redis().pipeline()
        for key in _keys(email, address):
            pipe.incr(key)
            pipe.expire(key, _window(), nx=True)
        pipe.execute()
    except redis.RedisError:
        for key in _keys(email, address):
            _local.setdefault(key, []).append(time.time())


def clear(email: str, address: str) -> None:
    """A successful sign-in forgets the e-mail's failures (not the address's)."""
    key = _keys(email, address)[0]
    try:
        get_redis().delete(key)
    except redis.RedisError:
        _local.pop(key, None)
