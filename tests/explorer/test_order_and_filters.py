"""The explore page's order (stated on the page), filters in the URL, counts per ticked feature
with a broader feature to swap in, numbered pages, and a page a phone can carry."""

import datetime

import pytest

from conditions.matching import parse_filters, ranked
from conditions.models import Condition
from conditions.ordering import Order, describe, human_key
from conditions.ranking import Filters
from tests.factories import (
    ConditionFactory,
    CrossReferenceFactory,
    FeatureFactory,
    MentionFactory,
)

pytestmark = pytest.mark.django_db


def category(value: str) -> dict:
    return {"frequency_kind": "category", "frequency_category": value}


@pytest.fixture
def skin():
    """A broad feature whose conditions' sources record it (through more specific features) at
    different frequencies, named so that name order and frequency order disagree."""
    skin = FeatureFactory(name="Abnormality of the skin", slug="skin")
    laxa = FeatureFactory(name="Cutis laxa", parents=[skin])
    rash = FeatureFactory(name="Rash", parents=[skin])
    conditions = {}
    for name, frequency in [
        ("11q22 microdeletion", {}),  # not recorded
        ("2q37 deletion", category("occasional")),
        ("AL amyloidosis", category("very_frequent")),
        ("Adiposis dolorosa", category("obligate")),
        ("Éclair syndrome", category("very_frequent")),
    ]:
        conditions[name] = condition = ConditionFactory(name=name)
        MentionFactory(condition=condition, feature=laxa, **frequency)
    # The highest frequency among a condition's matching mentions is the one that counts.
    MentionFactory(
        condition=conditions["11q22 microdeletion"], feature=rash, **category("frequent")
    )
    return skin, conditions


def names(response) -> list[str]:
    return [result.condition.name for result in response.context["results"]]


def test_most_often_recorded_first_then_human_name_order(client, skin):
    response = client.get("/?feature=skin")
    assert names(response) == [
        "Adiposis dolorosa",  # always
        "AL amyloidosis",  # very frequent; "Adiposis" < "AL" ignoring case
        "Éclair syndrome",  # very frequent; accents ignored
        "11q22 microdeletion",  # frequent (its rash), though its cutis laxa is not recorded
        "2q37 deletion",  # occasional
    ]
    html = response.content.decode()
    assert describe(Order.FREQUENCY) in html
    assert "not how likely any condition is" in html


def test_order_by_name_keeps_count_then_name(client, skin):
    response = client.get("/?feature=skin&order=name")
    # Numbers as numbers: 2q before 11q.
    assert names(response) == [
        "2q37 deletion",
        "11q22 microdeletion",
        "Adiposis dolorosa",
        "AL amyloidosis",
        "Éclair syndrome",
    ]
    assert describe(Order.NAME) in response.content.decode()
    assert 'href="?feature=skin#results"' in response.content.decode()  # back to the default


def test_human_key_ignores_case_and_accents_and_reads_numbers():
    ordered = sorted(["b10", "B2", "a", "Á b", "10q", "9q"], key=human_key)
    assert ordered == ["9q", "10q", "a", "Á b", "B2", "b10"]


def test_a_card_and_grid_show_the_frequency_the_order_counts(client, skin):
    response = client.get("/?feature=skin")
    first = response.context["results"][3]  # 11q22: rash (frequent) beats cutis laxa
    assert first.hits[0].highest.feature.name == "Rash"
    html = response.content.decode()
    assert '<b>Abnormality of the skin</b> as Rash: <span class="b3">in 30–79%</span>' in html


def test_reviewed_filter_keeps_only_reviewed_and_counts_each_option(client, skin):
    _, conditions = skin
    reviewed = conditions["2q37 deletion"]
    reviewed.last_reviewed = datetime.date(2025, 1, 1)
    reviewed.save()
    CrossReferenceFactory(condition=conditions["AL amyloidosis"], scheme="DECIPHER", code="7")

    everything = client.get("/?feature=skin")
    facets = everything.context["facets"]
    assert facets.reviewed == 1
    assert facets.options["source"]["decipher"] == 1
    assert 'name="reviewed" value="1"' in everything.content.decode()

    response = client.get("/?feature=skin&reviewed=1")
    assert names(response) == ["2q37 deletion"]
    assert "(on: 1 of 5 conditions shown)" in response.content.decode()

    decipher = client.get("/?feature=skin&source=decipher&source=nonsense")
    assert names(decipher) == ["AL amyloidosis"]
    # Filters ride along in page links, chips' form and the order link.
    assert "source=decipher" in decipher.context["page_query"]


def test_onset_and_inheritance_filters_say_how_many_they_leave_out(client, skin):
    _, conditions = skin
    Condition.objects.filter(pk=conditions["AL amyloidosis"].pk).update(
        onset="adult", inheritance="autosomal_dominant"
    )
    Condition.objects.filter(pk=conditions["2q37 deletion"].pk).update(onset="antenatal")
    from conditions import content_version

    content_version.bump()  # a bulk update, as the import does

    response = client.get("/?feature=skin&onset=adult&onset=antenatal")
    assert names(response) == ["AL amyloidosis", "2q37 deletion"]
    html = response.content.decode()
    assert "3 conditions with no age at onset recorded are left out." in html
    by_inheritance = client.get("/?feature=skin&inheritance=autosomal_dominant")
    assert names(by_inheritance) == ["AL amyloidosis"]
    assert "4 conditions with no inheritance recorded are left out." in (
        by_inheritance.content.decode()
    )


def test_parse_filters_ignores_unknown_values():
    params = {"reviewed": ["1"], "source": ["orpha", "x"], "onset": ["<b>"]}
    filters = parse_filters(lambda name: params.get(name, []))
    assert filters == Filters(reviewed=True, source=frozenset({"orpha"}))
    assert not Filters()


def test_ranked_is_a_plain_function_with_order_and_filters(skin):
    feature, conditions = skin
    ranking = ranked([feature], Order.NAME, Filters(source=frozenset({"curated"})))
    assert len(ranking) == 5  # factories make curated conditions
    assert ranking.facets.unfiltered == 5


def test_ticked_features_show_counts_and_offer_a_broader_one(client):
    neuropathy = FeatureFactory(name="Peripheral neuropathy", slug="peripheral-neuropathy")
    poly = FeatureFactory(name="Polyneuropathy", slug="polyneuropathy", parents=[neuropathy])
    MentionFactory(feature=poly)
    for _ in range(2):
        MentionFactory(feature=neuropathy)

    response = client.get("/?feature=polyneuropathy&reviewed=1")
    [row] = response.context["ticked_counts"]
    assert (row.count, row.broader.slug, row.broader_count) == (1, "peripheral-neuropathy", 3)
    html = response.content.decode()
    assert "Try the broader <em>Peripheral neuropathy</em> (3)" in html
    assert 'href="?feature=peripheral-neuropathy&amp;reviewed=1#results"' in html

    # Not offered when the broader feature is not mentioned by at least twice as many (3 of 5).
    MentionFactory(feature=poly)
    MentionFactory(feature=poly)
    [row] = client.get("/?feature=polyneuropathy").context["ticked_counts"]
    assert row.broader is None


def test_a_chip_removes_its_feature_and_lands_at_the_results(client, skin):
    FeatureFactory(name="Purpura", slug="purpura")
    response = client.get("/?feature=skin&feature=purpura&reviewed=1&remove=purpura&page=2")
    assert response.status_code == 302
    assert response.url == "/?feature=skin&reviewed=1#results"

    htmx = client.get(
        "/?feature=skin&feature=purpura&remove=purpura", headers={"HX-Request": "true"}
    )
    assert htmx["HX-Push-Url"] == "/?feature=skin"
    assert names(htmx) == names(client.get("/?feature=skin"))


def test_numbered_pages_with_first_and_last(client, settings):
    feature = FeatureFactory(name="Fatigue", slug="fatigue")
    settings.EXPLORER_PAGE_SIZE = 2
    for n in range(20):
        MentionFactory(feature=feature, condition=ConditionFactory(name=f"Condition {n:02}"))
    html = client.get("/?feature=fatigue&page=5").content.decode()
    assert '<span aria-current="page"><span class="visually-hidden">Page </span>5</span>' in html
    assert 'href="?feature=fatigue&amp;page=1#results"' in html
    assert "1 (first)" in html and "10 (last)" in html
    assert 'page=4#results" rel="prev"' in html and 'page=6#results" rel="next"' in html
    assert "…" in html


@pytest.mark.parametrize(("feature_count", "per_page"), [(5, 50), (10, 25)])
def test_the_fullest_results_page_fits_a_phone(client, feature_count, per_page):
    """The most a page explains (EXPLORER_PAGE_LINES result-and-feature pairs: 50 results of
    five features, 25 of ten), each condition mentioning every ticked feature through a
    long-named specific one and each mention citing its own HPO annotation (a PubMed study, as
    OMIM conditions' mentions mostly do: the heaviest cards): the HTML stays within 150 kB."""
    ticked = [
        FeatureFactory(name=f"Abnormality of the body system number {n}", slug=f"system-{n}")
        for n in range(feature_count)
    ]
    specific = [
        FeatureFactory(
            name=f"Abnormal morphology of a rather long-named structure {n}", parents=[f]
        )
        for n, f in enumerate(ticked)
    ]
    for c in range(60):
        condition = ConditionFactory(
            name=f"Rather long condition name syndrome type {c}",
            slug=f"rather-long-condition-name-syndrome-type-{c}-omim-{600000 + c}",
        )
        for n, feature in enumerate(specific):
            MentionFactory(
                condition=condition,
                feature=feature,
                sources=[],
                evidence="PCS",
                references=f"PMID:{30000000 + c * 100 + n}",
                **category("very_frequent"),
            )
    query = "&".join(f"feature=system-{n}" for n in range(feature_count))
    response = client.get(f"/?{query}")
    assert len(response.context["results"]) == per_page
    html = response.content.decode()
    assert html.count("https://pubmed.ncbi.nlm.nih.gov/") == per_page * feature_count
    assert len(response.content) <= 150_000, len(response.content)


@pytest.fixture
def poems_and_friends():
    poems = ConditionFactory(name="POEMS syndrome", aliases="Crow-Fukase syndrome")
    CrossReferenceFactory(condition=poems, scheme="ORPHA", code="2905")
    other = ConditionFactory(name="Wrinkly skin syndrome")
    CrossReferenceFactory(condition=other, scheme="DECIPHER", code="77")
    FeatureFactory(name="Decreased number of sweat glands")
    return poems, other


@pytest.mark.parametrize(
    "query", ["POEMS", "poems synd", "ORPHA:2905", "orpha 2905", "2905", "crow"]
)
def test_one_search_offers_conditions_to_read_beside_features(client, poems_and_friends, query):
    html = client.get("/", {"q": query}).content.decode()
    assert "Conditions to read" in html
    assert '<a href="/conditions/poems-syndrome/">POEMS syndrome</a>' in html
    assert "(ORPHA:2905)" in html


def test_condition_search_ranks_names_holding_most_words(poems_and_friends):
    from conditions.search import find_conditions

    found = find_conditions("wrinkly skin fragile")  # no name holds all three words
    assert [m.condition.name for m in found] == ["Wrinkly skin syndrome"]
    assert [m.condition.name for m in find_conditions("syndrome")] == [
        "POEMS syndrome",
        "Wrinkly skin syndrome",
    ]
    assert find_conditions("77")[0].codes == "DECIPHER:77"
    assert find_conditions("1") == []  # not a code, and too short a word


def test_feature_suggestions_say_how_many_conditions_mention_them(client):
    feature = FeatureFactory(name="Purpura", slug="purpura")
    MentionFactory(feature=feature)
    MentionFactory(feature=feature)
    html = client.get("/suggest/?q=purp", headers={"HX-Request": "true"}).content.decode()
    assert "Features to tick" in html and "(2 conditions)" in html


def test_conditions_list_finds_codes_and_has_an_a_to_z_index(client, poems_and_friends):
    ConditionFactory(name="11q deletion")
    by_code = client.get("/conditions/?q=ORPHA:2905")
    assert [c.name for c in by_code.context["page"].object_list] == ["POEMS syndrome"]
    by_letter = client.get("/conditions/?letter=w")
    assert [c.name for c in by_letter.context["page"].object_list] == ["Wrinkly skin syndrome"]
    assert '<span aria-current="page">W</span>' in by_letter.content.decode()
    digits = client.get("/conditions/?letter=%23")
    assert [c.name for c in digits.context["page"].object_list] == ["11q deletion"]
