"""`rq worker --worker-class jobs.worker.Worker isacc`: RQ's forking worker with isacc loaded
once, in the parent.

RQ forks a work horse for each job. Forked from a plain `rq worker`, every horse imported
isacc and built the app itself: profiling bench.sync_throughput showed workers spending
about 40 % of their time there. Forked from a parent that has both, a job starts at once and
still runs in its own process (a crash or time-out kills the horse, not the worker).
"""

from rq import Worker as RQWorker

from isacc.extensions import db
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
