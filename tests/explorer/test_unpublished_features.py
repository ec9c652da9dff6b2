"""A feature staff unpublished (or the HPO made obsolete) is out of the site: its mentions are not
counted, listed or explained anywhere, and a page that would have met them still answers."""

import pytest

from conditions import index
from conditions.matching import explain
from tests.factories import ConditionFactory, FeatureFactory, MentionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    organomegaly = FeatureFactory(name="Organomegaly", slug="organomegaly")
    liver = FeatureFactory(name="Hepatomegaly", slug="hepatomegaly", parents=[organomegaly])
    hidden = FeatureFactory(
        name="Hepatic enlargement (obsolete)", slug="hidden", parents=[liver], is_published=False
    )
    poems = ConditionFactory(name="POEMS syndrome", slug="poems")
    MentionFactory(condition=poems, feature=liver)
    MentionFactory(
        condition=poems, feature=hidden, frequency_kind="count", numerator=9, denominator=10
    )
    only_hidden = ConditionFactory(name="Alpha disease", slug="alpha")
    MentionFactory(condition=only_hidden, feature=hidden)
    MentionFactory(
        condition=ConditionFactory(name="Beta disease", slug="beta"), feature=hidden, is_absent=True
    )
    return organomegaly, liver, hidden, poems


def test_the_index_counts_only_conditions_mentioning_published_features(world):
    organomegaly, liver, _, poems = world
    assert index.current_index().count(organomegaly.pk) == 1
    assert index.current_index().count(liver.pk) == 1
    assert index.rank([organomegaly.pk])[:] == [(poems.pk, 1)]


def test_explanations_leave_unpublished_features_out(world):
    organomegaly, liver, _, poems = world
    [result] = explain([poems.pk], [organomegaly])
    [hit] = result.hits
    assert [m.feature.pk for m in hit.mentions] == [liver.pk]
    assert hit.total == 1
    assert result.absent == []


def test_results_and_suggestions_answer_and_name_no_unpublished_feature(client, world):
    for url in ("/?feature=organomegaly", "/?feature=hepatomegaly&feature=organomegaly"):
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "POEMS syndrome" in page
        assert "Alpha disease" not in page and "Beta disease" not in page
        assert "obsolete" not in page
    for query in ("organomegaly", "hepatomegaly"):
        suggestions = client.get(f"/suggest/?q={query}", headers={"HX-Request": "true"})
        assert '<span class="count">(1 condition)</span>' in suggestions.content.decode()


def test_an_unpublished_feature_is_not_tickable(client, world):
    response = client.get("/?feature=hidden")
    assert response.status_code == 200
    assert "Alpha disease" not in response.content.decode()
