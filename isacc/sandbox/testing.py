"""Driving the sandbox's sign-in as a person would, for tests, benchmarks and `make run`'s
smoke checks: open the authorize URL, sign in, untick what the test says, press Give Access,
return where it redirects."""

import html
import re
from collections.abc import Iterable
from urllib.parse import urljoin

import requests

from isacc.sandbox import settings

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
TICKED = re.compile(r'<input type="checkbox" name="approve" value="([^"]+)" checked>')


def give_access(authorize_url: str, decision: str = "allow", untick: Iterable[str] = ()) -> str:
    """The redirect_uri URL (with code and state, or error) the sandbox sends the user to;
    `untick`: scopes the user unticks on the consent page before pressing the button."""
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
    unticked = set(untick)
    approve = [html.unescape(scope) for scope in TICKED.findall(page.text)
               if html.unescape(scope) not in unticked]
    answer = browser.post(urljoin(authorize_url, "/oauth/consent"), timeout=10,
                          data={**form, "approve": approve, "decision": decision},
                          allow_redirects=False)
    if answer.status_code != 302:
        raise RuntimeError(f"the sandbox did not redirect after consent: {answer.status_code}")
    return answer.headers["Location"]
