"""RQ jobs of the sync engine: thin wrappers that open the app and call isacc.sync."""

from contextlib import nullcontext
from functools import cache

from flask import has_app_context

from isacc import create_app
from isacc.sync import lanes


@cache
def worker_app():
    """The app a worker process opens once (jobs.worker.Worker opens it before forking)."""
    return create_app()


def _context():
    # A job run inside an app (the in-process worker of `make run` without Redis, the
    # tests) uses that app.
    return nullcontext() if has_app_context() else worker_app().app_context()


def work_lane(store_id: int, outlet_id: int | None) -> None:
    with _context():
        lanes.work_lane(store_id, outlet_id)


def dispatch_due() -> int:
    """The scheduler's minute tick and the reconciler: enqueue every lane with due work."""
    with _context():
        return lanes.dispatch_due()
