"""Emergency advice comes first wherever its feature appears; review dates are shown."""

from datetime import date

import pytest
from django.db import IntegrityError

from conditions.models import Feature
from tests.factories import ConditionFactory, FeatureFactory, MentionFactory, SourceFactory

pytestmark = pytest.mark.django_db

ADVICE = "Call an ambulance if a rash does not fade when you press a glass on it."


@pytest.fixture
def urgent_feature():
    source = SourceFactory(title="NHS: Meningitis", url="https://www.nhs.uk/conditions/meningitis/")
    feature = FeatureFactory(
        name="Petechiae",
        plain_name="tiny red or purple spots",
        urgent_advice=ADVICE,
        urgent_advice_source=source,
    )
    MentionFactory(feature=feature, condition=ConditionFactory(name="Condition A"))
    return feature


def test_advice_needs_a_source():
    with pytest.raises(IntegrityError):
        FeatureFactory(name="Chest pain", urgent_advice="Call an ambulance.")


def test_feature_page_shows_the_advice_and_its_source_before_anything_else(client, urgent_feature):
    html = client.get(f"/features/{urgent_feature.slug}/").content.decode()
    assert "Get help now" in html
    assert ADVICE in html
    assert 'href="https://www.nhs.uk/conditions/meningitis/"' in html
    assert html.index("Get help now") < html.index("Conditions whose sources mention it")


def test_advice_is_shown_above_results_when_its_feature_is_ticked(client, urgent_feature):
    other = FeatureFactory(name="Fatigue")
    html = client.get(f"/?feature={other.slug}&feature={urgent_feature.slug}").content.decode()
    assert html.count(ADVICE) == 1
    assert html.index(ADVICE) < html.index('class="order-note"')
    partial = client.get(f"/?feature={urgent_feature.slug}", headers={"HX-Request": "true"})
    assert ADVICE in partial.content.decode()
    assert "Get help now" not in client.get(f"/?feature={other.slug}").content.decode()


def test_advice_follows_an_edit(client, urgent_feature):
    client.get(f"/?feature={urgent_feature.slug}")
    Feature.objects.filter(pk=urgent_feature.pk).update(urgent_advice="Call 999 now.")
    from conditions import content_version

    content_version.bump()
    assert "Call 999 now." in client.get(f"/?feature={urgent_feature.slug}").content.decode()


def test_condition_page_shows_last_reviewed_and_next_review_due(client):
    condition = ConditionFactory(name="Reviewed", last_reviewed=date(2026, 3, 1))
    assert condition.next_review_due == date(2027, 3, 1)
    html = client.get(condition.get_absolute_url()).content.decode()
    assert "Last reviewed" in html and "1 March 2026" in html
    assert "Next review due" in html and "1 March 2027" in html
    never = ConditionFactory(name="Never reviewed", last_reviewed=None)
    assert "Next review due" not in client.get(never.get_absolute_url()).content.decode()


def test_about_page_says_who_edits_and_how_content_is_reviewed(client):
    html = client.get("/about/").content.decode()
    assert "Who writes it" in html
    assert "at least once a year" in html
    assert "Report a problem with this page" in html
