"""The sync-activity table: filters in the URL, paging, and refresh of failed rows."""

import itertools
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import event as sql_events
from sqlalchemy import select
from sqlalchemy.engine import Engine

from isacc.access import ALLOWED_ROLES, Rule
from isacc.activity_log import Filters, read_window
from isacc.extensions import db
from isacc.models import ActivityKind, Outlet, Role, Status, SyncActivity, SyncMode, WebhookLog
from isacc.overview import documents_per_day
from tests.conftest import csrf_from, login, make_store, make_user, post_event

DAY = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)  # 10:00 in Jakarta


@pytest.fixture
def table(app, client):
    store = make_store("Toko A")
    kemang = Outlet(store_id=store.id, iseller_id="K", name="Kemang")
    dago = Outlet(store_id=store.id, iseller_id="D", name="Dago")
    db.session.add_all([kemang, dago])
    db.session.flush()
    rows = [
        ("INV-1", kemang, ActivityKind.SALES_INVOICE, Status.SUCCESS, 0),
        ("INV-2", kemang, ActivityKind.SALES_INVOICE, Status.FAILED, 1),
        ("TR-1", dago, ActivityKind.TRANSFER_OUT, Status.FAILED, 2),
        ("ADJ-1", dago, ActivityKind.STOCK_ADJUSTMENT, Status.PENDING, 3),
    ]
    for n, (number, outlet, kind, status, days) in enumerate(rows):
        db.session.add(SyncActivity(
            store_id=store.id, outlet_id=outlet.id, kind=kind, source_kind="sales_order",
            source_id=n, source_number=number, source_at=DAY, status=status,
            reason="Item X is not in Accurate." if status == Status.FAILED else None,
            created_at=DAY + timedelta(days=days)))
    owner = make_user(Role.OWNER, store)
    db.session.commit()
    login(client, owner.email)
    return client, store, {"kemang": kemang.id, "dago": dago.id}


def numbers(client, url) -> list[str]:
    body = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    return [n for n in ("INV-1", "INV-2", "TR-1", "ADJ-1") if f">{n}<" in body]


def test_each_filter_and_a_combination_show_only_matching_rows(table):
    client, store, outlets = table
    base = f"/stores/{store.id}/activity"
    assert numbers(client, base) == ["INV-1", "INV-2", "TR-1", "ADJ-1"]
    assert numbers(client, f"{base}?status=failed") == ["INV-2", "TR-1"]
    assert numbers(client, f"{base}?outlet={outlets['dago']}") == ["TR-1", "ADJ-1"]
    assert numbers(client, f"{base}?type=sales_invoice") == ["INV-1", "INV-2"]
    assert numbers(client, f"{base}?start=2026-11-21&end=2026-11-22") == ["INV-2", "TR-1"]
    assert numbers(client, f"{base}?status=failed&outlet={outlets['kemang']}") == ["INV-2"]


def test_unreadable_filters_are_named_not_fatal(table):
    client, store, _ = table
    page = client.get(f"/stores/{store.id}/activity?status=lost&start=yesterday")
    assert page.status_code == 200
    assert "Ignored filters that could not be read: status, start." in page.get_data(as_text=True)


def test_a_from_day_after_the_to_day_is_pointed_out(table):
    client, store, _ = table
    for path in ("activity", "webhooks"):
        swapped = client.get(f"/stores/{store.id}/{path}?start=2026-11-22&end=2026-11-21",
                             headers={"HX-Request": "true"}).get_data(as_text=True)
        assert "The “From” day is after the “To” day." in swapped
        right = client.get(f"/stores/{store.id}/{path}?start=2026-11-21&end=2026-11-22",
                           headers={"HX-Request": "true"}).get_data(as_text=True)
        assert "reversed-dates" not in right


def test_refresh_selected_and_all_failed_matching_the_filters(table):
    client, store, outlets = table
    page = client.get(f"/stores/{store.id}/activity").get_data(as_text=True)
    token = csrf_from(page)
    inv2 = db.session.scalar(select(SyncActivity.id).where(SyncActivity.source_number == "INV-2"))
    answer = client.post(f"/stores/{store.id}/activity/refresh",
                         data={"activity": str(inv2), "csrf_token": token},
                         headers={"HX-Request": "true"})
    assert answer.status_code == 200
    assert answer.headers["HX-Trigger"] == "activity-changed"
    assert "Sending 1 row again: 0 sent, 1 waiting." in answer.get_data(as_text=True)
    db.session.expire_all()
    statuses = dict(db.session.execute(
        select(SyncActivity.source_number, SyncActivity.status)).all())
    assert statuses["INV-2"] == Status.PENDING and statuses["TR-1"] == Status.FAILED
    client.post(f"/stores/{store.id}/activity/refresh",
                data={"all_failed": "1", "outlet": str(outlets["dago"]), "csrf_token": token},
                headers={"HX-Request": "true"})
    db.session.expire_all()
    assert db.session.scalar(select(SyncActivity.status).where(
        SyncActivity.source_number == "TR-1")) == Status.PENDING


def test_another_stores_rows_cannot_be_refreshed(table):
    client, store, _ = table
    other = make_store("Toko B")
    foreign = SyncActivity(store_id=other.id, kind=ActivityKind.CUSTOMER, source_kind="customer",
                           source_id=1, source_at=DAY, status=Status.FAILED)
    db.session.add(foreign)
    db.session.commit()
    token = csrf_from(client.get(f"/stores/{store.id}/activity").get_data(as_text=True))
    client.post(f"/stores/{store.id}/activity/refresh",
                data={"activity": str(foreign.id), "csrf_token": token})
    db.session.expire_all()
    assert db.session.get(SyncActivity, foreign.id).status == Status.FAILED
    assert client.post(f"/stores/{other.id}/activity/refresh",
                       data={"activity": str(foreign.id), "csrf_token": token}).status_code == 404


SOURCE_IDS = itertools.count(1000)


def add_row(store, number, *, status=Status.PENDING, at=None):
    row = SyncActivity(store_id=store.id, kind=ActivityKind.SALES_INVOICE,
                       source_kind="sales_order", source_id=next(SOURCE_IDS),
                       source_number=number, source_at=DAY,
                       status=status, created_at=at or datetime.now(UTC))
    db.session.add(row)
    db.session.commit()
    return row


def live_url(body: str) -> str:
    return re.search(r'<tbody id="activity-rows" hx-get="([^"]+)"', body)[1].replace("&amp;", "&")


def test_the_open_table_polls_with_a_fingerprint_and_gets_only_real_changes(table):
    client, store, _ = table
    hx = {"HX-Request": "true"}
    body = client.get(f"/stores/{store.id}/activity?status=failed").get_data(as_text=True)
    poll = live_url(body)
    assert "status=failed" in poll and "v=" in poll
    assert client.get(poll, headers=hx).status_code == 204  # nothing changed
    add_row(store, "INV-9", status=Status.SUCCESS)  # does not match the filter
    assert client.get(poll, headers=hx).status_code == 204
    add_row(store, "INV-10", status=Status.FAILED)
    changed = client.get(poll, headers=hx)
    assert changed.status_code == 200
    rows = changed.get_data(as_text=True)
    assert ">INV-10<" in rows and ">INV-2<" in rows and ">INV-9<" not in rows
    # A status change is a change too.
    db.session.execute(db.update(SyncActivity).where(SyncActivity.source_number == "INV-10")
                       .values(status=Status.PENDING, attempts=1))
    db.session.commit()
    again = client.get(live_url(rows), headers=hx)
    assert again.status_code == 200 and ">INV-10<" not in again.get_data(as_text=True)


def test_the_window_grows_at_the_top_and_keeps_the_rows_already_loaded(app):
    store = make_store("Toko W")
    for n in range(7):
        add_row(store, f"W-{n}", at=DAY + timedelta(minutes=n))
    first = read_window(SyncActivity, store_id=store.id, filters=Filters(), size=3)
    assert [r.source_number for r in first.rows] == ["W-6", "W-5", "W-4"] and first.next_cursor
    grown = read_window(SyncActivity, store_id=store.id, filters=Filters(), size=3,
                        through=first.through, more=True)
    assert [r.source_number for r in grown.rows] == ["W-6", "W-5", "W-4", "W-3", "W-2", "W-1"]
    add_row(store, "W-7", at=DAY + timedelta(minutes=7))
    live = read_window(SyncActivity, store_id=store.id, filters=Filters(), size=3,
                       through=grown.through)
    assert [r.source_number for r in live.rows] == [f"W-{n}" for n in range(7, 0, -1)]
    assert live.next_cursor and not live.full  # W-0 is still older
    capped = read_window(SyncActivity, store_id=store.id, filters=Filters(), size=3,
                         through=grown.through, cap=4)
    assert len(capped.rows) == 4 and capped.full


def test_refresh_progress_follows_the_batch_until_every_row_has_an_outcome(table):
    client, store, _ = table
    token = csrf_from(client.get(f"/stores/{store.id}/activity").get_data(as_text=True))
    hx = {"HX-Request": "true"}
    answer = client.post(f"/stores/{store.id}/activity/refresh",
                         data={"all_failed": "1", "csrf_token": token}, headers=hx)
    body = answer.get_data(as_text=True)
    assert "Sending 2 rows again: 0 sent, 2 waiting." in body
    follow = re.search(r'hx-get="([^"]+)"', body)[1].replace("&amp;", "&")
    db.session.execute(db.update(SyncActivity).where(SyncActivity.source_number == "INV-2")
                       .values(status=Status.SUCCESS))
    db.session.commit()
    assert "1 sent, 1 waiting" in client.get(follow, headers=hx).get_data(as_text=True)
    db.session.execute(db.update(SyncActivity).where(SyncActivity.source_number == "TR-1")
                       .values(status=Status.FAILED))
    db.session.commit()
    done = client.get(follow, headers=hx).get_data(as_text=True)
    assert "Refresh finished: 1 of 2 sent, 1 failed again" in done
    assert "hx-trigger" not in done  # it stops following


def test_refresh_with_nothing_ticked_says_so(table):
    client, store, _ = table
    token = csrf_from(client.get(f"/stores/{store.id}/activity").get_data(as_text=True))
    answer = client.post(f"/stores/{store.id}/activity/refresh",
                         data={"selected": "1", "csrf_token": token},
                         headers={"HX-Request": "true"})
    assert "Tick at least one failed row first." in answer.get_data(as_text=True)
    plain = client.post(f"/stores/{store.id}/activity/refresh",
                        data={"selected": "1", "csrf_token": token})
    assert plain.status_code == 302 and "/activity" in plain.headers["Location"]


def test_refresh_all_failed_when_the_filters_match_no_failed_row_says_so(table):
    client, store, _ = table
    token = csrf_from(client.get(f"/stores/{store.id}/activity").get_data(as_text=True))
    form = {"all_failed": "1", "type": "stock_adjustment", "csrf_token": token}  # ADJ-1: pending
    for language, said in (("en", "No failed rows match these filters."),
                           ("id", "Tidak ada baris gagal yang cocok dengan filter ini.")):
        client.set_cookie("isacc_lang", language)
        answer = client.post(f"/stores/{store.id}/activity/refresh", data=form,
                             headers={"HX-Request": "true"}).get_data(as_text=True)
        assert said in answer
        assert "Tick at least one" not in answer and "Centang" not in answer


def test_the_reason_dialog_says_why_and_what_to_do(table):
    client, store, _ = table
    inv2 = db.session.scalar(select(SyncActivity.id).where(SyncActivity.source_number == "INV-2"))
    dialog = client.get(f"/stores/{store.id}/activity/{inv2}/reason",
                        headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Item X is not in Accurate." in dialog
    assert "then press Refresh to send it again" in dialog and "Refresh now" in dialog
    # Without htmx the same link is the row's own page.
    assert "<html" in client.get(f"/stores/{store.id}/activity/{inv2}/reason").get_data(
        as_text=True)


def test_documents_per_day_are_cut_at_the_stores_midnight(table):
    _, store, _ = table
    days = documents_per_day(store, today=date(2026, 11, 25))
    assert len(days) == 14 and days[-1].day == date(2026, 11, 25)
    by_day = {d.day: d.counts for d in days}
    assert by_day[date(2026, 11, 20)][Status.SUCCESS] == 1
    assert by_day[date(2026, 11, 21)][Status.FAILED] == 1
    assert by_day[date(2026, 11, 23)][Status.PENDING] == 1
    # 23:30 in Jakarta on the 24th is 16:30 UTC: the 24th, not the 25th.
    add_row(store, "LATE", status=Status.SUCCESS, at=datetime(2026, 11, 24, 16, 30, tzinfo=UTC))
    by_day = {d.day: d.counts for d in documents_per_day(store, today=date(2026, 11, 25))}
    assert by_day[date(2026, 11, 24)][Status.SUCCESS] == 1
    assert sum(by_day[date(2026, 11, 25)].values()) == 0


def test_the_status_panel_answers_204_until_something_changes(table):
    client, store, _ = table
    hx = {"HX-Request": "true"}
    page = client.get(f"/stores/{store.id}/").get_data(as_text=True)
    poll = re.search(r'hx-get="(/stores/\d+/status\?v=[^"]+)"', page)[1]
    assert client.get(poll, headers=hx).status_code == 204
    add_row(store, "NEW-1", status=Status.FAILED)
    changed = client.get(poll, headers=hx).get_data(as_text=True)
    assert 'data-testid="count-failed"' in changed and ">3</span>" in changed


def test_the_webhook_log_has_the_same_filters_and_live_window(table):
    client, store, outlets = table
    for n, (event, outlet, status) in enumerate([
            ("RECEIVE_ITEM", "kemang", Status.SUCCESS), ("ITEM_TRANSFER", "dago", Status.FAILED),
            ("PURCHASE_ORDER", "dago", Status.PENDING)]):
        db.session.add(WebhookLog(
            store_id=store.id, outlet_id=outlets[outlet], event_type=event, dedupe_key=str(n),
            accurate_number=f"ACC-{n}", payload={}, status=status,
            reason="Warehouse X is not mapped." if status == Status.FAILED else None,
            created_at=DAY + timedelta(days=n)))
    db.session.commit()
    base = f"/stores/{store.id}/webhooks"

    def accurate_numbers(url):
        body = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
        return [n for n in ("ACC-0", "ACC-1", "ACC-2") if f">{n}<" in body]

    assert accurate_numbers(base) == ["ACC-0", "ACC-1", "ACC-2"]
    assert accurate_numbers(f"{base}?status=failed") == ["ACC-1"]
    assert accurate_numbers(f"{base}?outlet={outlets['dago']}") == ["ACC-1", "ACC-2"]
    assert accurate_numbers(f"{base}?type=RECEIVE_ITEM") == ["ACC-0"]
    assert accurate_numbers(f"{base}?start=2026-11-21&outlet={outlets['dago']}") == [
        "ACC-1", "ACC-2"]
    body = client.get(base).get_data(as_text=True)
    poll = re.search(r'<tbody id="webhook-rows" hx-get="([^"]+)"', body)[1].replace("&amp;", "&")
    assert client.get(poll, headers={"HX-Request": "true"}).status_code == 204
    failed = db.session.scalar(select(WebhookLog.id).where(WebhookLog.status == Status.FAILED))
    dialog = client.get(f"{base}/{failed}/reason", headers={"HX-Request": "true"})
    assert "Warehouse X is not mapped." in dialog.get_data(as_text=True)


def test_a_failed_webhook_row_is_refreshed_from_the_log(table):
    client, store, _ = table
    row = WebhookLog(store_id=store.id, event_type="RECEIVE_ITEM", dedupe_key="r-1",
                     accurate_number="RI-1", payload={}, status=Status.FAILED,
                     reason="Item KN-9 has no SKU in iSeller.", created_at=DAY)
    db.session.add(row)
    db.session.commit()
    token = csrf_from(client.get(f"/stores/{store.id}/webhooks").get_data(as_text=True))
    answer = client.post(f"/stores/{store.id}/webhooks/refresh",
                         data={"one": row.id, "csrf_token": token},
                         headers={"HX-Request": "true"})
    assert "Applying 1 event again." in answer.get_data(as_text=True)
    assert answer.headers["HX-Trigger"] == "activity-changed"
    db.session.expire_all()
    assert db.session.get(WebhookLog, row.id).status == Status.PENDING


def test_a_number_not_in_accurate_yet_is_marked_planned(table):
    client, store, _ = table
    waiting = add_row(store, "INV-7")
    waiting.accurate_number = "INV-7"
    sent = add_row(store, "INV-8", status=Status.SUCCESS)
    sent.accurate_number = "SI.2026.0008"
    db.session.commit()
    body = client.get(f"/stores/{store.id}/activity").get_data(as_text=True)
    assert re.search(r'class="planned"[^>]*>INV-7<', body)
    assert "<td>SI.2026.0008</td>" in body


def test_a_failed_rows_own_page_refreshes_it_and_comes_back(table):
    client, store, _ = table
    ids = dict(db.session.execute(select(SyncActivity.source_number, SyncActivity.id)).all())
    assert 'data-testid="refresh-row"' not in client.get(
        f"/stores/{store.id}/activity/{ids['INV-1']}").get_data(as_text=True)
    page = client.get(f"/stores/{store.id}/activity/{ids['INV-2']}").get_data(as_text=True)
    assert 'data-testid="refresh-row"' in page
    answer = client.post(f"/stores/{store.id}/activity/refresh",
                         data={"one": ids["INV-2"], "back": "row", "csrf_token": csrf_from(page)})
    assert answer.status_code == 302
    assert answer.headers["Location"] == f"/stores/{store.id}/activity/{ids['INV-2']}"
    back = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Sending 1 row again." in back and 'data-testid="refresh-row"' not in back
    db.session.expire_all()
    assert db.session.get(SyncActivity, ids["INV-2"]).status == Status.PENDING


def test_a_failed_webhook_rows_own_page_refreshes_it_and_comes_back(table):
    client, store, _ = table
    failed, applied = (WebhookLog(store_id=store.id, event_type="RECEIVE_ITEM", dedupe_key=key,
                                  accurate_number=key, payload={}, status=status,
                                  reason="Item KN-9 has no SKU in iSeller." if status ==
                                  Status.FAILED else None, created_at=DAY)
                       for key, status in (("RI-1", Status.FAILED), ("RI-2", Status.SUCCESS)))
    db.session.add_all([failed, applied])
    db.session.commit()
    assert 'data-testid="refresh-row"' not in client.get(
        f"/stores/{store.id}/webhooks/{applied.id}").get_data(as_text=True)
    page = client.get(f"/stores/{store.id}/webhooks/{failed.id}").get_data(as_text=True)
    assert 'data-testid="refresh-row"' in page
    answer = client.post(f"/stores/{store.id}/webhooks/refresh",
                         data={"one": failed.id, "back": "row", "csrf_token": csrf_from(page)})
    assert answer.headers["Location"] == f"/stores/{store.id}/webhooks/{failed.id}"
    assert "Applying 1 event again." in client.get(answer.headers["Location"]).get_data(
        as_text=True)
    db.session.expire_all()
    assert db.session.get(WebhookLog, failed.id).status == Status.PENDING


def test_only_those_allowed_to_refresh_see_the_rows_refresh(table, monkeypatch):
    client, store, _ = table
    inv2 = db.session.scalar(select(SyncActivity.id).where(SyncActivity.source_number == "INV-2"))
    monkeypatch.setitem(ALLOWED_ROLES, Rule.STORE_REFRESH, {Role.ADMIN})
    page = client.get(f"/stores/{store.id}/activity/{inv2}").get_data(as_text=True)
    assert 'data-testid="refresh-row"' not in page
    dialog = client.get(f"/stores/{store.id}/activity/{inv2}/reason",
                        headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Refresh now" not in dialog
    assert client.post(f"/stores/{store.id}/activity/refresh",
                       data={"one": inv2, "back": "row", "csrf_token": csrf_from(page)}
                       ).status_code == 403


def text_of(html: str) -> str:
    """What a reader sees: tags dropped, white space squeezed."""
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def invoice_and_receipt(store, invoice_status, *, invoice_number="INV-5"):
    """An invoice and the receipt that waits for it (as plan_sales_order makes them)."""
    invoice = add_row(store, invoice_number, status=invoice_status, at=DAY)
    invoice.accurate_number = invoice_number
    if invoice_status == Status.FAILED:
        invoice.reason = "Item X is not in Accurate."
    receipt = SyncActivity(store_id=store.id, kind=ActivityKind.SALES_RECEIPT,
                           source_kind="sales_payment", source_id=next(SOURCE_IDS),
                           source_number=f"{invoice_number}-1", source_at=DAY,
                           accurate_number=f"{invoice_number}-1", status=Status.PENDING,
                           waits_for=invoice, due_at=DAY, created_at=DAY + timedelta(hours=1))
    db.session.add(receipt)
    db.session.commit()
    return invoice, receipt


def test_a_receipt_waiting_on_a_failed_invoice_says_so_in_the_row_dialog_and_page(table):
    client, store, _ = table
    invoice, receipt = invoice_and_receipt(store, Status.FAILED)
    hx = {"HX-Request": "true"}
    rows = client.get(f"/stores/{store.id}/activity", headers=hx).get_data(as_text=True)
    row = re.search(rf'<tr data-testid="activity-{receipt.id}".*?</tr>', rows, re.S)[0]
    assert "Waits for sales invoice INV-5, which failed." in text_of(row)
    assert f'href="/stores/{store.id}/activity/{invoice.id}"' in row  # the number is a link
    assert 'aria-label="Why: INV-5-1"' in row  # its dialog opens from the row
    dialog = text_of(client.get(f"/stores/{store.id}/activity/{receipt.id}/reason",
                                headers=hx).get_data(as_text=True))
    assert "Waits for sales invoice INV-5, which failed." in dialog
    assert "Fix and refresh the document it waits for" in dialog
    assert "No problem recorded" not in dialog and "tries again by itself" not in dialog
    detail = text_of(client.get(f"/stores/{store.id}/activity/{receipt.id}").get_data(
        as_text=True))
    assert "WhyWaits for sales invoice INV-5, which failed." in detail
    # In Bahasa Indonesia too.
    rows = client.get(f"/stores/{store.id}/activity", headers={**hx, "Accept-Language": "id"})
    assert "Menunggu faktur penjualan INV-5, yang gagal." in text_of(rows.get_data(as_text=True))


def test_a_row_tried_already_keeps_its_reason_and_a_done_dependency_is_not_waited_for(table):
    client, store, _ = table
    invoice, receipt = invoice_and_receipt(store, Status.SUCCESS)
    retrying = add_row(store, "INV-6")
    retrying.attempts, retrying.reason = 2, "Accurate did not answer: trying again."
    retrying.due_at = datetime.now(UTC) + timedelta(minutes=5)
    db.session.commit()
    rows = text_of(client.get(f"/stores/{store.id}/activity",
                              headers={"HX-Request": "true"}).get_data(as_text=True))
    assert "Waits for" not in rows and "Goes at" not in rows
    dialog = text_of(client.get(f"/stores/{store.id}/activity/{retrying.id}/reason",
                                headers={"HX-Request": "true"}).get_data(as_text=True))
    assert "Accurate did not answer: trying again." in dialog and "tries again" in dialog


def test_the_open_table_redraws_when_the_row_waited_for_fails(table):
    client, store, _ = table
    invoice, receipt = invoice_and_receipt(store, Status.PENDING)
    hx = {"HX-Request": "true"}
    # Only receipts are shown: the invoice itself is not in the window.
    body = client.get(f"/stores/{store.id}/activity?type=sales_receipt").get_data(as_text=True)
    assert "Waits for sales invoice INV-5, which is still pending." in text_of(body)
    poll = live_url(body)
    assert client.get(poll, headers=hx).status_code == 204
    invoice.status, invoice.reason = Status.FAILED, "Item X is not in Accurate."
    db.session.commit()
    changed = client.get(poll, headers=hx)
    assert changed.status_code == 200
    assert "Waits for sales invoice INV-5, which failed." in text_of(
        changed.get_data(as_text=True))


def test_the_rows_waited_for_are_read_in_one_query_for_the_whole_page(table):
    client, store, _ = table

    def queries() -> tuple[int, int]:
        """How many queries the page took (on any engine: the app is not the test's twin),
        and how many rows said what they wait for."""
        seen = []

        def count(*_):
            seen.append(1)
        sql_events.listen(Engine, "before_cursor_execute", count)
        try:
            body = client.get(f"/stores/{store.id}/activity?type=sales_receipt",
                              headers={"HX-Request": "true"}).get_data(as_text=True)
        finally:
            sql_events.remove(Engine, "before_cursor_execute", count)
        return len(seen), text_of(body).count("Waits for sales invoice")

    invoice_and_receipt(store, Status.FAILED, invoice_number="INV-100")
    few, shown = queries()
    assert shown == 1
    for n in range(101, 121):
        invoice_and_receipt(store, Status.FAILED, invoice_number=f"INV-{n}")
    many, shown = queries()
    assert few > 0 and shown == 21 and many == few


SCHEDULED_NOW = "2026-11-24T03:15:00Z"  # 11:15 in Makassar


@freeze_time(SCHEDULED_NOW)
def test_a_scheduled_row_says_when_it_goes_in_the_stores_zone(app, client):
    store = make_store("Toko M", timezone="Asia/Makassar", sync_mode=SyncMode.SCHEDULED,
                       sync_times=["13:00"])
    owner = make_user(Role.OWNER, store)
    row = add_row(store, "INV-S")
    row.due_at = datetime(2026, 11, 24, 5, 0, tzinfo=UTC)  # 13:00 in Makassar
    db.session.commit()
    login(client, owner.email)
    hx = {"HX-Request": "true"}
    body = client.get(f"/stores/{store.id}/activity").get_data(as_text=True)
    assert "Goes at 24 Nov 2026 13:00." in text_of(body)
    dialog = text_of(client.get(f"/stores/{store.id}/activity/{row.id}/reason",
                                headers=hx).get_data(as_text=True))
    assert "Goes at 24 Nov 2026 13:00." in dialog and "at the sync time set in Settings" in dialog
    poll = live_url(body)
    assert client.get(poll, headers=hx).status_code == 204
    with freeze_time("2026-11-24T05:00:01Z"):
        # Its time came: the table says so at the next poll, though the row did not change.
        later = client.get(poll, headers=hx)
        assert later.status_code == 200 and "Goes at" not in later.get_data(as_text=True)


@freeze_time("2026-11-24T03:15:00Z")
def test_a_row_waiting_for_its_shift_to_close_names_the_shift(app, client):
    store = make_store("Toko S", sync_mode=SyncMode.SHIFT_CLOSE)
    owner = make_user(Role.OWNER, store)
    db.session.commit()
    post_event(client, store, "outlets", {"event_id": "o", "outlet": {"id": "OUT-1",
                                                                        "name": "Kemang"}})
    post_event(client, store, "shifts/open", {"event_id": "s-open", "shift": {
        "id": "SH-1", "outlet_id": "OUT-1", "register_name": "Kasir 2",
        "opened_at": "2026-11-24T01:00:00Z"}})
    answer = post_event(client, store, "sales-orders", {"event_id": "e1", "order": {
        "id": "e1", "number": "INV-e1", "outlet_id": "OUT-1",
        "ordered_at": "2026-11-24T03:00:00Z", "shift_id": "SH-1",
        "lines": [{"sku": "K-1", "name": "Kopi", "quantity": 1, "unit_price": 1000}],
        "payments": [{"method": "cash", "amount": 1000}]}})
    invoice_id, receipt_id = answer.get_json()["activities"]
    login(client, owner.email)
    body = client.get(f"/stores/{store.id}/activity", headers={"HX-Request": "true"})
    row = re.search(rf'<tr data-testid="activity-{invoice_id}".*?</tr>',
                    body.get_data(as_text=True), re.S)[0]
    assert ("Goes when the shift on register Kasir 2 (opened 24 Nov 2026 08:00) closes."
            in text_of(row))
    dialog = text_of(client.get(f"/stores/{store.id}/activity/{invoice_id}/reason",
                                headers={"HX-Request": "true"}).get_data(as_text=True))
    assert "Goes when the shift on register Kasir 2" in dialog
    assert "once the shift is closed in iSeller" in dialog
    # The receipt waits for the invoice first: that is what it names.
    receipt = re.search(rf'<tr data-testid="activity-{receipt_id}".*?</tr>',
                        body.get_data(as_text=True), re.S)[0]
    assert "Waits for sales invoice INV-e1, which is still pending." in text_of(receipt)
