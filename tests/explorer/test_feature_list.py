"""The search box's "show all": every feature a query finds, paged, without JavaScript too; and
the conditions list, searched by the same rule."""

import pytest

from tests.factories import (
    ConditionFactory,
    CrossReferenceFactory,
    FeatureFactory,
    MentionFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def seizures():
    return [FeatureFactory(name=f"Seizure type {i:02d}") for i in range(60)]


def test_the_box_links_to_all_features_when_more_match_than_it_shows(client, seizures):
    html = client.get("/suggest/", {"q": "seizure"}, headers=HTMX).content.decode()
    assert '<a href="/features/?q=seizure">Show all 60 features matching “seizure”</a>' in html
    html = client.get("/suggest/", {"q": "seizure type 01"}, headers=HTMX).content.decode()
    assert "Show all" not in html  # one match: it is shown


def test_the_no_javascript_search_has_the_same_link(client, seizures):
    html = client.get("/", {"q": "seizure", "feature": "seizure-type-07"}).content.decode()
    assert 'href="/features/?q=seizure&amp;feature=seizure-type-07"' in html


def test_show_all_lists_every_match_paged_to_tick_in_the_explorer(client, seizures):
    first = client.get("/features/", {"q": "seizure"})
    html = first.content.decode()
    assert "60 features match “seizure” (page 1 of 2)" in html
    assert html.count('name="feature" value="seizure-type-') == 50
    assert '<form method="get" action="/#results"' in html
    second = client.get("/features/", {"q": "seizure", "page": 2}).content.decode()
    assert second.count('name="feature" value="seizure-type-') == 10
    assert 'value="seizure-type-59"' in second and 'value="seizure-type-00"' not in second


def test_show_all_keeps_features_already_ticked(client, seizures):
    ticked = {"q": "seizure", "feature": ["seizure-type-03", "seizure-type-55"]}
    html = client.get("/features/", ticked).content.decode()
    assert 'value="seizure-type-03" id="m-seizure-type-03" checked>' in html  # on this page
    assert '<input type="hidden" name="feature" value="seizure-type-55">' in html  # on page 2
    assert 'value="seizure-type-04" id="m-seizure-type-04">' in html
    assert (
        'href="?q=seizure&amp;feature=seizure-type-03&amp;feature=seizure-type-55&amp;page=2#matches"'
        in html
    )
    # htmx sends the ticked boxes along with a page link's own: each counts once.
    again = {**ticked, "feature": [*ticked["feature"], "seizure-type-55"], "page": 2}
    html = client.get("/features/", again, headers=HTMX).content.decode()
    assert html.count('value="seizure-type-55"') == 1 and "checked" in html
    assert html.count('<input type="hidden" name="feature" value="seizure-type-03">') == 1


def test_htmx_pages_swap_just_the_list(client, seizures):
    response = client.get("/features/", {"q": "seizure", "page": 2}, headers=HTMX)
    html = response.content.decode()
    assert "<html" not in html and "Features to tick, 51–60 of 60" in html
    assert "HX-Request" in response.headers["Vary"]


def test_counts_beside_found_features_follow_the_true_path(client):
    neuropathy = FeatureFactory(name="Peripheral neuropathy")
    axonal = FeatureFactory(name="Axonal neuropathy", parents=[neuropathy])
    MentionFactory(feature=axonal)  # mentions the narrower feature only
    MentionFactory(feature=neuropathy)
    MentionFactory(feature=axonal, condition=ConditionFactory(status="draft"))
    html = client.get("/features/", {"q": "neuropathy"}).content.decode()
    assert 'Peripheral neuropathy <span class="count">(2 conditions)</span>' in html
    assert 'Axonal neuropathy <span class="count">(1 condition)</span>' in html
    box = client.get("/suggest/", {"q": "peripheral neuro"}, headers=HTMX).content.decode()
    assert "(2 conditions)" in box


def test_no_query_or_no_match_says_what_to_do(client):
    assert "Type a word above" in client.get("/features/").content.decode()
    assert "No feature matches" in client.get("/features/", {"q": "zzzz"}).content.decode()


def test_the_box_links_to_all_conditions_when_more_match_than_it_shows(client):
    for i in range(7):
        ConditionFactory(name=f"Amyloidosis type {i}")
    html = client.get("/suggest/", {"q": "amyloidosis"}, headers=HTMX).content.decode()
    assert '<a href="/conditions/?q=amyloidosis">Show all 7 conditions matching' in html
    listed = client.get("/conditions/", {"q": "amyloidosis"}).context["page"].object_list
    assert len(listed) == 7


@pytest.mark.parametrize(
    "query",
    [
        "POEMS",
        "poems synd",
        "Crow-Fukase",
        "crow fukase",
        "ORPHA:2905",
        "orpha 2905",
        "2905",
        "D47.9",
    ],
)
def test_the_conditions_list_finds_names_other_names_and_codes(client, query):
    poems = ConditionFactory(name="POEMS syndrome", aliases="Crow-Fukase syndrome")
    CrossReferenceFactory(condition=poems, scheme="ORPHA", code="2905")
    CrossReferenceFactory(condition=poems, scheme="ICD10", code="D47.9")
    ConditionFactory(name="Monoclonal gammopathy")
    listed = client.get("/conditions/", {"q": query}).context["page"].object_list
    assert [c.name for c in listed] == ["POEMS syndrome"]


def test_the_conditions_list_ignores_accents_both_ways(client):
    ConditionFactory(name="Waldenström macroglobulinaemia")
    for query in ["waldenstrom", "Waldenström", "WALDENSTROM macro"]:
        listed = client.get("/conditions/", {"q": query}).context["page"].object_list
        assert [c.name for c in listed] == ["Waldenström macroglobulinaemia"]


def test_words_that_find_nothing_together_are_offered_one_at_a_time(client):
    FeatureFactory(name="Polyneuropathy", slug="polyneuropathy")
    ConditionFactory(name="POEMS syndrome")
    FeatureFactory(name="Visceromegaly", slug="visceromegaly")
    query = {"q": "poems polyneuropathy of organomegaly", "feature": "visceromegaly"}
    html = client.get("/suggest/", query, headers=HTMX).content.decode()
    assert "No name holds enough of these words together; try one at a time:" in html
    assert '<a href="/?q=poems&amp;feature=visceromegaly#feature-search">poems</a>, ' in html
    assert '<a href="/?q=organomegaly&amp;feature=visceromegaly#feature-search">' in html
    assert "?q=of&" not in html
    one_word = client.get("/suggest/", {"q": "zzzz"}, headers=HTMX).content.decode()
    assert "one at a time" not in one_word and "Try another word" in one_word
    found = client.get("/suggest/", {"q": "polyneuropathy poems"}, headers=HTMX).content.decode()
    assert "one at a time" in found  # two words no one name holds
    ConditionFactory(name="POEMS polyneuropathy syndrome")
    found = client.get("/suggest/", {"q": "polyneuropathy poems"}, headers=HTMX).content.decode()
    assert "one at a time" not in found and "POEMS polyneuropathy syndrome" in found
