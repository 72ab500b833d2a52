"""Without Redis, `make run`'s local worker still carries due work to Accurate."""

import threading
import time
from collections import defaultdict, deque
from contextlib import ExitStack

import pytest
from flask import current_app

from isacc.accurate import limiter as limiter_module
from isacc.accurate.limiter import LimiterTimeout, Limits, LocalLimiter
from isacc.local_worker import run_once
from isacc.models import Status


def test_the_local_worker_sends_with_no_redis_at_all(shop):
    invoice_id, receipt_id = shop.order("LOCAL-1")
    current_app.config.update(ISACC_LOCAL_WORKER=True, REDIS_URL="redis://127.0.0.1:1/0")
    current_app.extensions.pop("isacc_redis", None)
    assert run_once() >= 1
    run_once()  # the receipt, once its invoice is in
    assert shop.activity(invoice_id).status == Status.SUCCESS
    assert shop.activity(receipt_id).status == Status.SUCCESS
    assert shop.sandbox.violations() == 0


class Clock:
    """A controlled clock for the local limiter: its time moves only when a caller waits, by
    exactly as long as the caller asked to wait, so every wait can be checked to the
    millisecond. It stands in for both `time.monotonic` and the limiter's condition."""

    def __init__(self):
        self.now = 0.0
        self.waits: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def wait(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds

    def notify_all(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(limiter_module, "time", clock)
    return clock


def limiter_on(clock: Clock, limits: Limits) -> LocalLimiter:
    limiter = LocalLimiter(limits)
    limiter.lock = clock
    return limiter


def test_the_ninth_call_in_a_window_waits_until_the_first_leaves_it(clock):
    limiter = limiter_on(clock, Limits(rate=8, window_ms=1100, max_in_flight=100))
    for _ in range(8):
        with limiter.slot("db"):
            clock.now += 0.01  # each call takes 10 ms
    with limiter.slot("db"):
        # The first call's stamp (0 s) leaves the window at 1.1 s, and not a moment before.
        assert clock.now == pytest.approx(1.1)
    assert clock.waits == [pytest.approx(1.1 - 0.08)]


def test_the_local_limiter_holds_eight_in_flight_until_one_ends(clock):
    limiter = limiter_on(clock, Limits(rate=1000, window_ms=1000, max_in_flight=8))
    with ExitStack() as calls:
        for _ in range(8):  # eight calls that have not answered yet
            calls.enter_context(limiter.slot("db"))
        started = clock.now
        with pytest.raises(LimiterTimeout, match="database db"), limiter.slot("db", patience=1):
            pass
        # A ninth waited for one of them to end, through its whole patience and no longer.
        assert clock.waits and 0.9 <= clock.now - started <= 1.0
        # Another database has its own eight.
        with limiter.slot("db-2", patience=0):
            pass
    clock.waits.clear()
    with limiter.slot("db", patience=0):  # once they answered, a slot is free at once
        assert clock.waits == []


def test_one_of_eight_calls_in_flight_ending_lets_exactly_one_more_in(clock):
    limiter = limiter_on(clock, Limits(rate=1000, window_ms=1000, max_in_flight=8))
    calls = [limiter.slot("db") for _ in range(8)]
    for call in calls:
        call.__enter__()
    calls[0].__exit__(None, None, None)
    # The one that ended made room for one, and for no more: eight are in flight again.
    with limiter.slot("db", patience=0), pytest.raises(LimiterTimeout), \
            limiter.slot("db", patience=0):
        pass
    for call in calls[1:]:
        call.__exit__(None, None, None)


def test_a_wait_longer_than_patience_raises_at_once(clock):
    limiter = limiter_on(clock, Limits(rate=1, window_ms=10_000))
    with limiter.slot("db"):
        pass
    with pytest.raises(LimiterTimeout), limiter.slot("db", patience=2):
        pass
    assert clock.now == 0 and clock.waits == []  # no use sleeping ten seconds for two


def test_the_local_limiter_keeps_eight_a_second_and_eight_in_flight_across_threads():
    limiter = LocalLimiter(Limits(window_ms=1000))
    stamps, lock = [], threading.Lock()
    current = peak = 0

    class Recorded(deque):
        """The moments the limiter lets calls go, as it takes them: a thread descheduled
        between its slot and a stamp of its own would stamp late, and a loaded machine
        then shows nine calls in a second the limiter never let through."""

        def append(self, moment):
            stamps.append(moment)
            super().append(moment)

    limiter.sent = defaultdict(Recorded)

    def call():
        nonlocal current, peak
        with limiter.slot("db"):
            with lock:
                current += 1
                peak = max(peak, current)
            time.sleep(0.3)  # an Accurate request takes time: others are in flight meanwhile
            with lock:
                current -= 1

    started = time.monotonic()
    threads = [threading.Thread(target=call) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    took = time.monotonic() - started
    stamps.sort()
    for i, start in enumerate(stamps):
        assert len([t for t in stamps[i:] if t < start + 0.999]) <= 8
    assert len(stamps) == 20 and peak == 8
    # 20 calls at 8 a second start at 0, 1 and 2 s: over two seconds, and well under the four
    # that a limiter at half the rate would need.
    assert 2.0 <= stamps[-1] - stamps[0] < 3.0
    assert took < 4.0
