"""A store's iSeller token is refreshed before it lapses and when iSeller says it has, once per
store however many workers notice at the same moment, and a refused refresh asks the owner
to connect again (#17). iSeller rotates refresh tokens [G, a13]: spending one twice is what
would disconnect a store, so the sandbox's token endpoint is watched over real HTTP."""

import threading
import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import current_app
from werkzeug.serving import make_server
from werkzeug.wrappers import Response

from isacc.accurate.errors import ReconnectRequired, RetryableError
from isacc.extensions import db
from isacc.iseller import connection, oauth, session
from isacc.isellersandbox.testing import grant_access
from isacc.models import ConnectionStatus, Role, Store
from isacc.models.base import utcnow
from tests.conftest import login, make_store, make_user

CALLBACK = "http://localhost/connect/iseller/callback"  # registered in the sandbox


class TokenEndpoint:
    """Counts the calls reaching the sandbox's /oauth/token (after the grant, each one is a
    refresh) and can make them slow, as a busy iSeller would be."""

    def __init__(self, wsgi_app):
        self.wsgi_app, self.calls, self.delay = wsgi_app, 0, 0.0
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        if environ["PATH_INFO"] == "/oauth/token":
            with self.lock:
                self.calls += 1
            time.sleep(self.delay)
        return self.wsgi_app(environ, start_response)


@pytest.fixture
def token_endpoint(app, iseller):
    for config in (app.config, current_app.config):
        config["ISELLER_OAUTH_URL"] = iseller.url
    watched = TokenEndpoint(iseller.app.wsgi_app)
    iseller.app.wsgi_app = watched
    return watched


def connect(name: str) -> int:
    """A store connected the way the Connect page does it: sign-in, Grant, code exchange."""
    store = make_store(name)
    db.session.commit()
    target, _state = oauth.authorization_url(current_app.config, CALLBACK)
    code = parse_qs(urlsplit(grant_access(target)).query)["code"][0]
    connection.save_grant(store, oauth.exchange_code(current_app.config, CALLBACK, code))
    return store.id


@pytest.fixture
def store_id(token_endpoint):
    store_id = connect("Toko Token")
    token_endpoint.calls = 0  # the code exchange is not a refresh
    return store_id


def sandbox_tokens(iseller) -> int:
    """Token pairs the sandbox issued: one per grant and one per successful refresh."""
    return iseller.app.extensions["iseller_sandbox"].accounts.query(
        "SELECT count(*) AS n FROM token")[0]["n"]


def stored(store_id: int):
    db.session.expire_all()
    return db.session.get(Store, store_id).iseller


def store_name(store_id: int) -> str:
    answer = session.call(db.session.get(Store, store_id), "GetStoreInfo")
    return answer["store_info"]["store_name"]


def in_workers(app, store_id: int, delays) -> list[BaseException]:
    """Each worker its own thread, app context and database session, calling iSeller."""
    errors, start = [], threading.Barrier(len(delays))

    def worker(delay):
        with app.app_context():
            try:
                start.wait(timeout=10)
                time.sleep(delay)
                assert store_name(store_id) == "kopinusantara"
            except BaseException as error:  # noqa: BLE001 - reported to the test
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(delay,)) for delay in delays]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_a_call_after_the_token_lapsed_refreshes_and_succeeds(store_id, iseller,
                                                             token_endpoint):
    before = stored(store_id)
    old_access, old_refresh = before.access_token, before.refresh_token
    iseller.admin("tokens/expire", {})
    assert store_name(store_id) == "kopinusantara"
    after = stored(store_id)
    assert token_endpoint.calls == 1
    assert after.access_token != old_access and after.refresh_token != old_refresh
    assert after.token_expires_at > utcnow() + timedelta(days=13)
    assert after.status == ConnectionStatus.CONNECTED


def test_a_token_near_its_expiry_is_refreshed_before_the_call(store_id, token_endpoint):
    link = stored(store_id)
    old_access = link.access_token
    link.token_expires_at = utcnow() + timedelta(days=1)  # 13 days after the grant
    db.session.commit()
    assert store_name(store_id) == "kopinusantara"
    assert token_endpoint.calls == 1
    after = stored(store_id)
    assert after.access_token != old_access
    assert after.token_expires_at > utcnow() + timedelta(days=13)


def test_a_token_with_days_left_is_not_refreshed(store_id, token_endpoint):
    link = stored(store_id)
    link.token_expires_at = utcnow() + timedelta(days=3)
    db.session.commit()
    access = link.access_token
    assert store_name(store_id) == "kopinusantara"
    assert token_endpoint.calls == 0 and stored(store_id).access_token == access


@pytest.mark.parametrize("lock", ["redis", "in-process"])
def test_many_workers_with_a_lapsed_token_refresh_it_once(lock, app, store_id, iseller,
                                                          token_endpoint):
    if lock == "in-process":  # `make run` without Redis: the workers are threads of one process
        app.config["ISACC_LOCAL_WORKER"] = True
    iseller.admin("tokens/expire", {})
    token_endpoint.delay = 0.3  # every worker meets the 401 while the refresh is under way
    errors = in_workers(app, store_id, [0] * 8)
    assert not errors, errors
    assert token_endpoint.calls == 1
    assert sandbox_tokens(iseller) == 2  # the grant's pair and the one refresh's
    assert stored(store_id).status == ConnectionStatus.CONNECTED


def test_many_workers_with_a_token_near_expiry_refresh_it_once(app, store_id, iseller,
                                                               token_endpoint):
    link = stored(store_id)
    link.token_expires_at = utcnow() + timedelta(hours=5)
    db.session.commit()
    token_endpoint.delay = 0.3
    errors = in_workers(app, store_id, [0] * 8)
    assert not errors, errors
    assert token_endpoint.calls == 1 and sandbox_tokens(iseller) == 2


def test_a_worker_holding_a_stale_token_takes_the_one_another_worker_stored(
        app, store_id, iseller, token_endpoint):
    stale = db.session.get(Store, store_id)  # this worker read the store and its token
    old_access = stale.iseller.access_token
    iseller.admin("tokens/expire", {})
    assert not in_workers(app, store_id, [0])  # another worker refreshes meanwhile
    assert stale.iseller.access_token == old_access  # still the spent one here
    assert session.call(stale, "GetStoreInfo")["store_info"]["store_name"] == "kopinusantara"
    assert token_endpoint.calls == 1
    assert stored(store_id).status == ConnectionStatus.CONNECTED


def test_a_worker_seeing_an_old_expiry_does_not_refresh_again(app, store_id, iseller,
                                                              token_endpoint):
    link = stored(store_id)
    link.token_expires_at = utcnow() + timedelta(hours=5)
    db.session.commit()
    stale = db.session.get(Store, store_id)
    assert stale.iseller.token_expires_at < utcnow() + timedelta(days=1)
    assert not in_workers(app, store_id, [0])  # another worker refreshes ahead of expiry
    assert session.call(stale, "GetStoreInfo")["status"] is True
    assert token_endpoint.calls == 1 and sandbox_tokens(iseller) == 2


def test_a_refresh_slower_than_its_lock_leaves_the_store_connected(app, store_id, iseller,
                                                                   token_endpoint,
                                                                   monkeypatch):
    assert sum(oauth.TIMEOUT) < connection.REFRESH_LOCK_SECONDS
    monkeypatch.setattr(connection, "REFRESH_LOCK_SECONDS", 0.5)
    token_endpoint.delay = 1.2  # longer than the lock: the second worker takes it over
    iseller.admin("tokens/expire", {})
    errors = in_workers(app, store_id, [0, 0.7])
    assert not errors, errors
    # The second worker spent the rotated refresh token and was refused; the store holds the
    # first worker's valid token, so it is not "reconnect needed".
    assert stored(store_id).status == ConnectionStatus.CONNECTED
    assert store_name(store_id) == "kopinusantara"


def revoke_everything(iseller) -> None:
    """iSeller forgets isacc's grant (the merchant removed the app, say)."""
    iseller.app.extensions["iseller_sandbox"].accounts.run("UPDATE token SET revoked = 1")


def test_a_refused_refresh_asks_the_owner_to_connect_again(store_id, iseller, token_endpoint):
    revoke_everything(iseller)
    with pytest.raises(ReconnectRequired) as refused:
        store_name(store_id)
    assert "iSeller refused to renew isacc's access" in str(refused.value.reason)
    assert "Connect to iSeller again" in str(refused.value.next_step)
    assert stored(store_id).status == ConnectionStatus.NEEDS_RECONNECT
    # Later calls wait for the owner without asking iSeller again.
    with pytest.raises(ReconnectRequired):
        store_name(store_id)
    assert token_endpoint.calls == 1


def test_the_connect_page_says_isellers_access_must_be_granted_again(app, client, store_id,
                                                                      iseller):
    revoke_everything(iseller)
    with pytest.raises(ReconnectRequired):
        store_name(store_id)
    user = make_user(Role.OWNER, db.session.get(Store, store_id))
    db.session.commit()
    login(client, user.email)
    page = client.get(f"/stores/{store_id}/connect/").get_data(as_text=True)
    assert 'data-testid="iseller-state">iSeller refused our access: connect again' in page
    assert "Connect to iSeller again" in page


def test_iseller_out_of_reach_during_a_refresh_is_retried_later(store_id, iseller, app):
    before = stored(store_id)
    tokens = (before.access_token, before.refresh_token)
    iseller.admin("tokens/expire", {})
    for config in (app.config, current_app.config):
        config["ISELLER_OAUTH_URL"] = "http://127.0.0.1:9"  # nothing listens there
    with pytest.raises(RetryableError):
        store_name(store_id)
    after = stored(store_id)
    assert after.status == ConnectionStatus.CONNECTED
    assert (after.access_token, after.refresh_token) == tokens


@pytest.fixture
def forbidding_store_host():
    """A store host that answers every call 403: the token is fine, its rights are not."""
    server = make_server("127.0.0.1", 0, Response('{"status": false}', status=403,
                                                  content_type="application/json"))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_a_403_is_not_taken_for_a_lapsed_token(store_id, token_endpoint,
                                               forbidding_store_host):
    link = stored(store_id)
    link.api_host = forbidding_store_host
    db.session.commit()
    with pytest.raises(ReconnectRequired):
        store_name(store_id)
    assert token_endpoint.calls == 0
    assert stored(store_id).status == ConnectionStatus.CONNECTED


def test_the_tick_refreshes_a_store_due_and_leaves_a_fresh_one_alone(token_endpoint, iseller):
    from jobs.iseller import refresh_tokens

    due, fresh, refused = connect("Toko Sepi"), connect("Toko Ramai"), connect("Toko Lama")
    for store_id, left in ((due, timedelta(days=1)), (fresh, timedelta(days=13)),
                           (refused, timedelta(hours=1))):
        stored(store_id).token_expires_at = utcnow() + left
        db.session.commit()
    iseller.app.extensions["iseller_sandbox"].accounts.run(
        "UPDATE token SET revoked = 1 WHERE access = ?", stored(refused).access_token)
    tokens = {store_id: stored(store_id).access_token for store_id in (due, fresh)}
    token_endpoint.calls = 0
    assert refresh_tokens() == {"refreshed": 1, "reconnect_needed": 1, "retry_later": 0}
    assert token_endpoint.calls == 2
    assert stored(due).access_token != tokens[due]
    assert stored(due).token_expires_at > utcnow() + timedelta(days=13)
    assert stored(fresh).access_token == tokens[fresh]
    assert stored(refused).status == ConnectionStatus.NEEDS_RECONNECT
    # The next tick has nothing to do: the store waiting for its owner is not asked again.
    assert refresh_tokens() == {"refreshed": 0, "reconnect_needed": 0, "retry_later": 0}
    assert token_endpoint.calls == 2


def test_a_refresh_put_off_by_iseller_out_of_reach_still_calls_with_the_valid_token(
        store_id, iseller, app):
    link = stored(store_id)
    link.token_expires_at = utcnow() + timedelta(days=1)
    db.session.commit()
    tokens = (link.access_token, link.refresh_token)
    for config in (app.config, current_app.config):
        config["ISELLER_OAUTH_URL"] = "http://127.0.0.1:9"  # the store host still answers
    assert store_name(store_id) == "kopinusantara"
    assert (stored(store_id).access_token, stored(store_id).refresh_token) == tokens
