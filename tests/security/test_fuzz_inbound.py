"""Fuzzing the signed inbound API with hypothesis: whatever iSeller (or anyone holding a
key) sends, the answer is 202 or a 4xx that says what was wrong, never a 500, and a refusal
stores nothing. `make test` runs a short round; a long one is

    ISACC_FUZZ_EXAMPLES=5000 ISACC_TEST_DB=postgresql \
        .venv/bin/python -m pytest tests/security/test_fuzz_inbound.py
"""

import copy
import itertools
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from isacc.extensions import db
from isacc.inbound.schemas import EVENTS
from tests.conftest import make_store, post_event

EXAMPLES = int(os.environ.get("ISACC_FUZZ_EXAMPLES", "40"))
# A fresh event id per example: the examples of a test share one store, and hypothesis may
# draw the same uuid twice, whose repeat the API rightly answers 200 "duplicate".
EVENT_IDS = (f"fuzz-{n}" for n in itertools.count())
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
T0 = "2026-11-24T10:15:00+07:00"
VALID = {
    "sales-orders": {"order": {
        "id": "o-1", "number": "INV-1", "outlet_id": "OUT-1", "ordered_at": T0,
        "lines": [{"sku": "K-1", "name": "Kopi", "quantity": 2, "unit_price": 25000}],
        "payments": [{"method": "cash", "amount": 50000}]}},
    "transfers": {"transfer": {
        "id": "t-1", "number": "TR-1", "from_outlet_id": "OUT-1", "to_warehouse_name": "Gudang",
        "sent_at": T0, "lines": [{"sku": "K-1", "quantity": 1}]}},
    "outlets": {"outlet": {"id": "OUT-2", "name": "Dago", "payment_methods": ["cash"]}},
}
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=4),
    max_leaves=12)


def stored() -> dict:
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def paths_in(value, prefix=()):
    """Every path to a value inside a JSON document."""
    yield prefix
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from paths_in(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from paths_in(inner, (*prefix, index))


def check(client, store, path, payload):
    before = stored()
    answer = post_event(client, store, path, payload)
    assert answer.status_code < 500, (path, payload)
    if answer.status_code == 202:
        return
    db.session.expire_all()
    if answer.status_code == 200:
        # The examples share one store: a valid order an earlier example stored comes back
        # under a fresh event id as the same record, which is rightly a duplicate.
        assert answer.get_json()["status"] == "duplicate"
        assert stored() == {**before, "inbound_event": before["inbound_event"] + 1}
        return
    assert 400 <= answer.status_code < 500
    body = answer.get_json()
    assert isinstance(body, dict) and body.get("error"), body
    for problem in body.get("problems", []):
        assert problem.get("field") is not None and problem.get("message"), problem
    db.session.expire_all()
    assert stored() == before, (path, payload, body)


@pytest.fixture
def store(app, client):
    """One store with one outlet for all the examples of a test."""
    store = make_store("Toko Fuzz")
    db.session.commit()
    answer = post_event(client, store, "outlets", {"event_id": "setup", "outlet": {
        "id": "OUT-1", "name": "Kemang", "payment_methods": ["cash"]}})
    assert answer.status_code == 202
    return store


@FUZZ
@given(path=st.sampled_from(sorted(EVENTS)), body=json_values)
def test_any_json_body_is_accepted_or_refused_with_reasons(client, store, path, body):
    payload = dict(body, event_id=next(EVENT_IDS)) if isinstance(body, dict) else body
    check(client, store, path, payload)


@FUZZ
@given(data=st.data())
def test_a_valid_event_with_one_field_replaced_is_accepted_or_refused_with_reasons(
        client, store, data):
    path = data.draw(st.sampled_from(sorted(VALID)))
    payload = copy.deepcopy(VALID[path])
    target = data.draw(st.sampled_from([p for p in paths_in(payload) if p]))
    *parents, last = target
    holder = payload
    for key in parents:
        holder = holder[key]
    holder[last] = data.draw(json_values)
    check(client, store, path, dict(payload, event_id=next(EVENT_IDS)))
