"""The per-store lock a token refresh is done under, for Accurate's tokens and iSeller's alike:
held across every worker through Redis, or in-process when isacc runs as one process
without Redis (`make run`)."""

import threading
from contextlib import contextmanager

import redis
from flask import current_app

from isacc.redis_conn import get_redis


def in_one_process() -> bool:
    """`make run` without Redis (its local worker, and its web app beside it): limits and
    locks in-process. Two processes then each keep Accurate's 8 a second; the web app's few
    calls (the mapping form's lists) are what a developer's machine can afford."""
    config = current_app.config
    return bool(config.get("ISACC_LOCAL_WORKER") or config.get("WITHOUT_REDIS"))


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
