"""The status panel says when iSeller and Accurate last spoke, so a silent webhook shows."""

import re

import pytest
from freezegun import freeze_time
from sqlalchemy import event as sql_events
from sqlalchemy.engine import Engine

from isacc.extensions import db
from isacc.models import InboundEvent, Role, Status, WebhookLog
from tests.conftest import login, make_store, make_user

HX = {"HX-Request": "true"}


@pytest.fixture
def panel(app, client):
    store = make_store("Toko A")
    other = make_store("Toko B")
    owner = make_user(Role.OWNER, store)
    db.session.commit()
    login(client, owner.email)
    return client, store, other


def event(store, n: int) -> InboundEvent:
    return InboundEvent(store_id=store.id, event_id=f"e-{n}", event_type="sales_orders")


def notice(store, n: int, status=Status.SUCCESS) -> WebhookLog:
    return WebhookLog(store_id=store.id, event_type="RECEIVE_ITEM", dedupe_key=f"d-{n}",
                      payload={}, status=status)


def status_body(client, store) -> str:
    return client.get(f"/stores/{store.id}/status").get_data(as_text=True)


def line(body: str, label: str) -> str:
    """The panel's line starting with `label`, tags and spacing removed."""
    found = re.search(rf"<p>{re.escape(label)}(.*?)</p>", body, re.S)
    assert found, body
    return " ".join(re.sub(r"<[^>]+>", " ", found[1]).split())


def test_nothing_arrived_yet_says_none_yet(panel):
    client, store, other = panel
    # Another store's traffic is not this store's.
    db.session.add_all([event(other, 1), notice(other, 1, Status.FAILED)])
    db.session.commit()
    body = status_body(client, store)
    assert line(body, "Last iSeller event:") == "none yet"
    assert line(body, "Last Accurate notice:") == "none yet"
    assert 'data-testid="failed-notices"' not in body


def test_the_newest_event_and_notice_are_shown_in_the_stores_zone(panel):
    client, store, other = panel
    with freeze_time("2026-11-24 03:15:00"):  # 10:15 in Jakarta
        db.session.add_all([event(store, 1), notice(store, 1)])
        db.session.commit()
    with freeze_time("2026-11-24 16:40:00"):  # 23:40 in Jakarta, the same day there
        db.session.add(event(store, 2))
        db.session.commit()
    with freeze_time("2026-11-24 17:05:00"):  # 00:05 on the 25th in Jakarta
        db.session.add(notice(store, 2, Status.FAILED))
        db.session.commit()
    with freeze_time("2026-11-28 09:00:00"):  # newer, but another store's
        db.session.add_all([event(other, 3), notice(other, 3)])
        db.session.commit()
    body = status_body(client, store)
    assert line(body, "Last iSeller event:") == "24 Nov 2026 23:40"
    assert line(body, "Last Accurate notice:") == "25 Nov 2026 00:05 1 notice failed"


def test_failed_notices_are_counted_and_link_to_the_filtered_webhook_log(panel):
    client, store, other = panel
    db.session.add_all([notice(store, 1, Status.FAILED), notice(store, 2, Status.FAILED),
                        notice(store, 3, Status.PENDING), notice(other, 4, Status.FAILED)])
    db.session.commit()
    body = status_body(client, store)
    link = re.search(r'<a href="([^"]+)" data-testid="failed-notices">([^<]+)</a>', body)
    assert link[2] == "2 notices failed"
    assert link[1] == f"/stores/{store.id}/webhooks?status=failed"
    log = client.get(link[1], headers=HX).get_data(as_text=True)
    assert re.findall(r'data-status="(\w+)"', log) == ["failed", "failed"]


def test_the_panel_is_in_bahasa_indonesia_too(panel):
    client, store, _ = panel
    with freeze_time("2026-12-24 03:15:00"):
        db.session.add(notice(store, 1, Status.FAILED))
        db.session.commit()
    body = client.get(f"/stores/{store.id}/status",
                      headers={"Accept-Language": "id"}).get_data(as_text=True)
    assert line(body, "Kejadian iSeller terakhir:") == "belum ada"
    assert line(body, "Pemberitahuan Accurate terakhir:") == (
        "24 Des 2026 10:15 1 pemberitahuan gagal")


def test_a_new_event_or_notice_changes_the_polled_panel(panel):
    client, store, _ = panel
    page = client.get(f"/stores/{store.id}/").get_data(as_text=True)
    poll = re.search(r'hx-get="(/stores/\d+/status\?v=[^"]+)"', page)[1]
    assert client.get(poll, headers=HX).status_code == 204
    db.session.add(event(store, 1))
    db.session.commit()
    changed = client.get(poll, headers=HX)
    assert changed.status_code == 200
    assert 'data-testid="last-iseller-event"' in changed.get_data(as_text=True)
    poll = re.search(r'hx-get="(/stores/\d+/status\?v=[^"]+)"',
                     changed.get_data(as_text=True))[1]
    assert client.get(poll, headers=HX).status_code == 204
    db.session.add(notice(store, 1))
    db.session.commit()
    changed = client.get(poll, headers=HX).get_data(as_text=True)
    assert 'data-testid="last-accurate-notice"' in changed


def test_the_poll_reads_only_what_the_panel_shows(panel):
    """The checklist is not part of the polled panel: a poll does not read products for it."""
    client, store, _ = panel
    read = []

    def keep(conn, cursor, statement, *args):
        read.append(statement)

    sql_events.listen(Engine, "before_cursor_execute", keep)
    try:
        assert client.get(f"/stores/{store.id}/status", headers=HX).status_code == 200
    finally:
        sql_events.remove(Engine, "before_cursor_execute", keep)
    assert read and not [s for s in read if re.search(r"\bFROM product\b", s)]
    assert "Check and export products" in client.get(f"/stores/{store.id}/status").get_data(
        as_text=True)  # the whole page, without htmx, still has it
