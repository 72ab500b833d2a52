"""`make run`: migrate, load the demo on a fresh database, start the web app, print the way in."""

import os
import signal
import subprocess
import sys

from flask_migrate import upgrade

from isacc import create_app
from isacc.demo import DEMO_LOGINS, build_demo, demo_exists
from isacc.redis_conn import redis_available


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
        redis_up = redis_available()
        redis_url = app.config["REDIS_URL"]

    if redis_up:
        print(f"Redis: {redis_url}")
    else:
        print(f"Redis is not reachable at {redis_url}: sign-in throttling is kept per process "
              "until it is. Start Redis and restart `make run` for the full set-up.")
    print(f"\n  isacc is running at http://{host}:{port}/\n")
    for email, password, role, _name in DEMO_LOGINS:
        print(f"  {role.value:<8} {email:<28} password: {password}")
    print("\nPress Ctrl-C to stop.\n", flush=True)

    web = subprocess.Popen(  # noqa: S603 - our own interpreter and module, fixed arguments
        [sys.executable, "-m", "flask", "--app", "app", "run", "--host", host, "--port", port],
    )
    # Stopped by Ctrl-C or by a process manager's SIGTERM alike: never leave the server behind.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        return web.wait()
    except KeyboardInterrupt:
        web.terminate()
        return web.wait()


if __name__ == "__main__":
    sys.exit(main())
