"""Liveness and metrics for load balancers and monitoring."""

import hmac

import redis
from flask import Blueprint, Response, current_app, jsonify, request
from sqlalchemy import func, text

from isacc.access import Rule, allow
from isacc.extensions import db
from isacc.models import Status, SyncActivity, WebhookLog
from isacc.models.base import utcnow
from isacc.redis_conn import redis_available
from isacc.sync.lanes import queue

bp = Blueprint("health", __name__)


@bp.route("/healthz")
@allow(Rule.PUBLIC)
def healthz():
    """Is the database and Redis reachable?"""
    try:
        db.session.execute(text("SELECT 1"))
        database = True
    except Exception:  # noqa: BLE001 - any failure means "not healthy", reported below
        database = False
    redis_ok = redis_available()
    healthy = database and redis_ok
    body = {"status": "ok" if healthy else "degraded", "database": database, "redis": redis_ok}
    return jsonify(body), 200 if healthy else 503


@bp.route("/metrics")
@allow(Rule.PUBLIC)
def metrics():
    """Prometheus text: rows by status in both directions, the queue's length, and how long
    the oldest due row has waited (the figure to alert on). With ISACC_METRICS_TOKEN set,
    only a scraper sending it as a bearer token gets an answer."""
    token = current_app.config["METRICS_TOKEN"]
    if token and not hmac.compare_digest(request.headers.get("Authorization", ""),
                                         f"Bearer {token}"):
        return jsonify({"error": "send the metrics token as 'Authorization: Bearer ...'"}), 401
    lines = []
    for name, model in (("isacc_sync_activities", SyncActivity),
                        ("isacc_webhook_rows", WebhookLog)):
        lines.append(f"# TYPE {name} gauge")
        counts = dict(db.session.execute(db.select(model.status, func.count())
                                         .group_by(model.status)).all())
        lines += [f'{name}{{status="{status.value}"}} {counts.get(status, 0)}'
                  for status in Status]
    oldest = db.session.scalar(db.select(func.min(SyncActivity.due_at)).where(
        SyncActivity.status == Status.PENDING, SyncActivity.due_at <= utcnow()))
    waited = (utcnow() - oldest).total_seconds() if oldest else 0
    lines += ["# TYPE isacc_oldest_due_seconds gauge", f"isacc_oldest_due_seconds {waited:.0f}"]
    try:
        waiting = queue().count
    except redis.RedisError:
        waiting = -1  # Redis unreachable: /healthz says so
    lines += ["# TYPE isacc_queue_jobs gauge", f"isacc_queue_jobs {waiting}"]
    return Response("\n".join(lines) + "\n", mimetype="text/plain; version=0.0.4")
