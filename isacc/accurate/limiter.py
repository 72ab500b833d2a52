"""Accurate's limit (8 requests a second and 8 at once, per database) shared by every worker
process on every machine, through Redis.

One Lua script takes both a rate slot and an in-flight slot atomically, on Redis's clock, so
workers on machines with skewed clocks still agree. An in-flight slot is a lease: a worker that
dies holding one frees it when the lease runs out.
"""

import threading
import time
import uuid
from collections import defaultdict, deque
from contextlib import contextmanager
from dataclasses import dataclass

import redis

# KEYS[1]: recent request times (sorted set, ms); KEYS[2]: in-flight leases (sorted set,
# score = lease end, ms). ARGV: rate, window_ms, max_in_flight, lease_ms, token.
# Returns 0 when both slots are taken, otherwise how many ms to wait before asking again.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local max_in_flight, lease = tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) >= max_in_flight then
  local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  return math.max(1, math.min(50, tonumber(first[2]) - now))
end
if redis.call('ZCARD', KEYS[1]) >= rate then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + window - now)
end
redis.call('ZADD', KEYS[1], now, ARGV[5])
redis.call('ZADD', KEYS[2], now + lease, ARGV[5])
redis.call('PEXPIRE', KEYS[1], window * 2)
redis.call('PEXPIRE', KEYS[2], lease * 2)
return 0
"""


class LimiterTimeout(Exception):
    """No slot came free within the caller's patience."""


@dataclass(frozen=True)
class Limits:
    rate: int = 8  # requests per window
    # Over Accurate's one second: Accurate counts arrivals, and a request can reach it later
    # than the slot it took (a busy worker, a slow network) while a later one arrives on
    # time. 50 ms was seen too little once under load (a test's in-process sandbox counted
    # 9 in a second); 100 ms costs 5 % of the ceiling.
    window_ms: int = 1100
    max_in_flight: int = 8
    # Longer than any request may take (the client's read time-out is shorter).
    lease_ms: int = 60_000


class SharedLimiter:
    """Blocks until Accurate's limit allows one more request to a database, across processes."""

    def __init__(self, client: redis.Redis, limits: Limits | None = None,
                 prefix: str = "isacc:rl"):
        self.redis = client
        self.limits = limits or Limits()
        self.prefix = prefix
        self._acquire = client.register_script(_ACQUIRE)

    def _keys(self, database: str) -> list[str]:
        return [f"{self.prefix}:{database}:sent", f"{self.prefix}:{database}:in-flight"]

    @contextmanager
    def slot(self, database: str, patience: float = 120.0):
        """Hold one request slot for `database` while the body runs."""
        token = uuid.uuid4().hex
        keys = self._keys(database)
        deadline = time.monotonic() + patience
        limits = self.limits
        while True:
            wait_ms = self._acquire(keys=keys, args=[
                limits.rate, limits.window_ms, limits.max_in_flight, limits.lease_ms, token])
            if wait_ms == 0:
                break
            if time.monotonic() + wait_ms / 1000 > deadline:
                raise LimiterTimeout(f"no Accurate request slot for database {database}")
            time.sleep(wait_ms / 1000)
        try:
            yield
        finally:
            self.redis.zrem(keys[1], token)


class LocalLimiter:
    """The same limits kept inside one process, for the local worker `make run` starts when
    there is no Redis (one process alone cannot share a limit, nor needs to)."""

    def __init__(self, limits: Limits | None = None):
        self.limits = limits or Limits()
        self.lock = threading.Condition()
        self.sent: dict[str, deque] = defaultdict(deque)
        self.in_flight: dict[str, int] = defaultdict(int)

    @contextmanager
    def slot(self, database: str, patience: float = 120.0):
        window = self.limits.window_ms / 1000
        deadline = time.monotonic() + patience
        with self.lock:
            while True:
                now = time.monotonic()
                sent = self.sent[database]
                while sent and sent[0] <= now - window:
                    sent.popleft()
                if len(sent) < self.limits.rate and \
                        self.in_flight[database] < self.limits.max_in_flight:
                    break
                wait = (sent[0] + window - now) if len(sent) >= self.limits.rate else 0.05
                if now + wait > deadline:
                    raise LimiterTimeout(f"no Accurate request slot for database {database}")
                self.lock.wait(wait)
            sent.append(now)
            self.in_flight[database] += 1
        try:
            yield
        finally:
            with self.lock:
                self.in_flight[database] -= 1
                self.lock.notify_all()
