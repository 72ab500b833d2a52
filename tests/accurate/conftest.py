"""A client connected to the sandbox, the way isacc connects: OAuth, database list, open-db."""

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest

from isacc.accurate import account, oauth
from isacc.accurate.client import AccurateClient, DatabaseAccess
from isacc.sandbox.testing import give_access

REDIRECT = "http://127.0.0.1:5000/connect/callback"
DATABASE = 101  # the sandbox's "Kopi Nusantara", two branches


def sandbox_config(sandbox) -> dict:
    return {"ACCURATE_ACCOUNT_URL": sandbox.url, "ACCURATE_CLIENT_ID": "isacc-sandbox",
            "ACCURATE_CLIENT_SECRET": "isacc-sandbox-secret"}


def grant(config, untick=()) -> oauth.Token:
    """Sign in and Give Access, leaving the scopes `untick` unticked on the consent page."""
    url, state = oauth.authorization_url(config, REDIRECT)
    back = parse_qs(urlsplit(give_access(url, untick=untick)).query)
    assert back["state"] == [state]
    return oauth.exchange_code(config, REDIRECT, back["code"][0])


@dataclass
class Connected:
    config: dict
    token: oauth.Token
    client: AccurateClient


@pytest.fixture
def connected(sandbox) -> Connected:
    config = sandbox_config(sandbox)
    token = grant(config)
    host, session = account.open_database(config, token.access_token, DATABASE)
    access = DatabaseAccess(DATABASE, host, token.access_token, session)
    client = AccurateClient(
        access, renew_session=lambda: account.renew_session(
            config, access.access_token, DATABASE, access.session_id))
    return Connected(config, token, client)


def every_scope() -> str:
    from isacc.sandbox.modules import MODULES

    return " ".join(f"{name.replace('-', '_')}_{action}" for name in MODULES
                    for action in ("view", "save", "delete"))


@pytest.fixture
def person(sandbox) -> AccurateClient:
    """A person's own Accurate access (every scope, unlike isacc's): enters, edits and
    deletes documents as the user would."""
    config = sandbox_config(sandbox)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(oauth, "SCOPES", every_scope())
        token = grant(config)
    host, session = account.open_database(config, token.access_token, DATABASE)
    return AccurateClient(DatabaseAccess(DATABASE, host, token.access_token, session))
