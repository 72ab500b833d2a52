"""An outlet deactivated while its lane runs is held at the next batch; reactivated, it goes."""

from flask import current_app

from isacc.extensions import db
from isacc.models import Outlet, OutletMapping, Status
from isacc.outlets import deactivate, resume
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


def test_reactivating_clears_the_hold_even_after_iseller_renamed_the_outlet(shop):
    invoice, _ = shop.order("INV-1")
    kemang = db.session.scalar(db.select(Outlet).where(Outlet.iseller_id == "OUT-1"))
    assert deactivate(kemang)
    db.session.commit()
    shop.drain()
    assert shop.activity(invoice).reason.startswith("Outlet Kemang is not active")
    shop.send("outlets", outlet={"id": "OUT-1", "name": "Kemang 100% Baru_1",
                                 "payment_methods": ["cash", "isellerpay"]})
    kemang = db.session.get(Outlet, kemang.id)
    kemang.mapping.active = True
    db.session.commit()
    resume(shop.store, kemang)
    assert shop.activity(invoice).reason is None
    shop.drain()
    assert shop.activity(invoice).status == Status.SUCCESS
