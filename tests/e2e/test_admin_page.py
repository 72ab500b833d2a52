"""In Chromium: an admin sets up a store and its owner, and later takes the owner's access away."""

import re

from playwright.sync_api import expect

from isacc.extensions import db
from isacc.models import Role
from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import sign_in

OWNER_EMAIL, OWNER_PASSWORD = "sari@kopi.test", "sari's first password"


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to isacc")).to_be_visible()


def test_admin_creates_a_store_and_its_owner_then_deactivates_the_owner(
        live_server, page, browser):
    admin = make_user(Role.ADMIN, email="admin@isacc.test")
    db.session.commit()
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    sign_in(page, live_server, admin.email, PASSWORD)

    # A store, with its inbound key and webhook URL shown this once.
    page.get_by_test_id("nav-admin").click()
    expect(page.get_by_text("No stores yet.")).to_be_visible()
    page.get_by_test_id("new-store").click()
    page.get_by_label("Name").fill("Kopi Senja")
    page.get_by_label("iSeller store id").fill("kopi senja")
    page.get_by_label("Time zone").select_option("Asia/Makassar")
    page.get_by_role("button", name="Create store").click()
    expect(page.get_by_label("iSeller store id")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#iseller_id-error")).to_contain_text("Up to 64 letters")
    page.get_by_label("iSeller store id").fill("kopi-senja")
    page.get_by_role("button", name="Create store").click()
    expect(page.get_by_role("heading", name="Store created: Kopi Senja")).to_be_visible()
    expect(page.get_by_test_id("inbound-key")).to_have_text(re.compile(r"^[\w-]{40,}$"))
    expect(page.get_by_test_id("webhook-url")).to_contain_text("/webhooks/accurate/")

    # Its owner, the store chosen already.
    page.get_by_test_id("new-owner").click()
    expect(page.get_by_label("Role")).to_have_value("owner")
    expect(page.get_by_label("Store")).to_contain_text("Kopi Senja")
    page.get_by_label("E-mail").fill(OWNER_EMAIL)
    page.get_by_label("Name").fill("Sari")
    page.get_by_label("Initial password").fill(OWNER_PASSWORD)
    page.get_by_role("button", name="Create user").click()
    expect(page.get_by_test_id("user-status")).to_contain_text("Active")
    owner_page_url = page.url
    sign_out(page)

    # The owner signs in and lands on the store's overview.
    owners = browser.new_context().new_page()
    sign_in(owners, live_server, OWNER_EMAIL, OWNER_PASSWORD)
    expect(owners.get_by_role("heading", name="Kopi Senja", level=1)).to_be_visible()
    expect(owners).to_have_url(re.compile(r"/stores/\d+/$"))
    expect(owners.get_by_test_id("nav-admin")).to_have_count(0)

    # The admin deactivates the owner (after confirming); the owner's open session ends.
    sign_in(page, live_server, admin.email, PASSWORD)
    page.get_by_test_id("nav-admin").click()
    page.get_by_role("link", name="Users").click()
    page.get_by_label("Role").select_option("owner")  # htmx: the rows change, no reload
    expect(page).to_have_url(re.compile(r"/admin/users\?role=owner&store=$"))
    expect(page.get_by_test_id("admin-users")).not_to_contain_text(admin.email)
    page.get_by_role("link", name=OWNER_EMAIL).click()
    expect(page).to_have_url(owner_page_url)
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_test_id("deactivate").click()
    expect(page.get_by_test_id("user-status")).to_contain_text("Deactivated")
    assert asked and OWNER_EMAIL in asked[0]

    owners.reload()
    expect(owners.get_by_role("heading", name="Sign in to isacc")).to_be_visible()
    sign_in(owners, live_server, OWNER_EMAIL, OWNER_PASSWORD)
    expect(owners.get_by_test_id("login-error")).to_have_text(
        "Your account is deactivated. Ask an isacc admin to reactivate it.")
    owners.context.close()
    assert refused == []
