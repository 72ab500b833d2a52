"""Every setting, read from the environment once, with defaults fit for `make run`."""

import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("ISACC_INSTANCE_PATH", ROOT / "instance"))


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message says which and how to set it."""


def _instance_secret(name: str, make) -> str:
    """A secret kept in instance/ so development restarts keep sessions and tokens readable.

    Production must set the variable instead (see `load`).
    """
    INSTANCE.mkdir(parents=True, exist_ok=True)
    path = INSTANCE / name
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


def load(overrides: dict | None = None) -> dict:
    """Build the Flask config mapping from the environment, then apply `overrides` (tests)."""
    env = os.environ.get
    production = env("ISACC_ENV", "development") == "production"

    def secret(var, filename, make):
        value = env(var)
        if value:
            return value
        if production:
            raise ConfigError(f"{var} must be set when ISACC_ENV=production (see .env.example)")
        return _instance_secret(filename, make)

    config = {
        "ISACC_ENV": "production" if production else "development",
        "SECRET_KEY": secret("SECRET_KEY", "secret_key", lambda: secrets.token_hex(32)),
        # Comma-separated Fernet keys: the first encrypts, all decrypt, so a key can be
        # rotated without downtime by prepending the new one.
        "ENCRYPTION_KEYS": secret(
            "ENCRYPTION_KEYS", "encryption_key", lambda: Fernet.generate_key().decode()
        ),
        "SQLALCHEMY_DATABASE_URI": _database_url(env("DATABASE_URL")),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": env("REDIS_URL", "redis://127.0.0.1:6379/0"),
        # Set by `make run` where Redis is not reachable: Accurate's limit and the refresh
        # locks are kept in each process (the web app's and the local worker's).
        "WITHOUT_REDIS": env("ISACC_WITHOUT_REDIS", "") == "1",
        "ACCURATE_ACCOUNT_URL": env("ACCURATE_ACCOUNT_URL", "http://127.0.0.1:5100"),
        "ACCURATE_CLIENT_ID": env("ACCURATE_CLIENT_ID", "isacc-sandbox"),
        "ACCURATE_CLIENT_SECRET": env("ACCURATE_CLIENT_SECRET", "isacc-sandbox-secret"),
        # iSeller's OAuth host (https://isellershop.com) and the app registered with iSeller;
        # the defaults are the iSeller sandbox's.
        "ISELLER_OAUTH_URL": env("ISELLER_OAUTH_URL", "http://127.0.0.1:5200"),
        "ISELLER_CLIENT_ID": env("ISELLER_CLIENT_ID", "15acc0de15acc0de15acc0de15acc0de"),
        "ISELLER_CLIENT_SECRET": env("ISELLER_CLIENT_SECRET", "secret-isacc-sandbox"),
        # Orders a GetOrders page when catching up ([C e5]: 100-200 is common).
        "ISELLER_PAGE_SIZE": int(env("ISACC_ISELLER_PAGE_SIZE", "100")),
        # How long a worker's claim on a row, and its hold on a lane, last without renewal:
        # the time a killed worker's work waits before another worker takes it over.
        "CLAIM_SECONDS": int(env("ISACC_CLAIM_SECONDS", "300")),
        "LANE_LOCK_SECONDS": int(env("ISACC_LANE_LOCK_SECONDS", "300")),
        # How long a worker stays on one outlet's lane before letting the others have a turn.
        "LANE_TURN_SECONDS": float(env("ISACC_LANE_TURN_SECONDS", "1")),
        # Retryable failures (429, 5xx, time-outs) back off up to this long between attempts,
        # and fail the row, visibly, after this many attempts (about 20 minutes of trying).
        "RETRY_CAP_SECONDS": float(env("ISACC_RETRY_CAP_SECONDS", "60")),
        "RETRY_ATTEMPTS": int(env("ISACC_RETRY_ATTEMPTS", "25")),
        # Documents a worker sends per call: bulk-save takes up to 100; 1 sends one call per
        # document (bench.sync_throughput compares the two).
        "SYNC_BATCH": min(100, max(1, int(env("ISACC_SYNC_BATCH", "100")))),
        # How often an open table or status panel asks for changes (a cheap "nothing new"
        # answer when nothing changed).
        "LIVE_POLL_SECONDS": int(env("ISACC_LIVE_POLL_SECONDS", "4")),
        # Set: /metrics answers only a scraper sending it as a bearer token.
        "METRICS_TOKEN": env("ISACC_METRICS_TOKEN", ""),
        "LOGIN_ATTEMPTS": int(env("ISACC_LOGIN_ATTEMPTS", "10")),
        "LOGIN_WINDOW_SECONDS": int(env("ISACC_LOGIN_WINDOW_SECONDS", "900")),
        # Cookies: never readable by scripts, not sent on cross-site posts, HTTPS-only in
        # production (development serves plain HTTP on localhost).
        "SESSION_COOKIE_NAME": "isacc_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "PERMANENT_SESSION_LIFETIME": int(env("ISACC_SESSION_SECONDS", str(12 * 3600))),
        "WTF_CSRF_TIME_LIMIT": None,  # tied to the session instead, which already expires
    }
    config.update(overrides or {})
    return config


def _database_url(url: str | None) -> str:
    if not url:
        INSTANCE.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{INSTANCE / 'isacc.sqlite3'}"
    # psycopg 3 is the driver we ship; accept the usual postgres:// spellings.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
