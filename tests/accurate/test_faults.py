"""Under injected faults every document ends in Accurate exactly once."""

import time
from collections import Counter

import pytest
import requests

from isacc.accurate.errors import FinalError, RetryableError, ScopeMissing, WrongAddress
from isacc.accurate.limiter import SharedLimiter
from tests.conftest import SandboxServer

NO_WAIT = {"sleep": lambda seconds: None}


def customer(n):
    return {"customerNo": f"F-{n:03d}", "name": f"Pelanggan {n}", "transDate": "24/11/2026"}


def numbers_in_sandbox(client) -> Counter:
    return Counter(row["customerNo"] for row in client.list("customer", fields="customerNo")
                   if row["customerNo"].startswith("F-"))


@pytest.mark.parametrize("faults", [
    {"error_rate": 0.3, "status": 500, "seed": 1},
    {"error_rate": 0.3, "status": 429, "seed": 2},
    {"drop_rate": 0.3, "seed": 3},
    {"error_rate": 0.1, "status": 503, "drop_rate": 0.1, "commit_then_fail_rate": 0.1, "seed": 4},
])
def test_every_document_is_saved_once_through_30_percent_faults(sandbox, connected, faults,
                                                                redis_client):
    # The shared limiter keeps the retries themselves inside Accurate's limit.
    connected.client.limiter = SharedLimiter(redis_client, prefix=f"t-faults-{faults['seed']}")
    sandbox.admin("faults", faults)
    for n in range(24):
        connected.client.save_once("customer", customer(n), number=f"F-{n:03d}", attempts=20,
                                   **NO_WAIT)
    sandbox.admin("faults", {})
    saved = numbers_in_sandbox(connected.client)
    assert len(saved) == 24 and set(saved.values()) == {1}
    assert sandbox.violations() == 0


def test_after_commit_then_fail_the_retry_finds_the_document(sandbox, connected):
    sandbox.admin("faults", {"commit_then_fail_rate": 1.0})
    with pytest.raises(RetryableError) as lost:
        connected.client.save("customer", customer(1))
    assert lost.value.unknown_outcome
    # The answer was lost, but the document is in Accurate: the retry adopts it.
    found = connected.client.save_once("customer", customer(1), number="F-001",
                                       look_up_first=True, **NO_WAIT)
    sandbox.admin("faults", {})
    assert found["customerNo"] == "F-001"
    assert numbers_in_sandbox(connected.client) == {"F-001": 1}


def test_a_time_out_is_retryable_with_unknown_outcome(sandbox, connected):
    sandbox.admin("faults", {"slow_rate": 1.0, "slow_seconds": 1.5})
    connected.client.timeout = (2, 0.5)
    with pytest.raises(RetryableError) as slow:
        connected.client.save("customer", customer(2))
    sandbox.admin("faults", {})
    assert slow.value.unknown_outcome and "did not answer in time" in slow.value.reason


def test_sandbox_data_survives_a_restart(tmp_path, connected, sandbox):
    connected.client.save("customer", customer(3))
    sandbox.stop()
    again = SandboxServer(sandbox.data_dir)
    try:
        connected.client.access.host = again.url
        # The token and the session live on too: the same client simply carries on.
        assert connected.client.find_by_number("customer", "F-003")["customerNo"] == "F-003"
        assert connected.client.detail("glaccount", no="1-10103")["name"] == \
            "iSellerPay Clearing"
    finally:
        again.stop()


def test_the_next_calls_to_a_module_are_refused_with_the_status_asked(sandbox, connected):
    sandbox.admin("faults", {"refuse_module": "customer", "refuse_action": "save",
                             "refuse_status": 403, "refuse_count": 2})
    for _ in range(2):
        with pytest.raises(ScopeMissing):
            connected.client.save("customer", customer(4))
    assert numbers_in_sandbox(connected.client) == Counter()  # other actions pass
    assert sandbox.admin("faults")["refuse_count"] == 0
    assert connected.client.save("customer", customer(4))["customerNo"] == "F-004"


@pytest.mark.parametrize(("status", "error"), [
    (200, FinalError), (400, FinalError), (404, WrongAddress), (429, RetryableError),
    (503, RetryableError)])
def test_a_refused_batch_call_gets_accurates_answer_for_its_status(sandbox, connected,
                                                                  status, error):
    sandbox.admin("faults", {"refuse_action": "bulk-save", "refuse_status": status,
                             "refuse_count": 1})
    with pytest.raises(error):
        connected.client.bulk_save("customer", [customer(5), customer(6)])
    assert numbers_in_sandbox(connected.client) == Counter()


@pytest.mark.parametrize("settings", [{"refuse_status": 302}, {"refuse_count": -1},
                                      {"refuse_count": 1.5}, {"refuse_module": 3}])
def test_a_refusal_the_sandbox_cannot_make_is_answered_400(sandbox, settings):
    answer = requests.post(f"{sandbox.url}/sandbox/admin/faults", json=settings, timeout=10)
    assert answer.status_code == 400 and "error" in answer.json()


def test_every_call_takes_the_latency_asked_for(sandbox, connected):
    """Benchmarks see what Accurate costs: each call waits a time drawn between the bounds
    (the lower bound is what can be checked without timing the machine)."""
    sandbox.admin("faults", {"latency_min_ms": 150, "latency_max_ms": 300, "seed": 7})
    assert sandbox.admin("faults", None)["latency_max_ms"] == 300
    for _ in range(3):
        started = time.monotonic()
        connected.client.call("customer", "list", params={"fields": "id"})
        assert time.monotonic() - started >= 0.150
    sandbox.admin("faults", {})
    assert sandbox.admin("faults", None)["latency_min_ms"] == 0


@pytest.mark.parametrize("settings", [{"latency_min_ms": 300, "latency_max_ms": 150},
                                      {"latency_min_ms": -1, "latency_max_ms": 5},
                                      {"latency_max_ms": "fast"}])
def test_a_latency_the_sandbox_cannot_take_is_answered_400(sandbox, settings):
    answer = requests.post(f"{sandbox.url}/sandbox/admin/faults", json=settings, timeout=5)
    assert answer.status_code == 400 and "latency" in answer.json()["error"]
