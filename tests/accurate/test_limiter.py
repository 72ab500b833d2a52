"""The shared limiter, against the real Redis, from several threads and processes."""

import multiprocessing
import threading
import time

import redis

from isacc.accurate.limiter import Limits, SharedLimiter
from tests.conftest import REDIS_TEST_URL


def hammer(prefix: str, seconds: float, out) -> None:
    limiter = SharedLimiter(redis.Redis.from_url(REDIS_TEST_URL), prefix=prefix)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with limiter.slot("db-1"):
            out.put(time.time())
            time.sleep(0.01)


def test_four_processes_together_never_exceed_eight_per_second(redis_client):
    queue = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=hammer, args=("t-rate", 2.5, queue))
               for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    stamps = sorted(queue.get() for _ in range(queue.qsize()))
    # Every window of one second holds at most 8 requests (the limiter leaves a 50 ms margin).
    for i, start in enumerate(stamps):
        in_window = [t for t in stamps[i:] if t < start + 1.0]
        assert len(in_window) <= 8, (start, in_window)
    # ...and the limit is used, not just respected: close to 8 per second overall.
    assert len(stamps) >= 8 * 2


def test_no_more_than_eight_requests_in_flight(redis_client):
    limiter = SharedLimiter(redis_client, Limits(rate=1000, window_ms=1000), prefix="t-flight")
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


def test_a_slot_held_by_a_dead_worker_frees_itself_when_its_lease_ends(redis_client):
    limits = Limits(rate=1000, window_ms=1000, max_in_flight=1, lease_ms=300)
    limiter = SharedLimiter(redis_client, limits, prefix="t-lease")
    held = limiter.slot("db-1")
    held.__enter__()  # a worker killed mid-request never releases its slot
    started = time.monotonic()
    with limiter.slot("db-1"):
        waited = time.monotonic() - started
    assert 0.2 <= waited < 2.0


def test_databases_do_not_share_a_limit(redis_client):
    limiter = SharedLimiter(redis_client, Limits(max_in_flight=1), prefix="t-separate")
    with limiter.slot("db-1"):
        started = time.monotonic()
        with limiter.slot("db-2"):
            assert time.monotonic() - started < 0.1
