import pytest

from conditions.matching import explain, rank_conditions, resolve_features
from conditions.models import Condition, FeatureAlias
from tests.factories import ConditionFactory, FeatureFactory, MentionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ontology():
    organomegaly = FeatureFactory(name="Organomegaly", hpo_id="HP:0040195")
    hepatomegaly = FeatureFactory(name="Hepatomegaly", parents=[organomegaly], hpo_id="HP:0002240")
    purpura = FeatureFactory(name="Purpura", hpo_id="HP:0000979")
    neuropathy = FeatureFactory(name="Polyneuropathy", hpo_id="HP:0001271")
    return organomegaly, hepatomegaly, purpura, neuropathy


def test_ranks_by_features_mentioned_then_name(ontology):
    organomegaly, hepatomegaly, purpura, neuropathy = ontology
    poems = ConditionFactory(name="POEMS syndrome")
    mgus = ConditionFactory(name="MGUS")
    amyloid = ConditionFactory(name="AL amyloidosis")
    for feature in (hepatomegaly, purpura, neuropathy):
        MentionFactory(condition=poems, feature=feature)
    MentionFactory(condition=mgus, feature=purpura)
    MentionFactory(condition=amyloid, feature=purpura)

    ranking = rank_conditions([purpura.pk, neuropathy.pk, organomegaly.pk])

    assert ranking == [(poems.pk, 3), (amyloid.pk, 1), (mgus.pk, 1)]


def test_a_more_specific_mention_counts_and_is_explained(ontology):
    organomegaly, hepatomegaly, _, _ = ontology
    mention = MentionFactory(feature=hepatomegaly, frequent=True)

    [result] = explain([mention.condition.pk], [organomegaly])

    [hit] = result.hits
    assert hit.ticked == organomegaly
    assert hit.exact is None
    assert [m.pk for m in hit.via] == [mention.pk]
    assert hit.via[0].frequency_label == "Frequent (30–79%)"


def test_documented_absent_never_counts_but_is_shown_apart(ontology):
    _, hepatomegaly, purpura, _ = ontology
    condition = ConditionFactory()
    MentionFactory(condition=condition, feature=purpura, is_absent=True)
    MentionFactory(condition=condition, feature=hepatomegaly)

    assert rank_conditions([purpura.pk]) == []
    [result] = explain([condition.pk], [purpura, hepatomegaly])
    assert [hit.ticked for hit in result.hits] == [hepatomegaly]
    assert [m.feature.pk for m in result.absent] == [purpura.pk]
    assert result.missing == []


def test_drafts_and_unpublished_features_are_left_out(ontology):
    _, hepatomegaly, purpura, _ = ontology
    MentionFactory(condition=ConditionFactory(status=Condition.Status.DRAFT), feature=purpura)
    hidden = FeatureFactory(name="Hidden", parents=[hepatomegaly], is_published=False)
    MentionFactory(feature=hidden)

    assert rank_conditions([purpura.pk]) == []
    assert rank_conditions([hepatomegaly.pk]) == []


def test_two_specific_mentions_count_once_for_their_ancestor(ontology):
    organomegaly, hepatomegaly, _, _ = ontology
    spleen = FeatureFactory(name="Splenomegaly", parents=[organomegaly])
    condition = ConditionFactory()
    MentionFactory(condition=condition, feature=hepatomegaly)
    MentionFactory(condition=condition, feature=spleen)

    assert rank_conditions([organomegaly.pk]) == [(condition.pk, 1)]
    [result] = explain([condition.pk], [organomegaly])
    assert [m.feature.name for m in result.hits[0].via] == ["Hepatomegaly", "Splenomegaly"]


def test_resolve_accepts_slugs_hpo_ids_and_aliases_and_names_unknowns(ontology):
    organomegaly, hepatomegaly, purpura, _ = ontology
    FeatureAlias.objects.create(hpo_id="HP:0001433", feature=hepatomegaly, kind="alt_id")
    FeatureFactory(name="Autosomal dominant inheritance", is_phenotype=False, hpo_id="HP:0000006")

    resolved = resolve_features(
        ["purpura", "hp:0040195", "HP:0001433", "purpura", "nonsense", "HP:0000006", " "]
    )

    assert [f.pk for f in resolved.features] == [purpura.pk, organomegaly.pk, hepatomegaly.pk]
    assert resolved.unknown == ["nonsense", "HP:0000006"]


def test_a_broad_feature_shows_a_few_specific_mentions_and_counts_the_rest(ontology):
    organomegaly, hepatomegaly, _, _ = ontology
    condition = ConditionFactory()
    MentionFactory(condition=condition, feature=hepatomegaly)
    for name in ["Splenomegaly", "Nephromegaly", "Cardiomegaly", "Thyromegaly", "Adrenomegaly"]:
        MentionFactory(
            condition=condition, feature=FeatureFactory(name=name, parents=[organomegaly])
        )
    MentionFactory(
        condition=condition,
        feature=FeatureFactory(name="Zz", parents=[organomegaly]),
        frequency_kind="category",
        frequency_category="occasional",
    )

    [result] = explain([condition.pk], [organomegaly])

    [hit] = result.hits
    assert hit.total == hit.via_total == 7
    # The highest frequency recorded first (what the order counts), then by name; the
    # condition page lists the rest.
    assert [m.feature.name for m in hit.mentions] == ["Zz", "Adrenomegaly"]
    assert hit.highest.frequency_band == "occasional"
    assert hit.not_shown == 5


def test_resolving_follows_edits(ontology):
    organomegaly = ontology[0]
    assert resolve_features(["HP:0040195"]).features[0].slug == organomegaly.slug

    organomegaly.slug, organomegaly.name = "enlarged-organs", "Enlarged organs"
    organomegaly.save()
    [feature] = resolve_features(["enlarged-organs"]).features
    assert (feature.pk, feature.name) == (organomegaly.pk, "Enlarged organs")

    organomegaly.is_published = False
    organomegaly.save()
    assert resolve_features(["enlarged-organs", "HP:0040195"]).unknown == [
        "enlarged-organs",
        "HP:0040195",
    ]


def test_a_feature_page_ticks_the_feature_as_the_explorer_does():
    from conditions.summaries import FeatureSummary

    coded = FeatureFactory(name="Purpura", plain_name="purple spots", hpo_id="HP:0000979")
    curated = FeatureFactory(name="Tiredness")
    for feature in (coded, curated):
        assert [FeatureSummary.of(feature)] == resolve_features([feature.slug]).features


def test_an_hpo_id_ticks_its_feature_in_any_case_a_slug_only_as_written(ontology):
    organomegaly, *_ = ontology
    for value in ("HP:0040195", "hp:0040195", "Hp:0040195"):
        assert resolve_features([value]).features[0].pk == organomegaly.pk, value
    assert resolve_features([organomegaly.slug.upper()]).unknown == [organomegaly.slug.upper()]


def test_each_feature_documented_absent_is_listed_once(ontology):
    organomegaly, hepatomegaly, purpura, neuropathy = ontology
    condition = ConditionFactory(name="Absent case")
    MentionFactory(condition=condition, feature=purpura, is_absent=True)
    MentionFactory(condition=condition, feature=neuropathy, is_absent=True)
    MentionFactory(condition=condition, feature=hepatomegaly, is_absent=True)
    MentionFactory(condition=condition, feature=FeatureFactory(name="Fever"))
    ticked = resolve_features(
        [organomegaly.slug, hepatomegaly.slug, purpura.slug, neuropathy.slug]
    ).features

    [result] = explain([condition.pk], ticked)

    # Hepatomegaly's absence answers for both it and organomegaly: said once.
    assert sorted(m.feature.name for m in result.absent) == [
        "Hepatomegaly",
        "Polyneuropathy",
        "Purpura",
    ]
    assert [f.name for f, _, absent in result.cells() if absent] == [
        "Organomegaly",
        "Hepatomegaly",
        "Purpura",
        "Polyneuropathy",
    ]
