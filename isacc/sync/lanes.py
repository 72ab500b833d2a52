"""Who works which lane: at most one worker per lane at a time, and no lane left idle with
work in it.

Every request to work a lane marks it dirty before trying its lock. The holder clears the mark
before each pass and looks at it again after letting the lock go, so work that arrived while
it was busy is never stranded: either its own job got the lock, or the holder sees the mark.

A lane needs at most one job waiting in the queue: it sends everything due when it runs. So
arrivals enqueue a job only when none is waiting (at 50 orders a second, a job per order
was most of the workers' time, forking work horses that found the lane busy). The scheduler's
tick enqueues regardless, which also covers a waiting job lost with its worker.

A lane is worked for a turn (LANE_TURN_SECONDS) and then goes to the back of the queue if
work is left, so with more busy outlets than workers every outlet keeps moving instead of
the first ones holding the workers while orders keep arriving.
"""

import time

import redis
from flask import current_app
from redis.exceptions import LockError, LockNotOwnedError
from rq import Queue

from isacc.extensions import db
from isacc.models import Status, SyncActivity
from isacc.models.base import utcnow
from isacc.redis_conn import get_redis
from isacc.sync.engine import run_lane

QUEUE = "isacc"


def _key(store_id: int, outlet_id: int | None) -> str:
    return f"isacc:lane:{store_id}:{outlet_id if outlet_id is not None else 'store'}"


def queue() -> Queue:
    return Queue(QUEUE, connection=get_redis())


QUEUED_SECONDS = 600


def enqueue_lane(store_id: int, outlet_id: int | None, *, even_if_queued: bool = False) -> None:
    key = _key(store_id, outlet_id)
    # One round trip for both marks: the inbound API pays it on every real-time event.
    _, newly_queued = (get_redis().pipeline(transaction=False)
                       .set(key + ":dirty", 1)
                       .set(key + ":queued", 1, nx=True, ex=QUEUED_SECONDS).execute())
    if newly_queued or even_if_queued:
        queue().enqueue("jobs.sync.work_lane", store_id, outlet_id, result_ttl=0,
                        failure_ttl=7 * 24 * 3600, job_timeout=3600)


def work_lane(store_id: int, outlet_id: int | None) -> None:
    """Work the lane until it has nothing ready, unless another worker already is."""
    redis = get_redis()
    key = _key(store_id, outlet_id)
    redis.delete(key + ":queued")  # from now on, arrivals need a job of their own
    redis.set(key + ":dirty", 1)
    # Not thread-local: the batch's lease renews it from its heartbeat thread.
    lock = redis.lock(key + ":lock", timeout=current_app.config["LANE_LOCK_SECONDS"],
                      thread_local=False)
    turn_ends = time.monotonic() + current_app.config["LANE_TURN_SECONDS"]

    def keep_going() -> bool:
        if time.monotonic() >= turn_ends:
            return False
        try:
            return lock.reacquire()
        except LockError:  # lost meanwhile: another worker may hold the lane now
            return False

    while lock.acquire(blocking=False):
        try:
            redis.delete(key + ":dirty")
            woken = run_lane(store_id, outlet_id, keep_going=keep_going, lock=lock)
        finally:
            _let_go(lock)
        for other in woken:
            enqueue_lane(*other)
        if time.monotonic() >= turn_ends:
            enqueue_lane(store_id, outlet_id)  # the turn is over: to the back of the queue
            return
        if not redis.exists(key + ":dirty"):
            return


def _let_go(lock) -> None:
    """A lock that lapsed or was taken while the lane ran is simply not ours to release: the
    lease stopped the lane before its next call, and outcomes were written only for rows
    still claimed."""
    try:
        lock.release()
    except LockNotOwnedError:
        current_app.logger.warning("lane lock %s was lost while its lane ran", lock.name)


def lanes_due(store_id: int | None = None) -> set[tuple[int, int | None]]:
    """Lanes with due pending activities nobody holds (of one store, or of all): what the
    scheduler tick and the reconciler enqueue (after a Redis loss, a crash, or a scheduled
    time arriving), and what a change of settings or connection makes due at once."""
    now = utcnow()
    query = db.select(SyncActivity.store_id, SyncActivity.outlet_id).distinct().where(
        SyncActivity.status == Status.PENDING, SyncActivity.due_at <= now,
        (SyncActivity.claimed_until.is_(None)) | (SyncActivity.claimed_until < now))
    if store_id is not None:
        query = query.where(SyncActivity.store_id == store_id)
    return {(row.store_id, row.outlet_id) for row in db.session.execute(query)}


def wake(lanes: set[tuple[int, int | None]]) -> None:
    """Send due work to the workers now, from a web request. Without Redis it waits for the
    reconciler's next pass: the rows are stored, so nothing is lost."""
    try:
        for lane in lanes:
            enqueue_lane(*lane)
    except redis.RedisError:
        current_app.logger.warning("Redis unavailable: %d lane(s) left to the reconciler",
                                   len(lanes))


def dispatch_due() -> int:
    lanes = lanes_due()
    for lane in lanes:
        enqueue_lane(*lane, even_if_queued=True)
    return len(lanes)
