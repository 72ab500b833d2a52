"""Every failure isacc meets while sending is one of four outcomes, decided in one table.

An exception that escapes a job leaves rows stuck with no reason, so nothing is left to the
job's luck: each error type the Accurate client, the limiter, the locks, the token refresh
and the database can raise has its outcome here, and tests/test_outcomes.py walks every one.
"""

import enum

import redis
import requests
from sqlalchemy.exc import SQLAlchemyError

from isacc.accurate.errors import (
    AccurateError,
    FinalError,
    MappingNeeded,
    NotConnected,
    ReconnectRequired,
    RetryableError,
    ScopeMissing,
    SessionExpired,
    TokenInvalid,
    WrongAddress,
)
from isacc.accurate.limiter import LimiterTimeout
from isacc.reasons import Said, say


class Outcome(enum.StrEnum):
    # Try the same again after a backoff; counts against the row's retry budget.
    RETRY_LATER = "retry later"
    # Only the owner can mend it (connect, reconnect, approve a scope): rows wait with the
    # reason, are not counted as attempts, and go by themselves once it is mended.
    WAIT_FOR_OWNER = "wait for the owner"
    # This document's data is refused: Failed, with the reason and the next step.
    FAIL_DOCUMENT = "fail the document"
    # A refusal of a whole batch call that one bad document may have caused: send the
    # batch's documents one by one, so each gets its own outcome.
    SPLIT_BATCH = "split the batch"


# Most specific first: the first class an error is an instance of decides.
TABLE: list[tuple[type[BaseException], Outcome]] = [
    (RetryableError, Outcome.RETRY_LATER),  # 429, 5xx, time-outs, dropped connections
    # A second 401 after a refresh, or a session renewed and refused again: the next pass
    # refreshes or reopens afresh.
    (TokenInvalid, Outcome.RETRY_LATER),
    (SessionExpired, Outcome.RETRY_LATER),
    (NotConnected, Outcome.WAIT_FOR_OWNER),
    (ReconnectRequired, Outcome.WAIT_FOR_OWNER),
    (ScopeMissing, Outcome.WAIT_FOR_OWNER),
    (WrongAddress, Outcome.WAIT_FOR_OWNER),
    (MappingNeeded, Outcome.WAIT_FOR_OWNER),
    # Accurate refused the data: the one document, or a batch that one of them spoiled.
    (FinalError, Outcome.SPLIT_BATCH),
    (LimiterTimeout, Outcome.RETRY_LATER),
    # Locks: the refresh lock not had in time, a lane lock lost. Rows the worker still holds
    # go back as due; the conditional write keeps a lost claim from being written.
    (redis.exceptions.LockError, Outcome.RETRY_LATER),
    (redis.RedisError, Outcome.RETRY_LATER),
    (SQLAlchemyError, Outcome.RETRY_LATER),
    (requests.RequestException, Outcome.RETRY_LATER),
    (AccurateError, Outcome.RETRY_LATER),
    # Anything else is a fault of isacc's own: retried within the budget (the outcome of a
    # call it interrupted is unknown), then Failed with its name, never stuck.
    (Exception, Outcome.RETRY_LATER),
]


def outcome_of(error: BaseException, *, documents: int = 1) -> Outcome:
    """The outcome of `error` for a call carrying `documents` documents."""
    outcome = next(outcome for kind, outcome in TABLE if isinstance(error, kind))
    if outcome is Outcome.SPLIT_BATCH and documents <= 1:
        return Outcome.FAIL_DOCUMENT
    return outcome


def as_accurate_error(error: BaseException) -> AccurateError:
    """The error with a reason and next step a shop owner can read."""
    if isinstance(error, AccurateError):
        return error
    if isinstance(error, LimiterTimeout):
        return RetryableError(say("isacc waited too long for its turn to call Accurate."))
    if isinstance(error, redis.RedisError | SQLAlchemyError):
        return RetryableError(say("isacc's own storage was briefly unavailable."))
    return RetryableError(Said(say("isacc met an unexpected problem (%(problem)s).",
                                   problem=type(error).__name__).parts))
