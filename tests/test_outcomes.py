"""One table gives every error its outcome (isacc/outcomes.py): walked here exhaustively, so a
new error type cannot slip through to the catch-all unnoticed."""

import pytest
import redis
import requests
from sqlalchemy.exc import IntegrityError, OperationalError

from isacc.accurate import errors
from isacc.accurate.limiter import LimiterTimeout
from isacc.outcomes import TABLE, Outcome, as_accurate_error, outcome_of
from isacc.sync.documents import MappingProblem


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


EXPECTED = {
    errors.RetryableError: Outcome.RETRY_LATER,
    errors.TokenInvalid: Outcome.RETRY_LATER,
    errors.SessionExpired: Outcome.RETRY_LATER,
    errors.NotConnected: Outcome.WAIT_FOR_OWNER,
    errors.ReconnectRequired: Outcome.WAIT_FOR_OWNER,
    errors.ScopeMissing: Outcome.WAIT_FOR_OWNER,
    errors.WrongAddress: Outcome.WAIT_FOR_OWNER,
    errors.MappingNeeded: Outcome.WAIT_FOR_OWNER,
    errors.FinalError: Outcome.SPLIT_BATCH,
    MappingProblem: Outcome.SPLIT_BATCH,
    errors.AccurateError: Outcome.RETRY_LATER,
    LimiterTimeout: Outcome.RETRY_LATER,
    redis.exceptions.LockError: Outcome.RETRY_LATER,
    redis.exceptions.LockNotOwnedError: Outcome.RETRY_LATER,
    redis.ConnectionError: Outcome.RETRY_LATER,
    redis.TimeoutError: Outcome.RETRY_LATER,
    requests.ConnectionError: Outcome.RETRY_LATER,
    KeyError: Outcome.RETRY_LATER,
}


def _instance(kind):
    if issubclass(kind, OperationalError | IntegrityError):
        return kind("SELECT 1", {}, Exception("gone"))
    return kind()


@pytest.mark.parametrize("kind", list(EXPECTED), ids=lambda k: k.__name__)
def test_each_error_type_has_its_outcome(kind):
    assert outcome_of(_instance(kind), documents=5) is EXPECTED[kind]


def test_every_accurate_error_type_is_in_the_expectations():
    known = set(EXPECTED)
    missing = [k.__name__ for k in _all_subclasses(errors.AccurateError) if k not in known]
    assert not missing, f"decide the outcome of {missing} in isacc/outcomes.py and here"


def test_the_database_failing_is_retried_not_escaped():
    for kind in (OperationalError, IntegrityError):
        assert outcome_of(_instance(kind)) is Outcome.RETRY_LATER


def test_a_refusal_of_one_document_fails_it_and_of_a_batch_splits_it():
    refusal = errors.explain(["Barang \"K-9\" tidak ditemukan"])
    assert outcome_of(refusal, documents=1) is Outcome.FAIL_DOCUMENT
    assert outcome_of(refusal, documents=2) is Outcome.SPLIT_BATCH
    assert outcome_of(errors.ScopeMissing(), documents=1) is Outcome.WAIT_FOR_OWNER


def test_every_table_entry_is_reachable():
    """No entry hidden behind a broader one above it."""
    for index, (kind, _) in enumerate(TABLE):
        shadow = [k for k, _ in TABLE[:index] if issubclass(kind, k)]
        assert not shadow, f"{kind.__name__} is shadowed by {shadow[0].__name__}"


def test_every_outcome_reads_to_a_shop_owner():
    for kind in EXPECTED:
        readable = as_accurate_error(_instance(kind))
        assert str(readable.reason) and str(readable.next_step)
