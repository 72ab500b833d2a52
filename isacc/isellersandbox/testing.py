"""Driving the iSeller sandbox's sign-in as a merchant would, for tests and benchmarks: open
the authorize URL, sign in to the store, press Grant (or Cancel), return where it redirects."""

import html
import re
from urllib.parse import urljoin

import requests

from isacc.isellersandbox import settings

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def grant_access(authorize_url: str, decision: str = "grant") -> str:
    """The redirect_uri URL (with code and state, or error) the merchant is sent back to."""
    browser = requests.Session()
    page = browser.get(authorize_url, timeout=10)
    page.raise_for_status()
    if 'name="password"' in page.text:
        page = browser.post(urljoin(authorize_url, "/oauth/login"), timeout=10, data={
            "next": html.unescape(dict(HIDDEN.findall(page.text))["next"]),
            "email": settings.DEFAULTS["USER_EMAIL"],
            "password": settings.DEFAULTS["USER_PASSWORD"],
        })
        page.raise_for_status()
    form = {name: html.unescape(value) for name, value in HIDDEN.findall(page.text)}
    answer = browser.post(urljoin(authorize_url, "/oauth/grant"), timeout=10,
                          data={**form, "decision": decision}, allow_redirects=False)
    if answer.status_code != 302:
        raise RuntimeError(f"the iSeller sandbox did not redirect after Grant: "
                           f"{answer.status_code}")
    return answer.headers["Location"]
