"""Every body the published contract allows gets an answer, never a 500 (#15, finding 7).

The bodies come from the OpenAPI document iSeller's integrators read (/api/openapi.json),
through a small generator written here (hypothesis-jsonschema does not work with our
hypothesis): strings up to their maxLength in any characters, numbers up to the edges,
moments from year 1 to 9999, ids that name the store's real outlets, shifts, customers and
products, so most events get past the look-ups to the database. `make test` runs a short
round on each database; a long one is

    ISACC_FUZZ_EXAMPLES=2000 ISACC_TEST_DB=postgresql \
        .venv/bin/python -m pytest tests/security/test_schema_valid_bodies.py
"""

import itertools
import os
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from isacc.extensions import db
from isacc.inbound.openapi import document
from isacc.inbound.schemas import EVENTS
from tests.conftest import make_store, post_event

EXAMPLES = int(os.environ.get("ISACC_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])
EVENT_IDS = (f"schema-{n}" for n in itertools.count())
T0 = "2026-11-24T10:15:00+07:00"
# What the store has, by the id fields that name it (the rest of an id is drawn freely).
KNOWN = {"outlet_id": ["OUT-1", "OUT-2"], "from_outlet_id": ["OUT-1", "OUT-2"],
         "to_outlet_id": ["OUT-1", "OUT-2"], "shift_id": ["SH-1"], "customer_id": ["C-1"],
         "product_id": ["P-1"]}
LONGEST_LIST = 3  # lists are drawn short; their items' own limits are what matters here
offsets = st.builds(lambda minutes: timezone(timedelta(minutes=minutes)),
                    st.integers(-23 * 60 - 59, 23 * 60 + 59))
moments = st.one_of(
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30),
                 timezones=offsets),
    st.sampled_from([datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=7))),
                     datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-7))),
                     datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)]),
).map(datetime.isoformat)


def text(schema: dict) -> st.SearchStrategy:
    low, high = schema.get("minLength", 0), schema.get("maxLength", 300)
    if "pattern" in schema:
        return st.from_regex(schema["pattern"], fullmatch=True).filter(
            lambda s: low <= len(s) <= high)
    if schema.get("format") == "date-time":
        return moments
    # Any characters (NUL included), up to the limit and at it.
    return st.text(min_size=low, max_size=high) | st.text(
        st.characters(codec="utf-8"), min_size=high, max_size=high)


def number(schema: dict) -> st.SearchStrategy:
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    exclusive = "exclusiveMinimum" in schema
    whole = st.integers(min_value=None if low is None else int(low) + exclusive)
    edges = st.sampled_from([10**n - 1 for n in (12, 13, 16, 18, 24)]) | st.just(1)
    return whole | edges | st.floats(min_value=low, exclude_min=exclusive, allow_nan=False,
                                     allow_infinity=False)


def from_schema(schema: dict, components: dict, name: str | None = None):
    """A strategy for JSON values that `schema` (OpenAPI 3.1) allows."""
    if name in KNOWN and schema.get("type") == "string":
        return st.sampled_from(KNOWN[name]) | text(schema)
    if "$ref" in schema:
        return from_schema(components[schema["$ref"].rsplit("/", 1)[1]], components, name)
    if "anyOf" in schema:
        return st.one_of([from_schema(option, components, name) for option in schema["anyOf"]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "const" in schema:
        return st.just(schema["const"])
    kind = schema.get("type")
    if kind == "object":
        properties, required = schema.get("properties", {}), set(schema.get("required", ()))
        return st.fixed_dictionaries(
            {key: from_schema(inner, components, key) for key, inner in properties.items()
             if key in required},
            optional={key: from_schema(inner, components, key)
                      for key, inner in properties.items() if key not in required})
    if kind == "array":
        low = schema.get("minItems", 0)
        return st.lists(from_schema(schema["items"], components, name), min_size=low,
                        max_size=max(low, min(schema.get("maxItems", LONGEST_LIST),
                                              LONGEST_LIST)))
    if kind == "string":
        return text(schema)
    if kind == "number":
        # Decimal fields take a number or its text.
        return number(schema)
    if kind == "integer":
        return st.integers()
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    raise AssertionError(f"the generator does not know this schema: {schema}")


CONTRACT = document()
BODIES = {path: from_schema(
    CONTRACT["paths"][f"/api/v1/{path}"]["post"]["requestBody"]["content"]
    ["application/json"]["schema"], CONTRACT["components"]["schemas"])
    for path in sorted(EVENTS)}


@pytest.fixture
def store(app, client):
    """A store with two outlets, a shift, a customer and a product, for all the examples."""
    store = make_store("Toko Kontrak")
    db.session.commit()
    for event_id, path, payload in (
            ("o1", "outlets", {"outlet": {"id": "OUT-1", "name": "Kemang",
                                          "payment_methods": ["cash"]}}),
            ("o2", "outlets", {"outlet": {"id": "OUT-2", "name": "Dago"}}),
            ("s1", "shifts/open", {"shift": {"id": "SH-1", "outlet_id": "OUT-1",
                                             "opened_at": T0}}),
            ("c1", "customers", {"customer": {"id": "C-1", "name": "Andi"}}),
            ("p1", "products", {"products": [{"id": "P-1", "name": "Kopi", "sku": "K-1"}]})):
        answer = post_event(client, store, path, {"event_id": f"setup-{event_id}", **payload})
        assert answer.status_code == 202, answer.get_json()
    return store


@FUZZ
@given(data=st.data())
def test_every_body_the_contract_allows_is_answered_without_a_500(client, store, data):
    path = data.draw(st.sampled_from(sorted(BODIES)), label="path")
    body = dict(data.draw(BODIES[path], label="body"), event_id=next(EVENT_IDS))
    answer = post_event(client, store, path, body)
    assert answer.status_code < 500, (path, body)
    answered = answer.get_json()
    assert isinstance(answered, dict), answer.get_data(as_text=True)
    if answer.status_code >= 400:
        assert answered.get("error"), answered
