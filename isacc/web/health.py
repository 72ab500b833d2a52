"""Liveness for load balancers and monitoring: is the database and Redis reachable?"""

from flask import Blueprint, jsonify
from sqlalchemy import text

from isacc.access import Rule, allow
from isacc.extensions import db
from isacc.redis_conn import redis_available

bp = Blueprint("health", __name__)


@bp.route("/healthz")
@allow(Rule.PUBLIC)
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        database = True
    except Exception:  # noqa: BLE001 - any failure means "not healthy", reported below
        database = False
    redis_ok = redis_available()
    healthy = database and redis_ok
    body = {"status": "ok" if healthy else "degraded", "database": database, "redis": redis_ok}
    return jsonify(body), 200 if healthy else 503
