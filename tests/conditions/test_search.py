import pytest

from conditions import search as search_module
from conditions.search import search_features
from tests.factories import FeatureFactory, SynonymFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def features():
    purpura = FeatureFactory(name="Purpura", plain_name="purple spots under the skin")
    SynonymFactory(feature=purpura, text="Bruising")
    liver = FeatureFactory(name="Hepatomegaly", plain_name="enlarged liver")
    septo = FeatureFactory(name="Septo-optic dysplasia")
    neuropathy = FeatureFactory(name="Polyneuropathy")
    SynonymFactory(feature=neuropathy, text="tingling in the feet")
    FeatureFactory(name="Autosomal dominant inheritance", is_phenotype=False)
    return purpura, liver, septo, neuropathy


def names(query):
    return [match.feature.name for match in search_features(query)]


def test_lay_words_partial_words_and_case(features):
    assert names("bruis") == ["Purpura"]
    assert names("BRUISING") == ["Purpura"]
    assert names("enlarged liver") == ["Hepatomegaly"]
    assert names("liver enlarged") == ["Hepatomegaly"]
    assert names("Tingling feet") == ["Polyneuropathy"]


def test_hyphen_and_space_variants(features):
    assert names("septo optic") == ["Septo-optic dysplasia"]
    assert names("septo-optic") == ["Septo-optic dysplasia"]


def test_typos_are_corrected_against_words_in_use(features):
    assert names("purpra") == ["Purpura"]
    assert names("hepatomegally") == ["Hepatomegaly"]


def test_the_matched_synonym_is_reported(features):
    [match] = search_features("bruising")
    assert match.matched_text == "Bruising"


def test_non_phenotype_terms_and_empty_queries_find_nothing(features):
    assert names("inheritance") == []
    assert names("  ") == []
    assert names("zzzzzz") == []


def test_a_single_letter_suggests_nothing_yet(features):
    assert names("p") == []
    assert names("p o l") == []
    assert names("po") == ["Polyneuropathy"]


def test_index_follows_edits(features):
    purpura = features[0]
    assert names("petechia") == []
    SynonymFactory(feature=purpura, text="petechiae")
    assert names("petechia") == ["Purpura"]


def test_a_long_pasted_query_costs_what_its_distinct_words_cost(features):
    assert search_module.query_tokens(("a ab " * 40)[:200]) == ["ab"]
    assert len(search_module.query_tokens(" ".join(f"w{i}x" for i in range(40)))) == (
        search_module.MAX_TOKENS
    )
    assert names(("enlarged liver " * 20)[:200]) == names("enlarged liver") == ["Hepatomegaly"]


def test_stopping_early_keeps_the_ranking_of_a_full_scan():
    for i in range(25):
        feature = FeatureFactory(name=f"Abnormality of part {i:02d}" + " x" * (i % 4))
        if i % 3 == 0:
            SynonymFactory(feature=feature, text=f"odd part {i} ab", is_layperson=bool(i % 2))
    index = search_module.current_index()
    for query in ["ab", "part ab", "abnormality", "odd"]:
        tokens = search_module.query_tokens(query)
        full = search_module._best(index.find(tokens), tokens, 10)
        assert [m.feature.pk for m in search_features(query)] == [m.feature.pk for m in full]
        assert len(full) >= 9
