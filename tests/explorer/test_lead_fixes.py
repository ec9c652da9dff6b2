"""Found in the field-scale walkthrough: HPO ids typed into the search, accents in the conditions
list, and an empty result that is only empty because of the filters."""

import pytest

from tests.factories import ConditionFactory, FeatureFactory, MentionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["HP:0000979", "hp:0000979", "HP 0000979", "0000979"])
def test_an_hpo_id_typed_into_the_search_offers_that_feature(client, typed):
    FeatureFactory(name="Purpura", hpo_id="HP:0000979")
    FeatureFactory(name="Petechiae", hpo_id="HP:0000967")
    html = client.get("/", {"q": typed}).content.decode()
    assert "No feature matches" not in html
    assert 'id="s-purpura"' in html  # offered among the features to tick
    assert 'id="s-petechiae"' not in html


def test_an_unknown_hpo_id_finds_nothing_rather_than_a_similar_word(client):
    FeatureFactory(name="Purpura", hpo_id="HP:0000979")
    assert "No feature matches" in client.get("/", {"q": "HP:0000978"}).content.decode()


def test_the_conditions_list_finds_a_name_typed_without_its_accent(client):
    ConditionFactory(name="Waldenström macroglobulinaemia", status="published")
    ConditionFactory(name="Multiple myeloma", status="published")
    html = client.get("/conditions/", {"q": "waldenstrom"}).content.decode()
    assert "Waldenström macroglobulinaemia" in html
    assert "Multiple myeloma" not in html


def test_a_result_emptied_by_the_filters_says_so_and_offers_the_unfiltered_list(client):
    feature = FeatureFactory(name="Purpura", hpo_id="HP:0000979")
    MentionFactory(feature=feature)
    html = client.get("/", {"feature": "purpura", "reviewed": "1"}).content.decode()
    assert "passes your filters" in html
    assert "No published condition in this collection mentions" not in html
    unfiltered = client.get("/", {"feature": "purpura"}).content.decode()
    assert "passes your filters" not in unfiltered
