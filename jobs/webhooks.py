"""RQ jobs of the Accurate -> iSeller side: thin wrappers that open the app and call
isacc.webhooks with ids."""

from isacc.extensions import db
from isacc.models import Store
from isacc.webhooks import catch_up as catch_up_module
from isacc.webhooks import lane, renewal, schedule
from jobs.sync import _context


def work_store(store_id: int) -> None:
    """Apply the store's due webhook rows, then send the notices iSeller is owed."""
    with _context():
        lane.work_store(store_id)


def renew(store_id: int) -> bool:
    with _context():
        store = db.session.get(Store, store_id)
        return store is not None and renewal.renew(store)


def catch_up(store_id: int) -> int:
    with _context():
        store = db.session.get(Store, store_id)
        return catch_up_module.catch_up(store) if store is not None else 0


def tick() -> dict:
    """The scheduler's minute tick for webhooks: renewals, catch-ups, due rows and notices."""
    with _context():
        return schedule.tick()
