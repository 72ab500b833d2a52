"""In Chromium: a receipt paid by a method the outlet's mapping has no account for waits for
the owner; the row links to the outlet's form, the owner chooses the account there, and the
waiting receipt goes through."""

from playwright.sync_api import expect

from isacc.extensions import db
from isacc.models import Role, Status
from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import sign_in
from tests.sync.conftest import Shop, setup_shop


def test_an_owner_maps_a_new_payment_method_from_the_waiting_row_and_it_goes(
        app, client, live_server, sandbox, page):
    from flask import current_app

    from tests.accurate.conftest import sandbox_config
    for config in (app.config, current_app.config):
        config.update(sandbox_config(sandbox))
    shop = Shop(client, setup_shop(client, sandbox), sandbox)
    owner = make_user(Role.OWNER, shop.store)
    db.session.commit()
    _, cash, gopay = shop.order("INV-1", payments=[{"method": "cash", "amount": 20000},
                                                   {"method": "gopay", "amount": 30000}])
    shop.drain()
    assert shop.activity(cash).status == Status.SUCCESS
    assert shop.activity(gopay).status == Status.PENDING

    sign_in(page, live_server, owner.email, PASSWORD)
    page.goto(f"{live_server}/stores/{shop.store.id}/activity")
    row = page.get_by_test_id(f"activity-{gopay}")
    expect(row.get_by_test_id("waits-for-mapping")).to_contain_text(
        "Outlet Kemang has no account for GoPay payments yet.")
    row.get_by_role("link", name="Open outlet Kemang's mapping").click()
    method = page.locator("fieldset.payment-method", has_text="GoPay")
    method.get_by_label("Account its money lands in").select_option("1-10102")
    expect(method.get_by_label("Type of payment in Accurate")).to_have_value("OTHERS")
    page.get_by_role("button", name="Save mapping").click()
    expect(page.locator(".toast")).to_contain_text("Outlet Kemang is mapped and active.")

    shop.drain()  # what the workers do
    assert shop.activity(gopay).status == Status.SUCCESS
    page.goto(f"{live_server}/stores/{shop.store.id}/activity")
    expect(page.get_by_test_id(f"activity-{gopay}")).to_have_attribute("data-status",
                                                                        "success")
    receipt = shop.accurate.detail("sales-receipt", number="INV-1-2")
    assert (receipt["bankNo"], receipt["chequeAmount"]) == ("1-10102", 30000)
