"""Accurate's rate limit, per database: requests in the last second and requests in flight.
Every request refused for it is counted, so a benchmark can prove it stayed inside."""

import threading
import time
from collections import defaultdict, deque


class RateLimit:
    def __init__(self, per_second: int, max_in_flight: int):
        self.per_second, self.max_in_flight = per_second, max_in_flight
        self.lock = threading.Lock()
        self.arrivals: dict[int, deque] = defaultdict(deque)
        self.in_flight: dict[int, int] = defaultdict(int)
        self.violations: dict[int, int] = defaultdict(int)
        self.requests: dict[int, int] = defaultdict(int)

    def enter(self, database_id: int) -> bool:
        """Take a place for a request; False (and one more violation) when over the limit."""
        now = time.monotonic()
        with self.lock:
            arrivals = self.arrivals[database_id]
            while arrivals and arrivals[0] <= now - 1.0:
                arrivals.popleft()
            self.requests[database_id] += 1
            if len(arrivals) >= self.per_second or \
                    self.in_flight[database_id] >= self.max_in_flight:
                self.violations[database_id] += 1
                return False
            arrivals.append(now)
            self.in_flight[database_id] += 1
            return True

    def leave(self, database_id: int) -> None:
        with self.lock:
            self.in_flight[database_id] -= 1

    def stats(self) -> dict:
        with self.lock:
            return {str(db): {"requests": self.requests[db], "violations": self.violations[db]}
                    for db in self.requests}

    def reset(self) -> None:
        with self.lock:
            self.arrivals.clear()
            self.violations.clear()
            self.requests.clear()
