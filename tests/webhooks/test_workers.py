"""Several workers at once (separate threads, sessions and database connections) apply a
document's stock once: the same row twice, or two rows of the same document."""

import threading

from isacc.extensions import db
from isacc.models import Status, WebhookLog
from isacc.webhooks.apply import apply_row


def apply_at_once(app, row_ids: list[int]) -> list[BaseException]:
    """Each id applied by its own worker thread, all started together."""
    start, errors = threading.Barrier(len(row_ids)), []

    def worker(row_id):
        try:
            with app.app_context():
                row = db.session.get(WebhookLog, row_id)
                start.wait()
                apply_row(row)
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(row_id,)) for row_id in row_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_four_workers_on_the_same_row_raise_stock_once(app, webshop):
    webshop.product("K-1")
    webshop.purchase(quantity=9)
    [row] = webshop.wait_for_rows(1)
    assert apply_at_once(app, [row.id] * 4) == []
    [row] = webshop.rows()
    assert row.status == Status.SUCCESS
    assert webshop.stock("K-1") == (9, 0)


def test_two_notices_of_one_document_applied_at_once_raise_stock_once(app, webshop):
    webshop.product("K-1")
    webshop.purchase(module="receive-item", quantity=8)
    [row] = webshop.wait_for_rows(1)
    webshop.next_second()  # a second notice of the same document, a second later
    webshop.deliver(row.event_type, row.accurate_id, row.accurate_number, "WRITE")
    first, second = webshop.wait_for_rows(2)
    assert first.dedupe_key != second.dedupe_key
    assert apply_at_once(app, [first.id, second.id, first.id, second.id]) == []
    assert {r.status for r in webshop.rows()} == {Status.SUCCESS}
    assert webshop.stock("K-1") == (8, 0)
