"""The feature page: plain words first, the HPO's everyday name marked, the HPO definition under."""

import pytest

from conditions.models import evidence_words
from explorer.templatetags.explorer_tags import annotation_html
from tests.factories import ConditionFactory, FeatureFactory, MentionFactory

pytestmark = pytest.mark.django_db


def test_plain_words_come_first_and_the_hpo_definition_below_them(client):
    FeatureFactory(
        name="Purpura",
        slug="purpura",
        plain_name="Purple spots on the skin",
        plain_name_origin="hpo",
        definition="Purplish discoloration of the skin.",
    )
    html = client.get("/features/purpura/").content.decode()
    title = html.index("Purple spots on the skin <span")
    marked = html.index("is the everyday name the Human Phenotype Ontology gives it")
    definition = html.index("Medical definition (HPO)")
    assert title < marked < definition < html.index("Purplish discoloration of the skin.")


def test_staff_plain_names_are_not_marked_as_the_hpos(client):
    FeatureFactory(name="Purpura", slug="purpura", plain_name="purple spots")
    html = client.get("/features/purpura/").content.decode()
    assert "Purple spots <span" in html
    assert "everyday name the Human Phenotype Ontology" not in html
    assert "Medical definition (HPO)" not in html  # no definition, no empty heading


def test_a_name_the_hpo_marks_as_everyday_words_is_not_repeated(client):
    FeatureFactory(name="Falls", slug="falls", plain_name="Falls", plain_name_origin="hpo")
    html = client.get("/features/falls/").content.decode()
    assert "Falls <span" not in html and "everyday name" not in html


@pytest.mark.parametrize(
    ("code", "references", "words"),
    [
        ("PCS", "PMID:1", "published clinical study"),
        ("TAS", "ORPHA:48", "traceable author statement"),
        ("IEA", "OMIM:100", "taken from OMIM"),
        ("IEA", "DECIPHER:7", "taken from DECIPHER"),
    ],
)
def test_evidence_codes_are_said_in_words(code, references, words):
    assert evidence_words(code, references) == words
    assert f"HPO annotation, {words} ({code}):" in annotation_html(code, references)


def test_results_explain_evidence_codes_in_a_legend(client):
    feature = FeatureFactory(name="Purpura", slug="purpura")
    MentionFactory(
        condition=ConditionFactory(name="MGUS"),
        feature=feature,
        evidence="TAS",
        references="ORPHA:48",
        sources=[],
    )
    html = client.get("/?feature=purpura").content.decode()
    assert "HPO annotation, traceable author statement (TAS)" in html
    assert (
        "PCS = published clinical study; TAS = traceable author statement; IEA = taken from OMIM"
        in html
    )
