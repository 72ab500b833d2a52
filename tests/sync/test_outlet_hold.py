"""An outlet deactivated while a worker works its lane: the next batch is held, not sent."""

from flask import current_app

from isacc.extensions import db
from isacc.models import Outlet, OutletMapping, Status
from isacc.sync.engine import run_lane


def test_deactivating_stops_a_running_lane_before_its_next_batch(shop, monkeypatch):
    monkeypatch.setitem(current_app.config, "SYNC_BATCH", 1)  # one invoice a batch
    first, _ = shop.order("INV-1")
    second, _ = shop.order("INV-2")
    kemang = db.session.scalar(db.select(Outlet).where(Outlet.iseller_id == "OUT-1"))
    passes = []

    def keep_going():
        passes.append(1)
        if len(passes) == 2:  # the owner deactivates Kemang after the first batch went
            db.session.execute(db.update(OutletMapping).where(
                OutletMapping.outlet_id == kemang.id).values(active=False))
            db.session.commit()
        return True

    run_lane(shop.store.id, kemang.id, keep_going=keep_going)
    assert shop.activity(first).status == Status.SUCCESS
    held = shop.activity(second)
    assert (held.status, held.attempts) == (Status.PENDING, 0)
    assert held.reason.startswith("Outlet Kemang is not active")
    assert shop.accurate.find_by_number("sales-invoice", "INV-2") is None
