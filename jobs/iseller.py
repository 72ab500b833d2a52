"""RQ jobs of the iSeller side: thin wrappers that open the app and call isacc.iseller with
ids."""

from isacc.iseller import notices
from isacc.models.base import utcnow
from jobs.sync import _context


def work_store(store_id: int) -> None:
    """Read the store's due iSeller notices in full and bring them in."""
    with _context():
        notices.work_store(store_id)


def tick() -> int:
    """The scheduler's minute tick: enqueue each store with notices whose time came (a retry
    after its backoff, or one whose job was lost)."""
    with _context():
        due = notices.stores_due(utcnow())
        for store_id in due:
            notices.enqueue_store(store_id)
        return len(due)
