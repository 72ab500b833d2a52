"""The same flow through Redis and RQ: an inbound event enqueues its lane, a worker sends it;
after Redis is emptied the reconciler finds the pending rows again."""

from rq import SimpleWorker

from isacc.models import Status
from isacc.sync import lanes


def work() -> None:
    SimpleWorker([lanes.queue()], connection=lanes.queue().connection).work(
        burst=True, with_scheduler=False)


def test_an_inbound_order_is_sent_by_an_rq_worker(shop, redis_client):
    invoice_id, receipt_id = shop.order("RQ-1")
    assert len(lanes.queue()) >= 1  # enqueued as the order arrived
    work()
    assert shop.activity(invoice_id).status == Status.SUCCESS
    assert shop.activity(receipt_id).status == Status.SUCCESS


def test_after_redis_is_emptied_the_reconciler_re_enqueues_what_is_pending(shop, redis_client):
    invoice_id, _ = shop.order("RQ-2")
    redis_client.flushdb()  # the queue is gone; the rows are not
    assert len(lanes.queue()) == 0
    assert lanes.dispatch_due() == 1
    work()
    assert shop.activity(invoice_id).status == Status.SUCCESS
    assert lanes.dispatch_due() == 0


def test_scheduled_orders_move_at_their_hour_not_before(shop, redis_client):
    from freezegun import freeze_time

    from isacc.extensions import db
    from isacc.models import SyncMode

    shop.store.sync_mode, shop.store.sync_times = SyncMode.SCHEDULED, ["12:00"]
    db.session.commit()
    with freeze_time("2026-11-24T03:15:00Z"):  # 10:15 in Jakarta
        invoice_id, _ = shop.order("SCH-1")
    assert len(lanes.queue()) == 0  # not due: nothing enqueued on arrival
    with freeze_time("2026-11-24T04:59:00Z"):  # 11:59 WIB: the tick finds nothing due
        assert lanes.lanes_due() == set()
    with freeze_time("2026-11-24T05:00:00Z"):  # 12:00 WIB: due
        assert lanes.dispatch_due() == 1
    work()
    assert shop.activity(invoice_id).status == Status.SUCCESS
