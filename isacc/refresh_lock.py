"""The per-store lock a token refresh is done under, for Accurate's tokens and iSeller's alike:
held across every worker through Redis, or in-process when isacc runs as one process
without Redis (`make run`)."""

import threading
from contextlib import contextmanager

import redis
from flask import current_app

from isacc.redis_conn import get_redis


def in_one_process() -> bool:
    """The local worker of `make run` without Redis: one process, so in-process limits."""
    return bool(current_app.config.get("ISACC_LOCAL_WORKER"))


@contextmanager
def held(name: str, seconds: float):
    """Held while one store's token is refreshed; `seconds` must outlast the OAuth call. Not
    getting it in time raises LockError (retry later); a lock that lapsed meanwhile is let go
    quietly: whoever took it over compares tokens under it, so nothing is spent twice."""
    if in_one_process():
        with current_app.extensions.setdefault("isacc_local_locks", {}).setdefault(
                name, threading.Lock()):
            yield
        return
    lock = get_redis().lock(name, timeout=seconds, blocking_timeout=seconds)
    if not lock.acquire():
        raise redis.exceptions.LockError(f"{name} not free within {seconds} s")
    try:
        yield
    finally:
        try:
            lock.release()
        except redis.exceptions.LockNotOwnedError:
            current_app.logger.warning("token refresh outlasted its lock %s", name)
