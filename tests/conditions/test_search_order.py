"""The order feature suggestions come in: what was typed exactly, then names starting with it, then
everyday words before technical ones, then shorter names."""

import pytest

from conditions.search import search_features
from tests.factories import FeatureFactory, SynonymFactory

pytestmark = pytest.mark.django_db


def names(query):
    return [match.feature.name for match in search_features(query)]


def test_the_words_typed_exactly_come_before_the_same_words_in_another_order():
    FeatureFactory(name="Abdominal organ finding", plain_name="liver enlarged")
    FeatureFactory(name="Hepatomegaly", plain_name="enlarged liver")
    assert names("enlarged liver") == ["Hepatomegaly", "Abdominal organ finding"]
    assert names("liver enlarged") == ["Abdominal organ finding", "Hepatomegaly"]


def test_a_name_starting_with_what_was_typed_comes_before_a_shorter_one_containing_it():
    FeatureFactory(name="Big liver")
    FeatureFactory(name="Liver cyst")
    assert names("liver") == ["Liver cyst", "Big liver"]


def test_everyday_words_come_before_a_shorter_technical_synonym():
    purpura = FeatureFactory(name="Purpura")
    SynonymFactory(feature=purpura, text="purple spots", is_layperson=True)
    petechiae = FeatureFactory(name="Petechiae")
    SynonymFactory(feature=petechiae, text="red spots", is_layperson=False)
    assert names("spots") == ["Purpura", "Petechiae"]
    assert [m.matched_text for m in search_features("spots")] == ["purple spots", "red spots"]


def test_shorter_names_first_then_by_name():
    FeatureFactory(name="Nail pitting and ridging")
    FeatureFactory(name="Nail ridging")
    FeatureFactory(name="Thick nail ridging")
    FeatureFactory(name="Split nail ridging")
    assert names("ridging") == [
        "Nail ridging",
        "Split nail ridging",
        "Thick nail ridging",
        "Nail pitting and ridging",
    ]


def test_a_feature_found_by_several_names_is_listed_once_by_its_best_one():
    liver = FeatureFactory(name="Hepatomegaly", plain_name="enlarged liver")
    SynonymFactory(feature=liver, text="liver enlargement", is_layperson=True)
    FeatureFactory(name="Liver fibrosis")
    found = search_features("liver")
    # Both start with "liver"; the everyday "liver enlargement" then beats "Liver fibrosis".
    assert [m.feature.name for m in found] == ["Hepatomegaly", "Liver fibrosis"]
    assert found[0].matched_text == "liver enlargement"


def test_a_mistyped_word_is_corrected_but_a_scrambled_one_is_not():
    FeatureFactory(name="Purpura")
    assert names("purpra") == ["Purpura"]
    assert names("prupaur") == []  # the same letters, too far apart to be a typo


def test_an_icd10_code_is_found_however_it_is_typed():
    from conditions.search import find_conditions
    from tests.factories import ConditionFactory, CrossReferenceFactory

    calcinosis = ConditionFactory(name="Calcinosis cutis")
    CrossReferenceFactory(condition=calcinosis, scheme="ICD10", code="L94.2")
    for typed in ("L94.2", "l94.2", "ICD-10: l94.2", "icd10 L94.2"):
        assert [m.condition.name for m in find_conditions(typed)] == ["Calcinosis cutis"], typed
