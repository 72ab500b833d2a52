"""`rq worker --worker-class jobs.worker.Worker isacc`: RQ's forking worker with isacc loaded
once, in the parent.

RQ forks a work horse for each job. Forked from a plain `rq worker`, every horse imported
isacc and built the app itself: profiling bench.sync_throughput showed workers spending
about 40 % of their time there. Forked from a parent that has both, a job starts at once and
still runs in its own process (a crash or time-out kills the horse, not the worker).
"""

import os
import sys

from rq import Worker as RQWorker

from isacc.extensions import db
from isacc.sync.lanes import QUEUE
from jobs.sync import worker_app


class Worker(RQWorker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        worker_app()

    def main_work_horse(self, job, queue):
        # Pooled connections must not be shared across a fork: the horse opens its own.
        with worker_app().app_context():
            db.engine.dispose(close=False)
        super().main_work_horse(job, queue)


def worker_command(redis_url: str, *options: str) -> list[str]:
    """The command line of one worker process: this interpreter's RQ, this worker class,
    isacc's queue."""
    return [sys.executable, "-m", "rq.cli", "worker", "--url", redis_url,
            "--worker-class", "jobs.worker.Worker", *options, QUEUE]


def worker_environment(config, *, redis_url: str, accurate_url: str, **extra: str) -> dict:
    """What a worker process started beside an app needs to act for it: the same database,
    Redis, keys and Accurate (benchmarks and chaos tests start their own workers)."""
    return dict(os.environ, DATABASE_URL=config["SQLALCHEMY_DATABASE_URI"],
                REDIS_URL=redis_url, SECRET_KEY=config["SECRET_KEY"],
                ENCRYPTION_KEYS=config["ENCRYPTION_KEYS"], ACCURATE_ACCOUNT_URL=accurate_url,
                **extra)
