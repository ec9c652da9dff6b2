"""The condition page: a summary first, features by body system (most often recorded first,
plain words first, long groups folded), every source listed once and numbered."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conditions.condition_page import (
    SHOWN_PER_GROUP,
    FeatureGroup,
    PageMention,
    condition_page,
    generated_summary,
)
from conditions.figures import summary_figures
from conditions.models import BodySystem, Condition, HpoRelease, Mention
from conditions.ordering import band_rank
from conditions.summaries import FeatureSummary, best_figure
from tests.factories import (
    BodySystemFactory,
    ConditionFactory,
    FeatureFactory,
    MentionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

VERY_FREQUENT = {"frequency_kind": "category", "frequency_category": "very_frequent"}
OCCASIONAL = {"frequency_kind": "category", "frequency_category": "occasional"}


def features_in_order(html: str) -> list[str]:
    return re.findall(r'<li><a href="/features/([^/]+)/">', html)


def test_features_are_grouped_by_body_system_most_often_recorded_first(client):
    skin = BodySystemFactory(name="Skin", plain_name="Skin, hair and nails", order=1)
    nerves = BodySystemFactory(name="Nervous system", plain_name="Nerves and brain", order=2)
    condition = ConditionFactory(slug="c", summary="")
    for slug, system, frequency in [
        ("tingling", nerves, {}),
        ("numbness", nerves, VERY_FREQUENT),
        ("bruising", skin, OCCASIONAL),
        ("a-rash", skin, {}),
        ("purpura", skin, VERY_FREQUENT),
    ]:
        feature = FeatureFactory(name=slug.title(), slug=slug, body_system=system)
        MentionFactory(condition=condition, feature=feature, **frequency)

    html = client.get("/conditions/c/").content.decode()

    assert html.index("Skin, hair and nails") < html.index("Nerves and brain")
    assert features_in_order(html) == ["purpura", "bruising", "a-rash", "numbness", "tingling"]


def test_plain_words_come_first_and_the_hpos_everyday_names_are_marked(client):
    condition = ConditionFactory(slug="c", summary="")
    hpo = FeatureFactory(name="Hepatomegaly", plain_name="Enlarged liver", plain_name_origin="hpo")
    staff = FeatureFactory(name="Purpura", plain_name="purple spots")
    MentionFactory(condition=condition, feature=hpo)
    MentionFactory(condition=condition, feature=staff)
    html = client.get("/conditions/c/").content.decode()
    assert (
        'Enlarged liver <span class="term">(Hepatomegaly)</span></a><span class="hpo-name">' in html
    )
    assert 'Purple spots <span class="term">(Purpura)</span></a>:' in html  # staff's: unmarked
    assert "are the Human Phenotype Ontology's everyday names" in html


def test_long_groups_fold_after_twenty_without_javascript(client):
    system = BodySystemFactory(name="Skin")
    condition = ConditionFactory(slug="c", summary="")
    for n in range(SHOWN_PER_GROUP + 3):
        MentionFactory(
            condition=condition, feature=FeatureFactory(name=f"F{n:02}", body_system=system)
        )
    html = client.get("/conditions/c/").content.decode()
    before, folded = html.split('<details class="more-features">')
    assert len(features_in_order(before)) == SHOWN_PER_GROUP
    assert "<summary>3 more in Skin</summary>" in folded
    assert len(features_in_order(folded)) == 3


def test_each_source_is_listed_once_and_numbered(client):
    review, series = SourceFactory(title="A review"), SourceFactory(title="A series")
    condition = ConditionFactory(slug="c", summary="")
    first = FeatureFactory(name="First")
    MentionFactory(condition=condition, feature=first, sources=[review], **VERY_FREQUENT)
    MentionFactory(
        condition=condition, feature=FeatureFactory(name="Second"), sources=[review, series]
    )
    MentionFactory(
        condition=condition,
        feature=FeatureFactory(name="Third"),
        sources=[],
        evidence="PCS",
        references="PMID:123",
    )
    html = client.get("/conditions/c/").content.decode()
    assert html.count("A review</a>") == 1 and html.count("A series</a>") == 1
    assert '<li id="src-1"><a href="https://example.org/a-review"' in html
    assert '(sources <a href="#src-1">1</a>, <a href="#src-2">2</a>)' in html
    assert "HPO annotation, published clinical study (PCS)" in html
    assert "PCS = published clinical study" in html  # the legend


def test_one_source_for_everything_is_named_once_without_numbers(client):
    condition = ConditionFactory(slug="c", summary="")
    for name in ("First", "Second"):
        MentionFactory(
            condition=condition,
            feature=FeatureFactory(name=name),
            sources=[],
            evidence="TAS",
            references="ORPHA:904",
            origin="hpo",
        )
    html = client.get("/conditions/c/").content.decode()
    assert "Source of everything above" in html
    assert "#src-" not in html and html.count("ORPHA:904</a>") == 1


def test_an_imported_condition_opens_with_a_labelled_generated_summary(client):
    HpoRelease.objects.create(version="2025-01-16")
    skin = BodySystemFactory(name="Skin", plain_name="Skin, hair and nails")
    condition = ConditionFactory(name="Imported", slug="c", summary="", origin="hpo")
    condition.onset = "childhood"
    condition.save()
    for name, plain in [("Purpura", "purple spots"), ("Ecchymosis", "")]:
        MentionFactory(
            condition=condition,
            feature=FeatureFactory(name=name, plain_name=plain, body_system=skin),
            origin="hpo",
            sources=[],
            **VERY_FREQUENT,
        )
    MentionFactory(
        condition=condition, feature=FeatureFactory(name="Fever"), is_absent=True, origin="hpo"
    )

    html = client.get("/conditions/c/").content.decode()

    lead = html.index('<p class="lead">')
    assert lead < html.index("Only a health professional")
    assert (
        "Its sources mention 2 features, in 1 body system: skin, hair and nails (2). "
        "Recorded most often, as very frequent (80–99%): purple spots and ecchymosis. "
        "Its sources document 1 feature as absent. Onset recorded: infancy and childhood."
    ) in html
    assert (
        "Summary generated from the HPO annotations, release 2025-01-16; "
        "not yet reviewed by our editors."
    ) in html


def test_a_staff_summary_wins_over_a_generated_one(client):
    condition = ConditionFactory(slug="c", summary="Staff wrote this.")
    MentionFactory(condition=condition, **VERY_FREQUENT)
    html = client.get("/conditions/c/").content.decode()
    assert '<p class="lead">Staff wrote this.</p>' in html
    assert "Summary generated" not in html and "Its sources mention 1 feature," not in html
    assert condition_page(condition).summary is None


def test_a_condition_without_rows_says_so_and_claims_nothing():
    page = condition_page(ConditionFactory(summary=""))
    assert page.summary.sentences == ["Its sources mention no features of this condition yet."]
    assert not page.summary.from_hpo
    assert "HPO annotations" not in page.summary.label


# Every sentence is checked against the rows it was made from, for any mix of rows.
BANDS = ["obligate", "very_frequent", "frequent", "occasional", "very_rare"]
row = st.tuples(
    st.sampled_from(BANDS + ["not_recorded"]),  # frequency
    st.sampled_from([None, 1, 2, 3, 4]),  # body system
    st.booleans(),  # documented absent
    st.booleans(),  # has a plain name
)


def page_mention(pk: int, band: str, system: int | None, absent: bool, plain: bool) -> PageMention:
    label = "Not recorded" if band == "not_recorded" else Mention.Category(band).label
    feature = FeatureSummary(pk, f"Term {pk}", f"plain {pk}" if plain else "", f"f-{pk}")
    mention = PageMention(pk, feature, absent, ("category", label, band), ("", ""), ())
    mention.origin, mention.system_id, mention.has_hpo_plain_name = "hpo", system, False
    mention.onset = mention.sex = mention.note = ""
    mention.best = best_figure(mention)
    mention.rank = -band_rank(mention.best[2])
    return mention


@settings(max_examples=60, deadline=None)
@given(
    st.lists(row, max_size=30), st.sampled_from(["", "adult"]), st.sampled_from(["", "x_linked"])
)
def test_a_generated_summary_says_nothing_the_rows_do_not_hold(rows, onset, inheritance):
    systems = {n: BodySystem(pk=n, name=f"System {n}", order=n) for n in range(1, 5)}
    mentions = [page_mention(pk, *r) for pk, r in enumerate(rows, start=1)]
    present = sorted((m for m in mentions if not m.is_absent), key=lambda m: m.sort_key)
    absent = [m for m in mentions if m.is_absent]
    groups: dict = {}
    for m in present:
        groups.setdefault(m.system_id, []).append(m)
    condition = Condition(name="X", onset=onset, inheritance=inheritance)
    summary = generated_summary(
        condition, [FeatureGroup(systems.get(k), v) for k, v in groups.items()], present, absent
    )
    text = " ".join(summary.sentences)

    assert summary.feature_count == len(present)
    named_systems = dict(summary.systems)
    for name, count in named_systems.items():
        assert count == sum(1 for m in present if m.system_id and f"System {m.system_id}" == name)
    assert set(named_systems) == {f"System {m.system_id}" for m in present if m.system_id}
    recorded = [m for m in present if m.frequency_band != "not_recorded"]
    best = min((m.rank for m in recorded), default=None)
    for m in summary.most_frequent:  # only the most often recorded, with their own figure
        assert m in present and m.rank == best
        assert m.frequency_label.lower() in text
    if not recorded:
        assert "Recorded most often" not in text
    # No feature is named unless it is one the summary picked.
    picked = {m.pk for m in summary.most_frequent}
    for m in mentions:
        words = m.feature.plain_name or m.feature.name.lower()
        assert (f"{words}," in text or f"{words} " in text or f"{words}." in text) == (
            m.pk in picked
        )
    assert ("absent" in text) == bool(absent)
    assert ("Onset recorded: adolescence and adulthood." in text) == bool(onset)  # condition rows
    assert ("Inheritance recorded: x-linked." in text) == bool(inheritance)


def test_figures_count_condition_pages_opening_with_a_summary():
    ConditionFactory(summary="Staff wrote this.")
    MentionFactory(condition=ConditionFactory(summary=""))
    ConditionFactory(summary="  ")  # nothing recorded: its summary says only that
    ConditionFactory(summary="", status="draft")
    figures = summary_figures()
    assert (figures.published, figures.by_staff, figures.generated) == (3, 1, 2)
    assert figures.generated_without_features == 1


def test_the_link_to_the_explorer_ticks_the_five_most_often_recorded_features(client):
    condition = ConditionFactory(slug="c", summary="")
    bands = ["obligate", "very_frequent", "frequent", "occasional", "very_rare"]
    for n, band in enumerate(bands + ["very_rare", "very_rare"]):
        feature = FeatureFactory(name=f"Feature {n}", slug=f"feature-{n}")
        MentionFactory(
            condition=condition,
            feature=feature,
            frequency_kind="category",
            frequency_category=band,
        )

    html = client.get("/conditions/c/").content.decode()

    link = re.search(r'<a href="/\?([^"]*)">Compare these features', html)[1]
    assert re.findall(r"feature=([\w-]+)", link) == [f"feature-{n}" for n in range(5)]
