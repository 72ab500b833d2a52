"""A store's webhook lane: one worker at a time applies the store's pending rows, oldest
Accurate event first, then sends the notices iSeller is still owed.

Same protocol as the sync lanes (isacc/sync/lanes.py): mark dirty, then try the lock; the
holder looks at the mark again after letting go, so nothing that arrived meanwhile is
stranded. The lock only keeps the order; exactly once does not depend on it (apply.py).
"""

import redis
from flask import current_app
from rq import Queue

from isacc.extensions import db
from isacc.models import Status, WebhookLog
from isacc.models.base import utcnow
from isacc.redis_conn import get_redis
from isacc.sync.lanes import QUEUE
from isacc.webhooks.apply import apply_row
from isacc.webhooks.notify import send_notice


def _key(store_id: int) -> str:
    return f"isacc:webhook-lane:{store_id}"


def queue() -> Queue:
    return Queue(QUEUE, connection=get_redis())


def enqueue_store(store_id: int) -> None:
    get_redis().set(_key(store_id) + ":dirty", 1)
    queue().enqueue("jobs.webhooks.work_store", store_id, result_ttl=0,
                    failure_ttl=7 * 24 * 3600, job_timeout=3600)


def enqueue_store_or_wait(store_id: int) -> None:
    """Enqueue the lane; without Redis the rows are stored and the scheduler's next tick
    finds them, so nothing is lost."""
    try:
        enqueue_store(store_id)
    except redis.RedisError:
        current_app.logger.warning("Redis unavailable: webhook rows of store %s wait for the "
                                   "next tick", store_id)


def work_store(store_id: int) -> None:
    """Work the store's lane until nothing is due, unless another worker already is."""
    work_exclusively(_key(store_id), lambda keep_going: run_store(store_id, keep_going))


def work_exclusively(key: str, run) -> None:
    """Call run(keep_going) under the lane lock `key`, again while work was marked meanwhile
    (iSeller's notice lane uses the same protocol)."""
    client = get_redis()
    client.set(key + ":dirty", 1)
    lock = client.lock(key + ":lock", timeout=current_app.config["LANE_LOCK_SECONDS"])
    while lock.acquire(blocking=False):
        try:
            client.delete(key + ":dirty")
            run(lock.reacquire)
        finally:
            lock.release()
        if not client.exists(key + ":dirty"):
            return


def due_rows(store_id: int, now):
    """Pending rows whose time has come, in the order Accurate saw the events."""
    return (db.select(WebhookLog)
            .where(WebhookLog.store_id == store_id, WebhookLog.status == Status.PENDING,
                   WebhookLog.due_at <= now)
            .order_by(db.func.coalesce(WebhookLog.event_at, WebhookLog.created_at),
                      WebhookLog.id))


def run_store(store_id: int, keep_going=lambda: True) -> None:
    """Apply every due row of the store once, oldest event first, then send owed notices.
    A row that has to wait (Accurate down, not connected) is left to the tick that finds it
    due again, so one pass never spends a row's attempts back to back."""
    tried: set[int] = set()
    while keep_going():
        query = due_rows(store_id, utcnow())
        if tried:
            query = query.where(WebhookLog.id.not_in(tried))
        row = db.session.scalars(query.limit(1)).first()
        if row is None:
            break
        tried.add(row.id)
        apply_row(row)
    owed = db.session.scalars(db.select(WebhookLog.id).where(
        WebhookLog.store_id == store_id, WebhookLog.notice_due_at <= utcnow())
        .order_by(WebhookLog.id)).all()
    for row_id in owed:
        send_notice(row_id)
