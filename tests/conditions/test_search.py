import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conditions import search as search_module
from conditions.search import search_features
from conditions.word_index import WordIndex, ranked
from tests.factories import (
    ConditionFactory,
    CrossReferenceFactory,
    FeatureFactory,
    MentionFactory,
    SynonymFactory,
)

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


# The one search box: features and conditions together ------------------------------------------


def found(query):
    result = search_module.search(query)
    return (
        [m.feature.name for m in result.features[:10]],
        [m.condition.name for m in result.conditions[:10]],
    )


@pytest.fixture
def field():
    """Names as the full HPO has them, where fuzzy matching went wrong."""
    SynonymFactory(
        feature=FeatureFactory(name="Decreased number of sweat glands"),
        text="Decreased sweat pores",
    )
    SynonymFactory(
        feature=FeatureFactory(name="Anti-muscle-specific tyrosine kinase antibody"),
        text="Anti-MUSK antibodies",
    )
    FeatureFactory(name="Purpura", hpo_id="HP:0000979")
    poems = ConditionFactory(name="POEMS syndrome", aliases="Crow-Fukase syndrome")
    CrossReferenceFactory(condition=poems, scheme="ORPHA", code="2905")
    ConditionFactory(name="Monoclonal gammopathy of undetermined significance (MGUS)")
    ConditionFactory(name="Thrombotic thrombocytopenic purpura")


def test_a_word_only_a_condition_uses_is_not_corrected_into_a_feature(field):
    assert found("POEMS") == ([], ["POEMS syndrome"])
    assert found("mgus") == ([], ["Monoclonal gammopathy of undetermined significance (MGUS)"])
    assert found("Crow Fukase") == ([], ["POEMS syndrome"])


def test_a_word_nothing_uses_is_still_corrected_in_both_groups(field):
    assert found("purpra") == (["Purpura"], ["Thrombotic thrombocytopenic purpura"])
    assert found("POEMSS") == ([], ["POEMS syndrome"])


def test_an_hpo_id_finds_its_feature_and_a_code_its_condition(field):
    assert found("HP:0000979") == found("0000979") == (["Purpura"], [])
    assert found("ORPHA:2905") == found("orpha 2905") == found("2905") == ([], ["POEMS syndrome"])


@pytest.fixture
def bruising():
    legs = FeatureFactory(name="Bruising susceptibility of the legs")
    SynonymFactory(feature=legs, text="Easy bruising on the legs", is_layperson=True)
    FeatureFactory(name="Bruising of the skin")
    FeatureFactory(name="Skin rash")
    FeatureFactory(name="Easy fatigability")
    return legs


def test_a_phrase_finds_features_holding_most_of_its_words_most_first(bruising):
    # No name holds all four words: those holding three, then two; one is not enough.
    features, _ = found("easy bruising skin legs")
    assert features == ["Bruising susceptibility of the legs", "Bruising of the skin"]


def test_lay_words_typos_and_little_words_in_a_partial_phrase(bruising):
    assert found("easy bruisng of the skin on legs")[0] == [
        "Bruising susceptibility of the legs",
        "Bruising of the skin",
    ]


def test_two_words_need_a_name_holding_both(bruising):
    assert found("rash legs") == ([], [])


def test_names_holding_words_few_names_use_come_before_common_ones():
    for name in ["Dry skin", "Pale skin", "Thin skin", "Thick skin"]:
        FeatureFactory(name=name)
    red = FeatureFactory(name="Erythema of the legs")
    SynonymFactory(feature=red, text="Red skin on legs", is_layperson=True)
    FeatureFactory(name="Amyloidosis of the legs")
    features, _ = found("amyloidosis skin legs")
    assert features == ["Amyloidosis of the legs", "Erythema of the legs"]


def test_features_some_condition_mentions_and_whole_words_come_first():
    """'fracture': a feature that finds nothing when ticked, or only starts a word with it
    ('Fractured'), is offered after the ones a condition's sources mention."""
    for name in ["Fractured rib", "Fractured ilium", "Fracture of the wrist"]:
        FeatureFactory(name=name)
    brittle = FeatureFactory(name="Brittle hair")
    SynonymFactory(feature=brittle, text="Fractured hair", is_layperson=True)
    MentionFactory(feature=brittle)
    MentionFactory(feature=FeatureFactory(name="Pathologic fracture"))
    MentionFactory(feature=FeatureFactory(name="Fractured skull"))

    assert names("fracture") == [
        "Pathologic fracture",  # mentioned, holds the word itself
        "Brittle hair",  # mentioned, through its everyday synonym 'Fractured hair'
        "Fractured skull",
        "Fracture of the wrist",  # mentioned by none: after every mentioned one
        "Fractured rib",
        "Fractured ilium",
    ]
    assert names("fractured rib")[0] == "Fractured rib"  # the name as typed still comes first


def test_a_name_holding_every_word_keeps_partial_names_out_of_the_other_group():
    SynonymFactory(
        feature=FeatureFactory(name="Paresthesia of hands and feet"),
        text="tingling in the hands and feet",
    )
    ConditionFactory(name="Symbrachydactyly of hands and feet")
    assert found("tingling hands feet") == (["Paresthesia of hands and feet"], [])
    alone = search_module.find_conditions("tingling hands feet")
    assert [m.condition.name for m in alone] == ["Symbrachydactyly of hands and feet"]
    ConditionFactory(name="Wrinkly skin syndrome")
    FeatureFactory(name="Wrinkly skin")
    assert found("wrinkly skin syndrome") == ([], ["Wrinkly skin syndrome"])


def test_every_match_is_counted_for_show_all_and_pages_slice_in_order():
    for i in range(25):
        FeatureFactory(name=f"Seizure type {i:02d}")
    result = search_module.search("seizure")
    assert len(result.features) == 25
    page_two = result.features[10:20]
    assert [m.feature.name for m in page_two] == [f"Seizure type {i:02d}" for i in range(10, 20)]


# The rule itself, against a brute-force reference -------------------------------------------------

WORDS = ["ab", "abc", "abd", "b", "bc", "bcd", "cde", "c"]


def reference(texts, owners, tokens, weights, phrase, at_least, leading=None):
    """Plain Python: each text's held words and weight, filtered, sorted, best text per owner."""
    rows = []
    for position, text in enumerate(texts):
        words = text.split()
        held = [i for i, t in enumerate(tokens) if any(w.startswith(t) for w in words)]
        if len(held) >= max(at_least, 1):
            weight = sum(weights[i] for i in held)
            lagging = leading is not None and owners[position] not in leading
            whole = sum(1 for t in tokens if t in words)
            key = (
                -len(held),
                -weight,
                text != phrase,
                lagging,
                -whole,
                not text.startswith(phrase),
                position,
            )
            rows.append((key, position))
    best = {}
    for _key, position in sorted(rows):
        best.setdefault(owners[position], position)
    return list(best.values())


@given(
    texts=st.lists(
        st.lists(st.sampled_from(WORDS), min_size=1, max_size=4), min_size=1, max_size=30
    ),
    tokens=st.lists(
        st.sampled_from(["a", "ab", "abc", "b", "bc", "c", "cd", "x"]),
        min_size=1,
        max_size=4,
        unique=True,
    ),
    weights=st.lists(st.integers(1, 8), min_size=4, max_size=4),
    phrase_words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=2),
    owner_count=st.integers(1, 6),
    at_least=st.integers(0, 3),
    leading=st.none() | st.sets(st.integers(0, 5)),
)
def test_ranking_equals_a_brute_force_reference(
    texts, tokens, weights, phrase_words, owner_count, at_least, leading
):
    texts = [" ".join(words) for words in texts]
    owners = np.array([i % owner_count for i in range(len(texts))], dtype=np.int64)
    index = WordIndex(texts)
    weights = [float(w) for w in weights[: len(tokens)]]
    phrase = " ".join(phrase_words)
    lead = None if leading is None else np.array(sorted(leading), dtype=np.int64)
    got = ranked(index, owners, index.held(tokens, weights), phrase, at_least, lead).tolist()
    assert got == reference(texts, owners, tokens, weights, phrase, at_least, leading)


def test_an_hpo_id_finds_its_feature_alone_and_an_unknown_one_finds_nothing(client):
    FeatureFactory(name="Purpura", slug="purpura", hpo_id="HP:0000979")
    for typed in ("HP:0000979", "hp 0000979", "0000979"):
        result = search_module.search(typed)
        assert [m.feature.name for m in result.features] == ["Purpura"], typed
        assert len(result.conditions) == 0
    unknown = search_module.search("HP:0999999")
    assert len(unknown.features) == 0 and list(unknown.features[0:10]) == []
    # The search box says so: no "show all 1", and never a 500.
    page = client.get("/?q=HP:0999999").content.decode()
    assert "No feature" in page or "no feature" in page
    assert "Purpura" in client.get("/?q=HP:0000979").content.decode()


def test_a_code_typed_is_what_a_condition_was_found_by(client):
    poems = ConditionFactory(name="POEMS syndrome")
    CrossReferenceFactory(condition=poems, scheme="ORPHA", code="2905")
    for typed, why in [
        ("2905", "2905"),
        ("orpha:2905", "ORPHA:2905"),
        ("ORPHA 2905", "ORPHA:2905"),
    ]:
        [match] = search_module.find_conditions(typed)
        assert (match.condition.name, match.matched_text, match.codes) == (
            "POEMS syndrome",
            why,
            "ORPHA:2905",
        )
    assert "None" not in client.get("/?q=2905").content.decode()


def test_a_page_of_matches_is_fetched_in_one_query(django_assert_num_queries):
    for i in range(12):
        FeatureFactory(
            name=f"Seizure type {i:02d}", plain_name=f"fit {i}", hpo_id=f"HP:10000{i:02d}"
        )
    matches = search_module.search("seizure").features
    with django_assert_num_queries(1):
        shown = [(m.feature.slug, m.feature.name, m.feature.plain_name) for m in matches[0:10]]
    assert shown[0] == ("seizure-type-00", "Seizure type 00", "fit 0")
