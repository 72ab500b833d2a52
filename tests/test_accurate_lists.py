"""Accurate's lists for the mapping form: one copy in Redis for every web process, dropped
when a place is added, and read anew each time where there is no Redis."""

import pytest
from flask import current_app

from isacc import create_app, outlets
from isacc.accurate import connection
from isacc.extensions import db
from isacc.models import Store
from tests.test_outlet_mapping import owner  # noqa: F401 - the fixture


@pytest.fixture
def store(owner):  # noqa: F811 - the fixture imported above
    _, store_id, _ = owner
    return db.session.get(Store, store_id)


def behind_isaccs_back(store, name: str) -> None:
    """A warehouse added in Accurate itself, not through isacc."""
    connection.client_for(store).save("warehouse", {"name": name})


def test_every_process_reads_one_copy_and_adding_a_place_renews_it(store, migrated):
    assert "Gudang Luar" not in outlets.choices(store).warehouses
    behind_isaccs_back(store, "Gudang Luar")
    other_process = create_app(dict(migrated, **{
        k: current_app.config[k] for k in ("ACCURATE_ACCOUNT_URL", "ACCURATE_CLIENT_ID",
                                           "ACCURATE_CLIENT_SECRET")}))
    with other_process.app_context():
        # The copy the first one read, not a call to Accurate of its own.
        assert "Gudang Luar" not in outlets.choices(db.session.get(Store, store.id)).warehouses
        outlets.add_place(db.session.get(Store, store.id), "warehouse", "Gudang Baru")
        db.session.remove()
    assert {"Gudang Luar", "Gudang Baru"} <= set(outlets.choices(store).warehouses)


def test_a_form_naming_a_place_the_copy_lacks_is_checked_against_accurate_anew(store):
    outlets.choices(store)
    behind_isaccs_back(store, "Gudang Luar")
    assert "Gudang Luar" in outlets.choices_for(store, {"warehouse_name": "Gudang Luar"}).warehouses


def test_without_redis_accurate_is_read_anew_each_time(store):
    # One process without Redis, as `make run` without it (its limiter is in-process too).
    current_app.config.update(REDIS_URL="redis://127.0.0.1:1/0", ISACC_LOCAL_WORKER=True)
    current_app.extensions.pop("isacc_redis", None)
    assert "Gudang Luar" not in outlets.choices(store).warehouses
    behind_isaccs_back(store, "Gudang Luar")
    assert "Gudang Luar" in outlets.choices(store).warehouses
    outlets.add_place(store, "warehouse", "Gudang Baru")
    assert "Gudang Baru" in outlets.choices(store).warehouses


def test_the_web_process_of_make_run_without_redis_reaches_accurate(store):
    """`make run` without Redis runs the web app beside a local worker: the web process's
    calls to Accurate (the mapping form's lists) are limited in-process too, not refused for
    want of Redis (devserver sets ISACC_WITHOUT_REDIS for it)."""
    current_app.config.update(REDIS_URL="redis://127.0.0.1:1/0", WITHOUT_REDIS=True)
    current_app.extensions.pop("isacc_redis", None)
    assert "Gudang Kemang" in outlets.choices(store).warehouses
