"""Browsing by body system: the curated features to tick, grouped under each system's plain name,
in plain-name order, without those already ticked."""

import re

import pytest

from tests.factories import BodySystemFactory, FeatureFactory

pytestmark = pytest.mark.django_db


def groups(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<summary>([^<]*?) <span class="count">\((\d+)\)</span></summary>', html)


def checkboxes(html: str) -> list[str]:
    """The browse section's boxes (ticked features are listed apart, above it)."""
    browse = html.split('id="browse"', 1)[1]
    return re.findall(r'name="feature" value="([\w-]+)" id="f-', browse)


@pytest.fixture
def curated():
    skin = BodySystemFactory(name="Integument", plain_name="Skin, hair and nails", order=1)
    blood = BodySystemFactory(name="Blood and blood-forming tissues", plain_name="", order=2)
    # Plain names order against the medical names, so the order shows which one is used.
    FeatureFactory(name="Alopecia", plain_name="hair loss", slug="alopecia", body_system=skin)
    FeatureFactory(name="Purpura", plain_name="bruise-like spots", slug="purpura", body_system=skin)
    FeatureFactory(name="Anemia", plain_name="", slug="anemia", body_system=blood)
    FeatureFactory(name="Fever", slug="fever", body_system=None)


def test_curated_features_are_listed_by_body_system_in_plain_words(client, curated):
    html = client.get("/").content.decode()
    assert dict(groups(html)) == {
        "Skin, hair and nails": "2",
        "Blood and blood-forming tissues": "1",  # no plain name: its name
        "Other": "1",  # no body system
    }
    assert groups(html).index(("Skin, hair and nails", "2")) < groups(html).index(
        ("Blood and blood-forming tissues", "1")
    )
    boxes = checkboxes(html)
    assert boxes.index("purpura") < boxes.index("alopecia") < boxes.index("anemia")
    assert sorted(boxes) == ["alopecia", "anemia", "fever", "purpura"]


def test_a_ticked_feature_leaves_its_group(client, curated):
    html = client.get("/?feature=purpura&browse=1").content.decode()
    assert ("Skin, hair and nails", "1") in groups(html)
    assert "purpura" not in checkboxes(html)


def test_body_systems_of_the_same_rank_are_listed_by_name(client):
    later = BodySystemFactory(name="Nervous system", plain_name="", order=1)
    earlier = BodySystemFactory(name="Eye", plain_name="", order=1)
    # The features' own names run the other way, so only the systems' names decide.
    FeatureFactory(name="Ataxia", slug="ataxia", body_system=later)
    FeatureFactory(name="Uveitis", slug="uveitis", body_system=earlier)
    html = client.get("/").content.decode()
    assert [name for name, _ in groups(html)] == ["Eye", "Nervous system"]
