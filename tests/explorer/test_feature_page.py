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


# Broader and narrower --------------------------------------------------------------------------


@pytest.fixture
def nerves():
    """Phenotypic abnormality > Nervous system > Peripheral neuropathy > Polyneuropathy, which is
    also a kind of a second, shorter branch; two narrower features under it."""
    top = FeatureFactory(name="Phenotypic abnormality", slug="phenotypic-abnormality")
    FeatureFactory(name="All", slug="all", is_phenotype=False).children.add(top)
    system = FeatureFactory(name="Abnormality of the nervous system", parents=[top])
    peripheral = FeatureFactory(name="Peripheral neuropathy", parents=[system])
    shortcut = FeatureFactory(name="Nerve disease", parents=[top])
    poly = FeatureFactory(
        name="Polyneuropathy", slug="polyneuropathy", parents=[peripheral, shortcut]
    )
    axonal = FeatureFactory(name="Axonal polyneuropathy", parents=[poly])
    sensory = FeatureFactory(name="Sensory polyneuropathy", parents=[poly])
    MentionFactory(feature=axonal)
    MentionFactory(feature=axonal)
    MentionFactory(feature=sensory)
    MentionFactory(feature=peripheral)
    return top, system, peripheral, shortcut, poly


def test_the_chain_of_broader_features_runs_from_the_top_with_counts(client, nerves):
    html = client.get("/features/polyneuropathy/").content.decode()
    chain = html[html.index('class="feature-chain"') : html.index("</ol>")]
    assert [line.split("</a>")[0].rsplit(">", 1)[1] for line in chain.split("<li>")[1:]] == [
        "Phenotypic abnormality",
        "Abnormality of the nervous system",
        "Peripheral neuropathy",
    ]  # the longest path; "All" is no phenotype and is left out
    assert (
        '<a href="/features/peripheral-neuropathy/">Peripheral neuropathy</a> <span class="count">(4 conditions)</span>'
        in chain
    )
    assert (
        '<li aria-current="page">Polyneuropathy <span class="count">(3 conditions)</span>' in chain
    )
    assert (
        'Also a kind of: <a href="/features/nerve-disease/">Nerve disease</a> <span class="count">(3 conditions)</span>'
        in html
    )


def test_narrower_features_are_links_with_counts_most_mentioned_first(client, nerves):
    html = client.get("/features/polyneuropathy/").content.decode()
    narrower = html[html.index('id="narrower-title"') :]
    assert "More specific features (2)" in narrower
    axonal = narrower.index(
        '<a href="/features/axonal-polyneuropathy/">Axonal polyneuropathy</a> <span class="count">(2 conditions)</span>'
    )
    sensory = narrower.index(
        '<a href="/features/sensory-polyneuropathy/">Sensory polyneuropathy</a> <span class="count">(1 condition)</span>'
    )
    assert axonal < sensory


def test_the_top_feature_has_no_chain_and_a_leaf_no_narrower_list(client, nerves):
    top = client.get("/features/phenotypic-abnormality/").content.decode()
    assert "More general features" not in top and "More specific features (2)" in top
    leaf = client.get("/features/axonal-polyneuropathy/").content.decode()
    assert "More general features" in leaf and "More specific features" not in leaf


def test_same_named_conditions_are_told_apart_on_a_feature_page(client):
    from tests.factories import CrossReferenceFactory

    feature = FeatureFactory(name="Purpura", slug="purpura")
    for scheme, code in [("ORPHA", "1"), ("DECIPHER", "2")]:
        condition = ConditionFactory(name="Twin syndrome", slug=f"twin-{code}")
        CrossReferenceFactory(condition=condition, scheme=scheme, code=code)
        MentionFactory(feature=feature, condition=condition)
    html = client.get("/features/purpura/").content.decode()
    assert 'Twin syndrome <span class="code">(DECIPHER:2)</span>' in html
    assert 'Twin syndrome <span class="code">(ORPHA:1)</span>' in html
