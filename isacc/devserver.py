"""`make run`: migrate, load the demo on a fresh database, start the web app, print the way in."""

import json
import os
import signal
import subprocess
import sys
from urllib.parse import urlsplit

from flask_migrate import upgrade

from isacc import create_app
from isacc.config import INSTANCE
from isacc.demo import (
    DEMO_LOGINS,
    build_demo,
    demo_exists,
    demo_store,
    items_for_accurate,
    products_for_iseller,
)
from isacc.isellersandbox.settings import DEFAULTS as ISELLER_DEFAULTS
from isacc.models.base import utcnow
from isacc.redis_conn import redis_available
from isacc.sandbox.settings import DEFAULTS, SEED_DATABASES, WEBHOOK_URL_ENV
from jobs.worker import worker_command

SANDBOX_USER, SANDBOX_PASSWORD = DEFAULTS["USER_EMAIL"], DEFAULTS["USER_PASSWORD"]
# The demo's items as an Accurate import file: the sandbox's first database starts with them.
DEMO_ITEMS = INSTANCE / "demo-items.xlsx"
# ...and the iSeller sandbox's store starts with the demo's products.
DEMO_PRODUCTS = INSTANCE / "demo-iseller-products.json"


def _local_sandbox_port(account_url: str) -> str | None:
    """The port to serve the sandbox on when isacc is pointed at a local one (the default)."""
    parts = urlsplit(account_url)
    if parts.hostname in ("127.0.0.1", "localhost") and parts.port:
        return str(parts.port)
    return None


def _base_url(host: str, port: str) -> str:
    """This server's address as seen from this machine."""
    # A server listening on every address is reached on this machine through loopback.
    if host in ("", "0.0.0.0"):  # noqa: S104 - compared, not bound
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def demo_webhook_url(host: str, port: str) -> str:
    """The demo store's Accurate webhook URL on this server. The sandbox sends its notices
    there, so a purchase entered on the sandbox reaches isacc at once, as Accurate's would."""
    return f"{_base_url(host, port)}/webhooks/accurate/{demo_store().webhook_token}"


def callback_url(host: str, port: str) -> str:
    """Where Accurate's consent sends the owner back to on this server: the sandbox's client
    registers it, as an application registers its callback with Accurate."""
    return f"{_base_url(host, port)}/connect/callback"


def iseller_callback_url(host: str, port: str) -> str:
    """The same for iSeller's Grant: the callback registered with the iSeller sandbox."""
    return f"{_base_url(host, port)}/connect/iseller/callback"


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main() -> int:
    host = os.environ.get("ISACC_HOST", "127.0.0.1")
    port = os.environ.get("ISACC_PORT", "5000")
    app = create_app()
    with app.app_context():
        upgrade()
        if not demo_exists():
            build_demo()
            print("Demo store created.")
        webhook_url = demo_webhook_url(host, port)
        DEMO_ITEMS.write_bytes(items_for_accurate(demo_store(), utcnow()))
        DEMO_PRODUCTS.write_text(json.dumps(products_for_iseller(demo_store())))
        redis_up = redis_available()
        redis_url = app.config["REDIS_URL"]

    if redis_up:
        print(f"Redis: {redis_url} (a sync worker and the scheduler run beside the web app)")
    else:
        print(f"Redis is not reachable at {redis_url}: a local worker (no queue, one process, "
              "polling every 2 s) sends to Accurate instead, and sign-in throttling and "
              "Accurate's rate limit are kept per process. Start Redis and restart "
              "`make run` for the production set-up.")
    sandbox_port = _local_sandbox_port(app.config["ACCURATE_ACCOUNT_URL"])
    iseller_url = app.config["ISELLER_OAUTH_URL"].rstrip("/")
    iseller_port = _local_sandbox_port(iseller_url)
    print(f"\n  isacc is running at http://{host}:{port}/")
    if sandbox_port:
        print(f"  Accurate sandbox at {app.config['ACCURATE_ACCOUNT_URL']} "
              f"(sign in there as {SANDBOX_USER} / {SANDBOX_PASSWORD})")
        database_id, alias, _branches = SEED_DATABASES[0]
        print(f"  Purchases entered at {app.config['ACCURATE_ACCOUNT_URL']}/sandbox/db/"
              f"{database_id}/purchase reach the demo store at once when it is connected "
              f"to {alias}")
    else:
        print(f"  Accurate: {app.config['ACCURATE_ACCOUNT_URL']}")
    if iseller_port:
        print(f"  iSeller sandbox at {iseller_url} (sign in there as "
              f"{ISELLER_DEFAULTS['USER_EMAIL']} / {ISELLER_DEFAULTS['USER_PASSWORD']}): "
              f"the till at {iseller_url}/till, Apps -> Webhook at {iseller_url}/apps/webhook")
        print("  Tour: Connect to iSeller and to Accurate (the store's Connect page), map an "
              "outlet, ring up a sale on the till, see it in Sync activity and in Accurate")
    else:
        print(f"  iSeller: {iseller_url}")
    print()
    for email, password, role, _name in DEMO_LOGINS:
        print(f"  {role.value:<8} {email:<28} password: {password}")
    print("\nPress Ctrl-C to stop.\n", flush=True)

    # Without Redis the web app keeps its limits in-process too, as the local worker does:
    # told through the children's environment, never this process's own.
    local = {**os.environ, **({} if redis_up else {"ISACC_WITHOUT_REDIS": "1"})}
    children = [subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "flask", "--app", "app", "run", "--host", host, "--port", port],
        env=local)]
    if sandbox_port:
        children.append(subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "isacc.sandbox", "--host", host, "--port", sandbox_port,
             "--data-dir", str(INSTANCE / "sandbox"), "--seed-items", str(DEMO_ITEMS),
             "--redirect-uri", callback_url(host, port)],
            env={**os.environ, WEBHOOK_URL_ENV: webhook_url}))
    if iseller_port:
        children.append(subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "isacc.isellersandbox", "--host", host, "--port",
             iseller_port, "--data-dir", str(INSTANCE / "iseller-sandbox"),
             "--seed-products", str(DEMO_PRODUCTS),
             "--redirect-uri", iseller_callback_url(host, port)]))
    if redis_up:
        children.append(subprocess.Popen(  # noqa: S603 - our own interpreter and module
            worker_command(redis_url, "--with-scheduler")))
        children.append(subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "rq.cli", "cron", "--url", redis_url, "jobs.cron"]))
    else:
        children.append(subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "isacc.local_worker"], env=local))
    # Stopped by Ctrl-C or by a process manager's SIGTERM alike: never leave a child behind.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        return children[0].wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for child in children:
            child.terminate()
        for child in children:
            child.wait()


if __name__ == "__main__":
    sys.exit(main())
