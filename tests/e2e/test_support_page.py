"""The support pages in a browser: a failure ticked and sent again, from across stores."""

import re

from playwright.sync_api import expect

from isacc.extensions import db
from isacc.models import Role, Status, SyncActivity, WebhookLog
from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import sign_in
from tests.test_support import failures  # noqa: F401 - the fixture


def test_support_refreshes_a_ticked_failure_and_it_leaves_the_list(live_server, page,
                                                                   failures):  # noqa: F811
    rows, _ = failures
    support = make_user(Role.SUPPORT)
    db.session.commit()
    sign_in(page, live_server, support.email, PASSWORD)
    page.goto(f"{live_server}/support/")
    first, second = (rows[name][0] for name in ("Toko A", "Toko B"))
    expect(page.get_by_test_id(f"support-{first.id}")).to_be_visible()
    page.get_by_label("Store").select_option(label="Toko B")  # an htmx swap, in the URL
    expect(page).to_have_url(re.compile(rf"store={second.store_id}"))
    expect(page.get_by_test_id(f"support-{first.id}")).to_have_count(0)
    page.get_by_label("Store").select_option("")
    page.get_by_label("Select INV-Toko A").check()
    page.get_by_role("button", name="Refresh selected").click()
    expect(page.locator(".toast")).to_contain_text("Sending 1 row again.")
    expect(page.get_by_test_id(f"support-{first.id}")).to_have_count(0)
    expect(page.get_by_test_id(f"support-{second.id}")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(SyncActivity, first.id).status == Status.PENDING

    page.get_by_role("link", name="Accurate → iSeller").click()
    webhook = rows["Toko B"][1]
    page.get_by_role("button", name="Refresh RI-Toko B").click()
    expect(page.locator(".toast")).to_contain_text("Applying 1 event again.")
    expect(page.get_by_test_id(f"support-webhook-{webhook.id}")).to_have_count(0)
    db.session.expire_all()
    assert db.session.get(WebhookLog, webhook.id).status == Status.PENDING
