"""The one Redis connection per app (queue, shared limits)."""

import redis
from flask import current_app


def get_redis() -> redis.Redis:
    app = current_app._get_current_object()
    client = app.extensions.get("isacc_redis")
    if client is None:
        client = app.extensions["isacc_redis"] = redis.Redis.from_url(
            app.config["REDIS_URL"], socket_connect_timeout=2, socket_timeout=5
        )
    return client


def redis_available() -> bool:
    try:
        return bool(get_redis().ping())
    except redis.RedisError:
        return False
