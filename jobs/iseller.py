"""RQ jobs of the iSeller side: thin wrappers that open the app and call isacc.iseller with
ids."""

from isacc.extensions import db
from isacc.iseller import catch_up as catch_up_module
from isacc.iseller import connection, notices
from isacc.models import Store
from isacc.models.base import utcnow
from jobs.sync import _context


def work_store(store_id: int) -> None:
    """Read the store's due iSeller notices in full and bring them in."""
    with _context():
        notices.work_store(store_id)


def catch_up(store_id: int) -> int:
    """Read the store's orders changed since its last catch-up into notices."""
    with _context():
        store = db.session.get(Store, store_id)
        return catch_up_module.catch_up_or_say(store) if store is not None else 0


def tick() -> dict:
    """The scheduler's minute tick: enqueue each store with notices whose time came (a retry
    after its backoff, or one whose job was lost), and each store's catch-up when due."""
    with _context():
        now = utcnow()
        lanes = notices.stores_due(now)
        for store_id in lanes:
            notices.enqueue_store(store_id)
        catch_ups = catch_up_module.stores_due(now)
        for store_id in catch_ups:
            catch_up_module.enqueue(store_id)
        return {"lanes": len(lanes), "catch_ups": len(catch_ups)}


def refresh_tokens() -> dict:
    """The scheduler's tick for iSeller tokens: refresh every connected store's that is due."""
    with _context():
        return connection.refresh_due()
