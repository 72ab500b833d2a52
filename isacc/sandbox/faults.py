"""Switchable failures for tests and benchmarks: every call taking Accurate's own time (a
latency drawn between two bounds), a share of requests answered 500 or 429, answered slowly,
dropped without an answer, or saved and then answered 500 (the document is in Accurate but
the caller cannot know); and refusals of the next few calls to a module or action, as
Accurate refuses a whole call (403 for a scope the token lacks, 401, 404, or s:false for
the whole batch)."""

import random
import threading
from dataclasses import asdict, dataclass

from isacc.sandbox.common import envelope, failure, invalid_token

KNOWN = {"error_rate", "status", "slow_rate", "slow_seconds", "drop_rate", "latency_min_ms",
         "latency_max_ms",
         "commit_then_fail_rate", "seed", "refuse_module", "refuse_action", "refuse_status",
         "refuse_count"}
# 200 and 400: s:false with a message, as Accurate refuses data; 401: an invalid token;
# 403: a scope the token lacks; 404: an unknown address; 429 and 5xx: as `status`.
REFUSALS = (200, 400, 401, 403, 404, 429, 500, 502, 503, 504)


@dataclass
class Faults:
    error_rate: float = 0.0
    status: int = 500
    slow_rate: float = 0.0
    slow_seconds: float = 0.0
    drop_rate: float = 0.0
    commit_then_fail_rate: float = 0.0
    # Every call takes this long, drawn evenly between the two, while it counts as in flight:
    # what Accurate costs (a few hundred ms), so benchmarks see it (#22).
    latency_min_ms: float = 0.0
    latency_max_ms: float = 0.0
    # The next `refuse_count` calls to `refuse_module` (any, if empty) and `refuse_action`
    # (save, bulk-save, list, detail...; any, if empty) are refused with `refuse_status`.
    refuse_module: str = ""
    refuse_action: str = ""
    refuse_status: int = 403
    refuse_count: int = 0

    def __post_init__(self):
        self.random = random.Random()  # noqa: S311 - fault injection, not secrecy
        self.lock = threading.Lock()

    def configure(self, settings: dict) -> None:
        """Replace the faults with `settings` (an empty dict turns them all off)."""
        unknown = set(settings) - KNOWN
        if unknown:
            raise ValueError(f"unknown fault settings: {', '.join(sorted(unknown))}")
        fresh = Faults(**{k: v for k, v in settings.items() if k != "seed"})
        if fresh.status not in (429, 500, 502, 503, 504):
            raise ValueError("status must be 429 or a 5xx")
        if fresh.refuse_status not in REFUSALS:
            raise ValueError(f"refuse_status must be one of {', '.join(map(str, REFUSALS))}")
        if not isinstance(fresh.refuse_count, int) or fresh.refuse_count < 0:
            raise ValueError("refuse_count must be a whole number, 0 or more")
        if not isinstance(fresh.refuse_module, str) or not isinstance(fresh.refuse_action, str):
            raise ValueError("refuse_module and refuse_action must be text")
        bounds = (fresh.latency_min_ms, fresh.latency_max_ms)
        if not all(isinstance(b, int | float) and not isinstance(b, bool) for b in bounds) \
                or not 0 <= bounds[0] <= bounds[1] <= 60_000:
            raise ValueError("latency_min_ms and latency_max_ms must be numbers with "
                             "0 <= latency_min_ms <= latency_max_ms <= 60000")
        with self.lock:
            for name, value in asdict(fresh).items():
                setattr(self, name, value)
        if "seed" in settings:
            self.random.seed(settings["seed"])

    def roll(self, rate: float) -> bool:
        with self.lock:
            return rate > 0 and self.random.random() < rate

    def latency(self) -> float:
        """This call's delay in seconds (0 when no latency is set)."""
        with self.lock:
            if not self.latency_max_ms:
                return 0.0
            return self.random.uniform(self.latency_min_ms, self.latency_max_ms) / 1000

    def refusal(self, module: str, action: str) -> int | None:
        """The status to refuse this call with, if it is one of the refusals still due."""
        with self.lock:
            if self.refuse_count <= 0 or self.refuse_module not in ("", module) or \
                    self.refuse_action not in ("", action):
                return None
            self.refuse_count -= 1
            return self.refuse_status

    def describe(self) -> dict:
        with self.lock:
            return asdict(self)


def refused(status: int, scope: str):
    """The answer Accurate gives when it refuses a whole call with `status`."""
    if status == 401:
        return invalid_token()
    if status == 403:
        return envelope({"error": "insufficient_scope", "scope": scope}, 403)
    if status == 404:
        return envelope({"s": False, "d": ["URL API tidak tepat"]}, 404)
    return failure("Sandbox: refused", status)
