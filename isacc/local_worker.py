"""`make run` without Redis: one local process sends due work to Accurate by polling the
database, so trying isacc out needs no Redis. Production runs RQ workers instead."""

import logging
import time

from isacc import create_app
from isacc.extensions import db
from isacc.iseller import catch_up, notices
from isacc.models import Store
from isacc.models.base import utcnow
from isacc.sync.engine import run_lane
from isacc.sync.lanes import lanes_due

POLL_SECONDS = 2
log = logging.getLogger("isacc.local_worker")


def run_once() -> int:
    """Catch up on iSeller's orders and bring in its due notices, then work every lane with
    due work once; returns how many lanes were worked."""
    for store_id in catch_up.stores_due(utcnow()):
        catch_up.catch_up_or_say(db.session.get(Store, store_id))
    for store_id in sorted(notices.stores_due(utcnow())):
        notices.run_store(store_id)
    due = lanes_due()
    for store_id, outlet_id in sorted(due, key=lambda lane: (lane[0], lane[1] or 0)):
        run_lane(store_id, outlet_id)
    return len(due)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s local worker: %(message)s")
    app = create_app({"ISACC_LOCAL_WORKER": True})
    log.info("sending due work to Accurate every %s s (no Redis)", POLL_SECONDS)
    while True:
        with app.app_context():
            try:
                run_once()
            except Exception:  # noqa: BLE001 - a bad pass is logged; the next one retries
                log.exception("a pass failed; trying again")
        time.sleep(POLL_SECONDS)


if __name__ == "__main__":
    main()
