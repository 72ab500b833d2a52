"""Without Redis, `make run`'s local worker still carries due work to Accurate."""

import threading
import time

from flask import current_app

from isacc.accurate.limiter import Limits, LocalLimiter
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


def test_the_local_limiter_keeps_eight_a_second_across_threads():
    limiter = LocalLimiter(Limits(window_ms=1000))
    stamps, lock = [], threading.Lock()

    def call():
        with limiter.slot("db"), lock:
            stamps.append(time.monotonic())

    threads = [threading.Thread(target=call) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stamps.sort()
    for i, start in enumerate(stamps):
        assert len([t for t in stamps[i:] if t < start + 0.999]) <= 8
    assert stamps[-1] - stamps[0] >= 2.0  # 20 calls at 8 a second need over two seconds
