"""The shared limiter, against the real Redis, from several threads and processes."""

import multiprocessing
import threading
import time
import uuid

import pytest
import redis

from isacc.accurate.limiter import LimiterTimeout, Limits, SharedLimiter
from tests.conftest import REDIS_TEST_URL


@pytest.fixture
def prefix():
    """A key space of this test's own: a run just before leaves its stamps for a window."""
    return f"t-limiter-{uuid.uuid4().hex}"


def redis_ms(client: redis.Redis) -> float:
    """Now on the limiter's own clock: Redis's, which the Lua script reads."""
    seconds, micros = client.time()
    return seconds * 1000 + micros / 1000


def hammer(prefix: str, seconds: float, out) -> None:
    client = redis.Redis.from_url(REDIS_TEST_URL)
    limiter = SharedLimiter(client, prefix=prefix)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with limiter.slot("db-1"):
            out.put(redis_ms(client))
            time.sleep(0.01)


def test_no_more_than_eight_requests_in_flight(redis_client, prefix):
    limiter = SharedLimiter(redis_client, Limits(rate=1000, window_ms=1000), prefix=prefix)
    lock = threading.Lock()
    current = peak = 0

    def slow_call():
        nonlocal current, peak
        with limiter.slot("db-1"):
            with lock:
                current += 1
                peak = max(peak, current)
            time.sleep(0.2)
            with lock:
                current -= 1

    threads = [threading.Thread(target=slow_call) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert peak == 8


def test_a_dead_workers_lease_comes_back_while_others_keep_using_the_limiter(redis_client,
                                                                            prefix):
    limits = Limits(rate=1000, window_ms=1000, max_in_flight=2, lease_ms=300)
    limiter = SharedLimiter(redis_client, limits, prefix=prefix)
    # A worker killed mid-request never releases its slot (kept referenced: a collected
    # generator would run its `finally` and release it).
    dead = limiter.slot("db-1")
    dead.__enter__()
    started = time.monotonic()
    lock = threading.Lock()
    current, both_held_at = 0, []

    def live_worker():
        # Each request it makes renews the keys' expiry, so only the lease's own end can
        # free the dead worker's slot, not the key running out.
        nonlocal current
        while time.monotonic() - started < 1.5:
            with limiter.slot("db-1", patience=5):
                with lock:
                    current += 1
                    if current == 2:
                        both_held_at.append(time.monotonic() - started)
                time.sleep(0.03)
                with lock:
                    current -= 1

    workers = [threading.Thread(target=live_worker) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=10)
    assert both_held_at, "the dead worker's slot never came back"
    # Not before its lease of 300 ms ran out: until then the dead worker's slot still counts.
    assert min(both_held_at) >= 0.25, both_held_at


def test_a_slot_held_by_a_dead_worker_frees_itself_when_its_lease_ends(redis_client, prefix):
    limits = Limits(rate=1000, window_ms=1000, max_in_flight=1, lease_ms=300)
    limiter = SharedLimiter(redis_client, limits, prefix=prefix)
    held = limiter.slot("db-1")
    held.__enter__()  # a worker killed mid-request never releases its slot
    started = time.monotonic()
    with limiter.slot("db-1"):
        waited = time.monotonic() - started
    assert 0.2 <= waited < 2.0


def test_no_free_slot_within_patience_raises_limiter_timeout(redis_client, prefix):
    limiter = SharedLimiter(redis_client, Limits(rate=1000, window_ms=1000, max_in_flight=1),
                            prefix=prefix)
    with limiter.slot("db-1"):
        started = time.monotonic()
        with pytest.raises(LimiterTimeout, match="database db-1"), limiter.slot("db-1",
                                                                                patience=0.3):
            pass
        # It waited for the slot to come free, and gave up near its patience, not at once.
        assert 0.2 <= time.monotonic() - started < 2.0


def test_a_wait_longer_than_patience_raises_at_once(redis_client, prefix):
    limiter = SharedLimiter(redis_client, Limits(rate=1, window_ms=10_000), prefix=prefix)
    with limiter.slot("db-1"):
        pass
    started = time.monotonic()
    # The next rate slot is ten seconds away: no use sleeping through a patience of two.
    with pytest.raises(LimiterTimeout), limiter.slot("db-1", patience=2):
        pass
    assert time.monotonic() - started < 0.5


def test_a_wait_of_under_a_second_longer_than_patience_raises_at_once(redis_client, prefix):
    limiter = SharedLimiter(redis_client, Limits(rate=1, window_ms=800), prefix=prefix)
    with limiter.slot("db-1"):
        pass
    started = time.monotonic()
    # The next slot is 0.8 s away, past a patience of 0.2: given up now, not after a sleep.
    with pytest.raises(LimiterTimeout), limiter.slot("db-1", patience=0.2):
        pass
    assert time.monotonic() - started < 0.15


def test_a_released_slot_is_free_at_once(redis_client, prefix):
    limiter = SharedLimiter(redis_client, Limits(rate=1000, window_ms=1000, max_in_flight=1),
                            prefix=prefix)
    with limiter.slot("db-1"):
        pass
    started = time.monotonic()
    with limiter.slot("db-1", patience=0.01):
        assert time.monotonic() - started < 0.1


def test_databases_do_not_share_a_limit(redis_client, prefix):
    limiter = SharedLimiter(redis_client, Limits(max_in_flight=1), prefix=prefix)
    with limiter.slot("db-1"):
        started = time.monotonic()
        with limiter.slot("db-2"):
            assert time.monotonic() - started < 0.1


def test_four_processes_together_keep_to_eight_a_window_and_reach_it(redis_client, prefix):
    limits = Limits()
    queue = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=hammer, args=(prefix, 3.0, queue))
               for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    stamps = sorted(queue.get() for _ in range(queue.qsize()))
    # Accurate counts a second; the limiter's window is 100 ms longer, so a stamp read a
    # little after its slot was taken still lands in the right second.
    for i, start in enumerate(stamps):
        in_second = [t for t in stamps[i:] if t < start + 1000]
        assert len(in_second) <= limits.rate, (start, in_second)
    # ...and the limit is used, not just respected: eight in each window of the run's three
    # (at 0, 1.1 and 2.2 s); a limiter at half that rate gets at most 16. The first window
    # holds at least eight stamps (a ninth may be read into it when the first stamp was read
    # late on a loaded machine: the one-second check above is the bound).
    assert len(stamps) >= 3 * limits.rate - 2, stamps
    first_window = [t for t in stamps if t < stamps[0] + limits.window_ms]
    assert len(first_window) >= limits.rate
