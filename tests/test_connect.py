"""Connecting a store to Accurate (the sandbox) from the Connect page."""

import re
from urllib.parse import urlsplit

import pytest
from flask import current_app

from isacc.accurate import oauth, scopes
from isacc.extensions import db
from isacc.models import Role, Store
from isacc.redis_conn import get_redis
from isacc.sandbox.testing import give_access
from tests.accurate.conftest import sandbox_config
from tests.conftest import csrf_from, login, make_store, make_user, post_event


@pytest.fixture
def owner(app, client, sandbox):
    app.config.update(sandbox_config(sandbox))
    current_app.config.update(sandbox_config(sandbox))
    store = make_store("Toko A")
    user = make_user(Role.OWNER, store)
    db.session.commit()
    login(client, user.email)
    return client, store.id


def start(client, store_id) -> str:
    page = client.get(f"/stores/{store_id}/connect/").get_data(as_text=True)
    answer = client.post(f"/stores/{store_id}/connect/start",
                         data={"csrf_token": csrf_from(page)})
    assert answer.status_code == 302
    return answer.headers["Location"]


def back_to_isacc(client, location: str):
    parts = urlsplit(location)
    return client.get(f"{parts.path}?{parts.query}")


def consent(client, store_id, untick=()) -> str:
    """Through Accurate's consent (with `untick` unticked) back to isacc: the page it shows."""
    answer = back_to_isacc(client, give_access(start(client, store_id), untick=untick))
    assert answer.headers["Location"] == f"/stores/{store_id}/connect/database"
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Kopi Nusantara" in page and "Toko Contoh" in page
    return page


def choose(client, store_id, page, database_id="101"):
    return client.post(f"/stores/{store_id}/connect/database",
                       data={"csrf_token": csrf_from(page), "database_id": database_id})


def connect(client, store_id, database_id="101"):
    return choose(client, store_id, consent(client, store_id), database_id)


def test_connect_give_access_choose_the_database(owner):
    client, store_id = owner
    chosen = connect(client, store_id)
    assert chosen.headers["Location"] == f"/stores/{store_id}/"
    overview = client.get(chosen.headers["Location"]).get_data(as_text=True)
    assert "Connected</span> to <strong>Kopi Nusantara" in overview


def test_disconnect_then_connect_again(owner):
    client, store_id = owner
    connect(client, store_id)
    page = client.get(f"/stores/{store_id}/connect/").get_data(as_text=True)
    gone = client.post(f"/stores/{store_id}/connect/disconnect",
                       data={"csrf_token": csrf_from(page)}, follow_redirects=True)
    assert "Disconnected from Accurate" in gone.get_data(as_text=True)
    assert "not connected to Accurate yet" in gone.get_data(as_text=True)
    again = connect(client, store_id, database_id="102")
    overview = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "Toko Contoh" in overview


def test_a_denied_consent_says_so_and_changes_nothing(owner):
    client, store_id = owner
    answer = back_to_isacc(client, give_access(start(client, store_id), decision="deny"))
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Accurate access was not given" in page and "not connected" in page
    db.session.expire_all()
    assert db.session.get(Store, store_id).accurate is None  # no connection was stored


def test_a_forged_state_is_refused_with_a_message(owner):
    client, store_id = owner
    start(client, store_id)
    answer = client.get("/connect/callback?code=abc&state=forged", follow_redirects=True)
    assert answer.status_code == 200
    assert "did not start here" in answer.get_data(as_text=True)


def test_a_used_or_expired_code_is_refused_with_a_message(owner):
    client, store_id = owner
    location = give_access(start(client, store_id))
    back_to_isacc(client, location)  # the code is spent here
    start(client, store_id)
    parts = urlsplit(location)
    with client.session_transaction() as session:
        state = session["accurate_oauth"]["state"]
    query = parts.query.split("&state=")[0] + f"&state={state}"
    answer = client.get(f"{parts.path}?{query}", follow_redirects=True)
    assert "did not accept the sign-in" in answer.get_data(as_text=True)


def test_support_cannot_connect_a_store(app, client, sandbox):
    store = make_store("Toko A")
    support = make_user(Role.SUPPORT)
    db.session.commit()
    login(client, support.email)
    page = client.get(f"/stores/{store.id}/connect/").get_data(as_text=True)
    assert "Connect to Accurate</button>" not in page
    answer = client.post(f"/stores/{store.id}/connect/start",
                         data={"csrf_token": csrf_from(page)})
    assert answer.status_code == 403


def test_documents_waiting_for_a_database_go_to_the_workers_once_one_is_chosen(owner):
    client, store_id = owner
    store = db.session.get(Store, store_id)
    post_event(client, store, "outlets", {"event_id": "o", "outlet": {"id": "OUT-1",
                                                                        "name": "Kemang"}})
    answer = post_event(client, store, "customers", {"event_id": "c", "customer": {
        "id": "C1", "name": "Pelanggan"}})
    assert answer.status_code == 202
    queued = f"isacc:lane:{store_id}:store:queued"
    get_redis().delete(queued)  # as after a worker took the job and found no connection
    connect(client, store_id)
    assert get_redis().exists(queued)


def test_disconnect_asks_first_and_says_what_it_does(owner):
    client, store_id = owner
    before = client.get(f"/stores/{store_id}/connect/").get_data(as_text=True)
    assert "Connecting opens Accurate's sign-in" in before
    assert 'data-testid="disconnect"' not in before
    connect(client, store_id)
    page = client.get(f"/stores/{store_id}/connect/").get_data(as_text=True)
    asks = re.search(r'<form method="post" action="/stores/\d+/connect/disconnect"'
                     r' class="inline" data-confirm="([^"]+)">', page)
    assert asks and "Syncing stops until you connect again" in asks[1]
    assert "nothing already in Accurate is removed" in asks[1]
    assert 'data-testid="disconnect"' in page
    assert "Connecting opens Accurate" not in page


def test_unticked_permissions_are_kept_named_on_the_connect_page_and_a_reconnect_mends_them(
        owner):
    client, store_id = owner
    unticked = {"sales_invoice_save", "customer_save"}
    page = consent(client, store_id, untick=unticked)
    # Said at once, where the owner lands after Accurate...
    assert "did not approve every permission" in page
    assert "customer_save, sales_invoice_save" in page
    choose(client, store_id, page)
    # ...kept as Accurate's approved-scope.do lists it...
    db.session.expire_all()
    link = db.session.get(Store, store_id).accurate
    assert set(link.scope.split()) == set(oauth.SCOPES.split()) - unticked
    assert scopes.missing(link) == ["customer_save", "sales_invoice_save"]
    # ...and named on the Connect page, with the way to mend it.
    page = client.get(f"/stores/{store_id}/connect/").get_data(as_text=True)
    named = re.search(r'<dd data-testid="missing-scopes">(.*?)</dd>', page, re.S)
    assert named and "<code>customer_save</code>" in named[1]
    assert "<code>sales_invoice_save</code>" in named[1]
    assert "Connect to Accurate</button>" in page

    page = consent(client, store_id)  # again, every permission left ticked
    assert "did not approve" not in page
    choose(client, store_id, page)
    db.session.expire_all()
    link = db.session.get(Store, store_id).accurate
    assert set(link.scope.split()) == set(oauth.SCOPES.split())
    assert scopes.missing(link) == []
    page = client.get(f"/stores/{store_id}/connect/").get_data(as_text=True)
    assert 'data-testid="missing-scopes"' not in page
    assert "Connect to Accurate</button>" not in page
