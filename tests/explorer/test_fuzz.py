"""Random, huge, unicode, SQL- and HTML-looking input on every public URL: never a 5xx, never
reflected unescaped."""

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import ConditionFactory, FeatureFactory, MentionFactory

HOSTILE_VALUES = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1 --",
    "'; DROP TABLE conditions_feature; --",
    "HP:0000979",
    "hp:00009790000",
    "%00",
    "\x00",
    "../../etc/passwd",
    "𝔭𝔲𝔯𝔭𝔲𝔯𝔞 💥",
    "a" * 5000,
    "",
]
HOSTILE = st.sampled_from(HOSTILE_VALUES)
VALUES = st.one_of(HOSTILE, st.text(max_size=300))
MARKER = "<zq-marker>"

PARAMS = ["feature", "q", "page", "find", "letter"]
PATHS = ["/", "/suggest/", "/features/", "/conditions/", "/body-systems/", "/about/"]
SLUG_PATHS = ["/conditions/{}/", "/features/{}/", "/body-systems/{}/"]

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def content(db):
    feature = FeatureFactory(name="Purpura", slug="purpura", hpo_id="HP:0000979")
    MentionFactory(feature=feature, condition=ConditionFactory(name="MGUS", slug="mgus"))


def assert_safe(response):
    assert response.status_code < 500
    body = response.content.decode(errors="replace")
    assert MARKER not in body  # reflected input is always escaped


@FUZZ
@given(
    path=st.sampled_from(PATHS),
    pairs=st.lists(st.tuples(st.sampled_from(PARAMS), VALUES), max_size=6),
    htmx=st.booleans(),
)
def test_query_parameters(client, content, path, pairs, htmx):
    query = "&".join(f"{name}={quote(value + MARKER)}" for name, value in pairs)
    headers = {"HX-Request": "true"} if htmx else {}
    assert_safe(client.get(f"{path}?{query}", headers=headers))


@FUZZ
@given(template=st.sampled_from(SLUG_PATHS), value=VALUES)
def test_path_segments(client, content, template, value):
    response = client.get(template.format(quote(value + MARKER, safe="")))
    assert_safe(response)
    assert response.status_code in {200, 404}


@FUZZ
@given(count=st.integers(min_value=0, max_value=200))
def test_many_features(client, content, count):
    query = "&".join(["feature=purpura"] * count)
    response = client.get(f"/?{query}")
    assert response.status_code == (400 if count > 30 else 200)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("name", PARAMS)
def test_every_hostile_value_on_every_parameter(client, content, path, name):
    # Deterministic sweep: random search alone may not draw each known-bad value everywhere.
    for value in HOSTILE_VALUES:
        for headers in ({}, {"HX-Request": "true"}):
            query = f"{name}={quote(value + MARKER)}&feature=purpura"
            assert_safe(client.get(f"{path}?{query}", headers=headers))


def test_raw_bytes_that_are_not_utf8(client, content):
    assert_safe(client.get("/?feature=%FF%FE&q=%C3%28"))
