"""Accurate's webhook is renewed daily per connected store, the overview hears when that
fails, and notices that never arrived are fetched from webhook-history.do and applied."""

import html
import re
from datetime import timedelta

import pytest
import requests
from freezegun import freeze_time

from isacc.extensions import db
from isacc.models import Role, Status
from isacc.models.base import utcnow
from isacc.webhooks import schedule
from isacc.webhooks.catch_up import catch_up
from isacc.webhooks.events import parse_stamp
from isacc.webhooks.renewal import renew, renewal_warning
from tests.conftest import login, make_user
from tests.webhooks.conftest import work


def connection_of(webshop):
    db.session.expire_all()
    return webshop.store.accurate


@pytest.mark.parametrize("clock", ["2026-11-29 16:59:00", "2026-11-29 17:01:00",
                                   "2026-11-29 23:59:00"])
def test_a_renewal_lasts_six_to_seven_days_at_any_hour(webshop, clock):
    """Accurate names a day in Jakarta time (UTC+7); read as that day's start, the expiry
    is never later than Accurate's, and never a day short either side of midnight there."""
    with freeze_time(clock, tick=True):
        assert renew(webshop.store)
        lasts = connection_of(webshop).webhook_expires_at - utcnow()
    assert timedelta(days=6) < lasts <= timedelta(days=7)


def test_the_renewal_runs_daily_from_the_scheduler_tick(webshop):
    start = utcnow()
    with freeze_time(start):
        assert schedule.tick()["renewals"] == 1
    work()
    renewed = connection_of(webshop)
    assert renewed.webhook_renewed_at is not None and renewed.webhook_renew_error is None
    assert timedelta(days=6) < renewed.webhook_expires_at - utcnow() <= timedelta(days=7)
    assert renewal_warning(webshop.store) is None
    for hours in (1, 12, 23):
        with freeze_time(start + timedelta(hours=hours)):
            assert schedule.tick()["renewals"] == 0, hours
    with freeze_time(start + timedelta(hours=24, minutes=1)):
        assert schedule.tick()["renewals"] == 1
        assert schedule.tick()["renewals"] == 0  # enqueued once, not every minute


def test_a_failed_renewal_is_recorded_retried_hourly_and_warned_about(webshop):
    assert renew(webshop.store)
    webshop.sandbox.admin("revoke", {})
    assert not renew(webshop.store)
    failed = connection_of(webshop)
    assert failed.webhook_renew_error
    assert timedelta(minutes=59) < failed.webhook_renew_due_at - utcnow() <= timedelta(hours=1)
    warning = renewal_warning(webshop.store)
    assert warning.startswith("isacc could not renew Accurate's webhook")
    assert "stays active until" in warning


def test_the_warning_says_when_the_webhook_lapses_soon_or_lapsed(webshop):
    assert renew(webshop.store)
    with freeze_time(utcnow() + timedelta(days=3)):
        assert "has not been renewed for days" in renewal_warning(webshop.store)
    with freeze_time(utcnow() + timedelta(days=8)):
        assert renewal_warning(webshop.store).startswith("Accurate's webhook lapsed on")


@pytest.fixture
def owner(webshop) -> str:
    owner = make_user(Role.OWNER, webshop.store)
    db.session.commit()
    return owner.email


def owner_sees(webshop, owner: str, days_later: int = 0) -> str:
    """The webhook warning on the store's overview, as its owner sees it `days_later`
    (signed in then: a session lasts hours, not days)."""
    browser = webshop.isacc_client.application.test_client()
    with freeze_time(utcnow() + timedelta(days=days_later)):
        assert login(browser, owner).status_code == 302
        page = browser.get(f"/stores/{webshop.store.id}/")
    assert page.status_code == 200, page.headers.get("Location")
    found = re.search(r'data-testid="webhook-warning">([^<]*)<', page.get_data(as_text=True))
    return html.unescape(found.group(1)) if found else ""


def lapsed_notices(webshop) -> list[str]:
    return [notice["type"] for notice in webshop.sandbox.admin("webhook/notices")
            if notice["delivery"] == "not sent: the webhook lapsed"]


def test_with_the_renewal_job_stopped_notices_stop_after_7_days_and_the_overview_says_so(
        webshop, owner):
    webshop.product("K-1")
    assert renew(webshop.store)  # the last renewal before the job stopped
    webshop.purchase(quantity=1)
    webshop.wait_for_rows(1)
    webshop.sandbox.admin("clock", {"advance_days": 8})  # a week and a day in Accurate
    webshop.purchase(quantity=2)
    assert lapsed_notices(webshop) == ["PURCHASE_INVOICE"]  # made, kept, not sent
    assert len(webshop.rows()) == 1
    assert owner_sees(webshop, owner, days_later=8).startswith("Accurate's webhook lapsed on")
    # The job runs again: the renewal brings the notices back, and the warning goes.
    assert renew(webshop.store)
    webshop.purchase(quantity=3)
    assert [row.event_type for row in webshop.wait_for_rows(2)] == ["PURCHASE_INVOICE"] * 2
    assert lapsed_notices(webshop) == ["PURCHASE_INVOICE"]
    assert owner_sees(webshop, owner, days_later=8) == ""


def test_a_webhook_never_renewed_is_warned_about_before_it_lapses(webshop, owner):
    """The scheduler never ran: isacc has no expiry of its own to go by, so it counts from
    the connection, as Accurate counts from the webhook's set-up."""
    assert owner_sees(webshop, owner) == ""
    assert owner_sees(webshop, owner, days_later=2).startswith(
        "isacc has not renewed Accurate's webhook since the store was connected")
    webshop.sandbox.admin("clock", {"advance_days": 8})
    webshop.product("K-1")
    webshop.purchase(quantity=2)
    assert lapsed_notices(webshop) == ["PURCHASE_INVOICE"] and webshop.rows() == []
    assert owner_sees(webshop, owner, days_later=8).startswith(
        "Accurate's webhook has probably lapsed")


def test_the_catch_up_applies_notices_sent_while_isacc_was_unreachable(webshop):
    webshop.product("K-1")
    webshop.product("R-1")
    webshop.sandbox.admin("webhook", {"url": "http://127.0.0.1:9/down"})
    webshop.purchase(quantity=6)
    webshop.purchase(module="receive-item", quantity=4)
    assert webshop.rows() == []  # nothing arrived
    # The two purchases, and the items K-1 and R-1 setup_shop saved after connecting.
    assert catch_up(webshop.store) == 4
    work()
    assert sorted(r.event_type for r in webshop.rows()) == [
        "ITEM", "ITEM", "PURCHASE_INVOICE", "RECEIVE_ITEM"]
    assert [r.status for r in webshop.rows()] == [Status.SUCCESS] * 4
    assert webshop.stock("K-1") == (10, 0)
    assert catch_up(webshop.store) == 0  # the overlap finds the same notices: no new rows
    assert connection_of(webshop).webhook_history_until is not None


def test_the_catch_up_reads_a_long_gap_24_hours_a_call(webshop):
    connection = connection_of(webshop)
    connection.webhook_history_until = utcnow() - timedelta(days=2, hours=3)
    db.session.commit()
    calls = []
    real_get = requests.get

    def counting_get(url, **kwargs):
        if url.endswith("/api/webhook-history.do"):
            calls.append(kwargs["params"])
        return real_get(url, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(requests, "get", counting_get)
        assert catch_up(webshop.store) == 2  # the ITEM notices of setup_shop's items
    assert len(calls) == 3 and all(c["databaseId"] == 101 for c in calls)
    windows = [(parse_stamp(c["from"]), parse_stamp(c["to"])) for c in calls]
    assert all(end - start <= timedelta(hours=24) for start, end in windows)
    # Each window starts where the last one ended (or before): no gap.
    assert all(later[0] <= earlier[1] for earlier, later in zip(windows, windows[1:],
                                                                  strict=False))
    assert windows[-1][1] >= utcnow() - timedelta(seconds=5)


def test_the_tick_enqueues_the_catch_up_hourly(webshop):
    start = utcnow()
    with freeze_time(start):
        assert schedule.tick()["catch_ups"] == 1
    with freeze_time(start + timedelta(minutes=30)):
        assert schedule.tick()["catch_ups"] == 0
    with freeze_time(start + timedelta(hours=1, minutes=1)):
        assert schedule.tick()["catch_ups"] == 1
