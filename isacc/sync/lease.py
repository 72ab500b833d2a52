"""A worker's hold on a batch while it sends it: the rows' claims and the lane lock, renewed
by a heartbeat so a slow Accurate never lets them lapse under a worker that is still working
(Temporal's activity heartbeats are the model).

If a claim or the lock is lost anyway (another worker took the row after a long pause, the
lock was deleted with Redis), `lost` is set: the worker finishes the call in flight, writes
outcomes only for rows it still holds (see send.Pass.record) and stops before the next call.
"""

import logging
import threading
from datetime import timedelta

import redis
from flask import current_app
from sqlalchemy import func, or_, update

from isacc.extensions import db
from isacc.models import Status, SyncActivity
from isacc.models.base import utcnow

log = logging.getLogger(__name__)


class Lease:
    def __init__(self, ids: list[int], worker: str, lock=None):
        self.worker = worker
        self.lock = lock  # a redis Lock made with thread_local=False, or None
        self.claim_seconds = current_app.config["CLAIM_SECONDS"]
        lock_seconds = current_app.config["LANE_LOCK_SECONDS"] if lock is not None else None
        # Three beats per lease: one late beat still keeps it.
        self.interval = max(0.1, min(filter(None, (self.claim_seconds, lock_seconds))) / 3)
        self.lost = threading.Event()
        self._ids = set(ids)
        self._guard = threading.Lock()
        self._stop = threading.Event()
        self._engine = db.engine
        self._thread = threading.Thread(target=self._beat, name="isacc-lease", daemon=True)

    def __enter__(self) -> "Lease":
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()

    def drop(self, ids) -> None:
        """Rows settled (or let go) by the worker: no longer renewed nor watched."""
        with self._guard:
            self._ids.difference_update(ids)

    def _beat(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.renew()
            except (redis.RedisError, db.exc.SQLAlchemyError) as error:
                # One missed beat is covered by the next two; a lost lease is seen by them.
                log.warning("lease renewal failed: %s", error)

    def renew(self) -> None:
        with self._guard:
            ids = sorted(self._ids)
        if self.lock is not None:
            try:
                self.lock.reacquire()
            except redis.exceptions.LockError:
                self.lost.set()
        if not ids:
            return
        until = utcnow() + timedelta(seconds=self.claim_seconds)
        with self._engine.begin() as conn:
            conn.execute(update(SyncActivity).where(
                SyncActivity.id.in_(ids), SyncActivity.claimed_by == self.worker,
                SyncActivity.status == Status.PENDING).values(claimed_until=until))
            taken = conn.execute(db.select(func.count()).where(
                SyncActivity.id.in_(ids), SyncActivity.status == Status.PENDING,
                or_(SyncActivity.claimed_by.is_(None),
                    SyncActivity.claimed_by != self.worker))).scalar()
        if taken:
            self.lost.set()
