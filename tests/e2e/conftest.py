"""Browser tests: the app served over real HTTP, driven by Debian's Chromium via Playwright."""

from pathlib import Path

import pytest
from flask import current_app
from playwright.sync_api import expect, sync_playwright

from isacc.accurate import connection
from isacc.demo import build_demo
from tests.accurate.conftest import DATABASE, grant, sandbox_config

CHROMIUM = Path("/usr/bin/chromium")
# A slow machine (2 cores, a browser and several servers) must not turn waits into failures.
expect.set_options(timeout=15_000)
# Without the background-networking flags Chromium keeps dialling Google on a machine with
# no internet; the others keep it quiet and headless-friendly as root.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.exit("Chromium is missing at /usr/bin/chromium: run `make browser`", returncode=3)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def connected_demo(app, sandbox):
    """The demo store, connected to the sandbox's Kopi Nusantara. The test's own code runs in
    a twin app's context: both talk to the sandbox."""
    for config in (app.config, current_app.config):
        config.update(sandbox_config(sandbox))
    store = build_demo()
    connection.save_token(store, grant(current_app.config))
    connection.choose_database(store, DATABASE, "Kopi Nusantara")
    return store


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def sign_in(page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
