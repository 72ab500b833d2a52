"""The webhook side of the scheduler's minute tick: per-store due checks (the renewal daily,
the catch-up hourly) and the reconciler for rows and notices whose time came."""

from datetime import timedelta

from rq import Queue

from isacc.extensions import db
from isacc.models import AccurateConnection, ConnectionStatus, Status, WebhookLog
from isacc.models.base import utcnow
from isacc.redis_conn import get_redis
from isacc.sync.lanes import QUEUE
from isacc.webhooks import catch_up
from isacc.webhooks.lane import enqueue_store

# Set when a job is enqueued, so the next ticks do not enqueue it again; if the job is lost
# (Redis emptied, worker killed) it is simply tried again after this long.
LOST_JOB_AFTER = timedelta(hours=1)


def stores_due(now) -> set[int]:
    """Stores with pending rows whose time came, or notices iSeller is still owed."""
    pending = db.select(WebhookLog.store_id).where(
        WebhookLog.status == Status.PENDING, WebhookLog.due_at <= now)
    owed = db.select(WebhookLog.store_id).where(WebhookLog.notice_due_at <= now)
    return set(db.session.scalars(pending.union(owed)).all())


def tick() -> dict:
    """Enqueue what is due; returns what was enqueued, by kind."""
    now = utcnow()
    queue = Queue(QUEUE, connection=get_redis())
    enqueued = {"lanes": 0, "renewals": 0, "catch_ups": 0}
    for store_id in stores_due(now):
        enqueue_store(store_id)
        enqueued["lanes"] += 1
    connections = db.session.scalars(db.select(AccurateConnection).where(
        AccurateConnection.database_id.is_not(None),
        AccurateConnection.status == ConnectionStatus.CONNECTED)).all()
    jobs = []
    for connection in connections:
        if connection.webhook_renew_due_at is None or connection.webhook_renew_due_at <= now:
            connection.webhook_renew_due_at = now + LOST_JOB_AFTER
            jobs.append(("jobs.webhooks.renew", connection.store_id, "renewals"))
        if connection.webhook_catch_up_due_at is None or \
                connection.webhook_catch_up_due_at <= now:
            connection.webhook_catch_up_due_at = now + catch_up.EVERY
            jobs.append(("jobs.webhooks.catch_up", connection.store_id, "catch_ups"))
    db.session.commit()
    for function, store_id, kind in jobs:
        queue.enqueue(function, store_id, result_ttl=0, failure_ttl=7 * 24 * 3600,
                      job_timeout=600)
        enqueued[kind] += 1
    return enqueued

