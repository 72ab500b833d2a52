"""Under injected faults every document ends in Accurate exactly once."""

from collections import Counter

import pytest

from isacc.accurate.errors import RetryableError
from isacc.accurate.limiter import SharedLimiter
from tests.conftest import SandboxServer

NO_WAIT = {"sleep": lambda seconds: None}


def customer(n):
    return {"customerNo": f"F-{n:03d}", "name": f"Pelanggan {n}"}


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
