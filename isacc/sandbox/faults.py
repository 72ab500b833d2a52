"""Switchable failures for tests and benchmarks: a share of requests answered 500 or 429,
answered slowly, dropped without an answer, or saved and then answered 500 (the document is
in Accurate but the caller cannot know)."""

import random
import threading
from dataclasses import asdict, dataclass

KNOWN = {"error_rate", "status", "slow_rate", "slow_seconds", "drop_rate",
         "commit_then_fail_rate", "seed"}


@dataclass
class Faults:
    error_rate: float = 0.0
    status: int = 500
    slow_rate: float = 0.0
    slow_seconds: float = 0.0
    drop_rate: float = 0.0
    commit_then_fail_rate: float = 0.0

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
        for name, value in asdict(fresh).items():
            setattr(self, name, value)
        if "seed" in settings:
            self.random.seed(settings["seed"])

    def roll(self, rate: float) -> bool:
        with self.lock:
            return rate > 0 and self.random.random() < rate

    def describe(self) -> dict:
        return asdict(self)
