from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from conditions.models import Condition, Feature, FeatureClosure, Mention, normalise_search_text
from tests.factories import (
    ConditionFactory,
    ConditionLinkFactory,
    CrossReferenceFactory,
    FeatureFactory,
    MentionFactory,
    SynonymFactory,
)

pytestmark = pytest.mark.django_db


def assert_refused(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        MentionFactory(**fields)


def test_mention_is_unique_per_condition_and_feature():
    mention = MentionFactory()
    assert_refused(condition=mention.condition, feature=mention.feature)


def test_count_numerator_cannot_exceed_denominator():
    assert_refused(frequency_kind="count", numerator=5, denominator=3)
    assert MentionFactory(frequency_kind="count", numerator=3, denominator=3).frequency_label == (
        "3 of 3 people studied"
    )


def test_percent_must_be_between_0_and_100():
    assert_refused(frequency_kind="percent", percent=Decimal("100.5"))
    assert_refused(frequency_kind="percent", percent=Decimal("-1"))
    assert MentionFactory(frequency_kind="percent", percent=Decimal("17")).frequency_label == (
        "17% of people studied"
    )


def test_frequency_fields_must_match_their_kind():
    assert_refused(frequency_kind="category")  # category missing
    assert_refused(frequency_kind="not_recorded", numerator=1, denominator=2)
    assert_refused(frequency_kind="count", numerator=1)  # no denominator
    assert_refused(frequency_kind="count", numerator=0, denominator=0)


def test_missing_frequency_reads_not_recorded_never_always():
    mention = MentionFactory()
    assert mention.frequency_label == "Not recorded"
    assert mention.frequency_band == "not_recorded"


@pytest.mark.parametrize(
    ("fields", "band"),
    [
        ({"frequency_kind": "category", "frequency_category": "very_frequent"}, "very_frequent"),
        ({"frequency_kind": "count", "numerator": 7, "denominator": 10}, "frequent"),
        ({"frequency_kind": "count", "numerator": 0, "denominator": 10}, "excluded"),
        ({"frequency_kind": "percent", "percent": Decimal("3")}, "very_rare"),
        ({"frequency_kind": "percent", "percent": Decimal("100")}, "obligate"),
    ],
)
def test_frequency_band_follows_the_hpo_ranges(fields, band):
    assert MentionFactory(**fields).frequency_band == band


def test_hpo_id_is_unique_when_set_and_well_formed():
    FeatureFactory(hpo_id="HP:0000979")
    FeatureFactory(hpo_id="")
    FeatureFactory(hpo_id="")
    with pytest.raises(IntegrityError), transaction.atomic():
        FeatureFactory(hpo_id="HP:0000979")
    with pytest.raises(IntegrityError), transaction.atomic():
        FeatureFactory(hpo_id="purpura")


def test_condition_cannot_link_to_itself():
    condition = ConditionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ConditionLinkFactory(from_condition=condition, to_condition=condition)


def test_cross_reference_code_is_unique_within_its_scheme():
    CrossReferenceFactory(scheme="ORPHA", code="2905")
    CrossReferenceFactory(scheme="OMIM", code="2905")
    with pytest.raises(IntegrityError), transaction.atomic():
        CrossReferenceFactory(scheme="ORPHA", code="2905")


def test_natural_keys_round_trip():
    mention = MentionFactory()
    synonym = SynonymFactory(text="bruising")
    assert (
        Condition.objects.get_by_natural_key(*mention.condition.natural_key()) == mention.condition
    )
    assert Mention.objects.get_by_natural_key(*mention.natural_key()) == mention
    assert synonym.natural_key() == (synonym.feature.slug, "bruising")


def test_search_text_ignores_case_accents_and_hyphens():
    feature = FeatureFactory(name="Septo-optic dysplasia", plain_name="Anæmia Café")
    assert feature.search_text == "septo optic dysplasia an mia cafe"
    assert normalise_search_text("  SEPTO–OPTIC ") == "septo optic"


def test_closure_follows_parent_edits():
    root = FeatureFactory(name="Organomegaly")
    middle = FeatureFactory(name="Hepatosplenomegaly", parents=[root])
    leaf = FeatureFactory(name="Hepatomegaly")

    def ancestors(feature):
        return set(
            FeatureClosure.objects.filter(descendant=feature).values_list(
                "ancestor__name", flat=True
            )
        )

    assert ancestors(leaf) == {"Hepatomegaly"}
    leaf.parents.add(middle)
    assert ancestors(leaf) == {"Hepatomegaly", "Hepatosplenomegaly", "Organomegaly"}
    middle.parents.remove(root)
    assert ancestors(leaf) == {"Hepatomegaly", "Hepatosplenomegaly"}
    root.children.add(middle)  # the reverse side of the relation
    assert ancestors(leaf) == {"Hepatomegaly", "Hepatosplenomegaly", "Organomegaly"}
    root.children.clear()
    assert ancestors(leaf) == {"Hepatomegaly", "Hepatosplenomegaly"}
    assert Feature.objects.get(pk=leaf.pk).display_name == "Hepatomegaly"
