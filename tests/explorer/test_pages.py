import pytest

from tests.factories import (
    BodySystemFactory,
    ConditionFactory,
    ConditionLinkFactory,
    CrossReferenceFactory,
    FeatureFactory,
    MentionFactory,
    SynonymFactory,
)

pytestmark = pytest.mark.django_db


def test_condition_page_groups_mentions_and_shows_absent_apart(client):
    skin = BodySystemFactory(name="Skin", slug="skin")
    condition = ConditionFactory(name="MGUS", slug="mgus", description="**Usually** silent.")
    CrossReferenceFactory(condition=condition, scheme="ORPHA", code="48")
    MentionFactory(condition=condition, feature=FeatureFactory(name="Purpura", body_system=skin))
    MentionFactory(condition=condition, feature=FeatureFactory(name="Fever"), is_absent=True)
    myeloma = ConditionFactory(name="Multiple myeloma")
    ConditionLinkFactory(from_condition=condition, to_condition=myeloma, relation="may_progress_to")

    html = client.get("/conditions/mgus/").content.decode()

    assert "<strong>Usually</strong> silent." in html
    assert "Features its sources mention (1)" in html
    assert "Documented absent" in html and "Fever" in html
    assert "MGUS may progress to" in html and "Multiple myeloma" in html
    assert "https://www.orpha.net/en/disease/detail/48" in html


def test_condition_description_markdown_is_sanitised(client):
    ConditionFactory(
        slug="x",
        description="<script>alert(1)</script> [click](javascript:alert(1)) <img src=x onerror=alert(1)>",
    )
    html = client.get("/conditions/x/").content.decode()
    assert "<script>alert" not in html
    assert "javascript:" not in html
    assert "onerror" not in html


def test_draft_conditions_are_not_public(client):
    ConditionFactory(slug="draft", status="draft")
    assert client.get("/conditions/draft/").status_code == 404
    assert client.get("/conditions/no-such-thing/").status_code == 404


def test_feature_page_lists_conditions_through_more_specific_features(client):
    organomegaly = FeatureFactory(name="Organomegaly", slug="organomegaly")
    liver = FeatureFactory(name="Hepatomegaly", parents=[organomegaly])
    SynonymFactory(feature=organomegaly, text="enlarged organs")
    MentionFactory(feature=liver, condition=ConditionFactory(name="POEMS syndrome"))

    html = client.get("/features/organomegaly/").content.decode()

    assert "Conditions whose sources mention it (1)" in html
    assert "POEMS syndrome" in html and "through" in html
    assert "enlarged organs" in html
    assert "Counting mentions of 1 more specific feature" in html


def test_body_system_pages(client):
    skin = BodySystemFactory(name="Skin", slug="skin", plain_name="Skin, hair and nails")
    FeatureFactory(name="Purpura", body_system=skin)

    listing = client.get("/body-systems/").content.decode()
    detail = client.get("/body-systems/skin/").content.decode()

    assert "Skin, hair and nails" in listing and "1 feature" in listing
    assert "Purpura" in detail
    assert client.get("/body-systems/nowhere/").status_code == 404


def test_condition_list_search(client):
    ConditionFactory(name="POEMS syndrome")
    ConditionFactory(name="MGUS")
    html = client.get("/conditions/?q=poems").content.decode()
    assert "POEMS syndrome" in html and "MGUS" not in html


def test_about_page_explains_what_this_is_not_and_acknowledges_the_hpo(client):
    html = client.get("/about/").content.decode()
    assert "does not diagnose" in html
    assert "talk to a doctor" in html
    assert "This service uses the Human Phenotype Ontology (version" in html
    assert "http://www.human-phenotype-ontology.org" in html


def test_pages_send_a_strict_content_security_policy(client):
    response = client.get("/about/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_carry_no_per_visitor_nonce_so_cached_copies_are_safe_to_share(client):
    response = client.get("/")
    assert "nonce" not in response.content.decode()
    assert "nonce" not in response.headers["Content-Security-Policy"]


def test_a_condition_page_lists_links_both_ways_but_only_with_published_conditions(client):
    mgus = ConditionFactory(name="MGUS", slug="mgus")
    myeloma = ConditionFactory(name="Multiple myeloma", slug="myeloma")
    draft = ConditionFactory(name="Draft disorder", slug="draft", status="draft")
    ConditionLinkFactory(from_condition=mgus, to_condition=myeloma, relation="may_progress_to")
    ConditionLinkFactory(from_condition=draft, to_condition=myeloma, relation="may_progress_to")
    ConditionLinkFactory(from_condition=mgus, to_condition=draft, relation="may_progress_to")

    myeloma_page = client.get("/conditions/myeloma/").content.decode()
    mgus_page = client.get("/conditions/mgus/").content.decode()

    # Seen from the condition linked to, as from the one linking.
    assert 'href="/conditions/mgus/">MGUS</a> may progress to Multiple myeloma' in myeloma_page
    assert 'MGUS may progress to <a href="/conditions/myeloma/">Multiple myeloma</a>' in mgus_page
    assert "Draft disorder" not in myeloma_page and "Draft disorder" not in mgus_page
