"""Support's refresh: failed rows of any stores sent again, each through its own store's
refresh, so the rules of a store's own page (failed rows only, lanes enqueued) still hold."""

from isacc.extensions import db
from isacc.models import Status, Store, SyncActivity, WebhookLog
from isacc.sync import lanes
from isacc.sync.refresh import refresh
from isacc.webhooks.refresh import refresh_webhooks


def stores_with_failures(model, chosen: int | None = None) -> list[tuple[int, str]]:
    """(id, name) of the stores with failed rows of `model` (and the chosen one, which a
    refresh may just have cleared), for support's store filter."""
    failing = db.select(model.store_id).where(model.status == Status.FAILED).distinct()
    return [tuple(row) for row in db.session.execute(
        db.select(Store.id, Store.name).where(Store.id.in_(failing) | (Store.id == chosen))
        .order_by(Store.name, Store.id))]


def _by_store(model, ids: list[int]) -> dict[Store, list[int]]:
    rows = db.session.execute(db.select(model.store_id, model.id).where(
        model.id.in_(ids), model.status == Status.FAILED)).all()
    grouped: dict[int, list[int]] = {}
    for store_id, row_id in rows:
        grouped.setdefault(store_id, []).append(row_id)
    return {db.session.get(Store, store_id): row_ids for store_id, row_ids in grouped.items()}


def refresh_activities(ids: list[int]) -> int:
    """Failed sync activities among `ids`, whatever their store, pending again and sent."""
    count, due = 0, set()
    for store, row_ids in _by_store(SyncActivity, ids).items():
        batch = refresh(store, row_ids)
        count, due = count + batch.count, due | batch.lanes
    db.session.commit()
    lanes.wake(due)
    return count


def refresh_webhook_rows(ids: list[int]) -> int:
    """Failed webhook-log rows among `ids`, whatever their store, applied again."""
    return sum(refresh_webhooks(store, row_ids)
               for store, row_ids in _by_store(WebhookLog, ids).items())
