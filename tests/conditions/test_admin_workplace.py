"""The editors' workplace at field scale (issue #14): big conditions save, pages stay small."""

import pytest
from django.utils import timezone

from conditions.models import Condition, Mention
from tests.admin_forms import posted_form
from tests.factories import (
    BodySystemFactory,
    ConditionFactory,
    CrossReferenceFactory,
    FeatureFactory,
    MentionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def big_condition():
    condition = ConditionFactory(name="Williams syndrome", slug="williams-syndrome")
    source = SourceFactory()
    system = BodySystemFactory()
    features = [FeatureFactory(name=f"Feature {i:03}", body_system=system) for i in range(200)]
    mentions = Mention.objects.bulk_create(
        Mention(condition=condition, feature=feature) for feature in features
    )
    Mention.sources.through.objects.bulk_create(
        Mention.sources.through(mention_id=m.pk, source_id=source.pk) for m in mentions
    )
    return condition


def test_a_condition_with_200_mentions_saves(client, editor, big_condition):
    url = f"/admin/conditions/condition/{big_condition.pk}/change/"
    data = posted_form(client, url)
    data["summary"] = "A new plain summary."

    response = client.post(url, data)

    assert response.status_code == 302
    big_condition.refresh_from_db()
    assert big_condition.summary == "A new plain summary."
    assert big_condition.mentions.count() == 200  # nothing lost by not posting them back
    assert len(data) < 100  # far below DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000)


def test_change_page_lists_every_mention_in_a_bounded_number_of_queries(
    client, editor, big_condition, django_assert_max_num_queries
):
    with django_assert_max_num_queries(30):
        response = client.get(f"/admin/conditions/condition/{big_condition.pk}/change/")
    html = response.content.decode()
    assert "Mentions (200)" in html
    assert html.count("/change/?from_condition=1") == 200  # one edit link a row
    assert (
        f"/admin/conditions/mention/add/?condition={big_condition.pk}&amp;from_condition=1" in html
    )
    mention = big_condition.mentions.order_by("pk").first()
    assert f"/admin/conditions/mention/{mention.pk}/change/?from_condition=1" in html
    # No form field per existing mention: only the blank "add mentions" row.
    assert 'name="mentions-INITIAL_FORMS" value="0"' in html


def test_a_new_mention_can_still_be_added_from_the_condition_page(client, editor, big_condition):
    url = f"/admin/conditions/condition/{big_condition.pk}/change/"
    data = posted_form(client, url)
    fever = FeatureFactory(name="Fever")
    source = SourceFactory()
    data.update(
        {
            "mentions-0-feature": str(fever.pk),
            "mentions-0-frequency_kind": "not_recorded",
            "mentions-0-sources": [str(source.pk)],
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302
    assert big_condition.mentions.count() == 201
    assert big_condition.mentions.filter(feature=fever).exists()


def test_editing_a_mention_from_the_condition_page_returns_there(client, editor):
    mention = MentionFactory()
    url = f"/admin/conditions/mention/{mention.pk}/change/?from_condition=1"
    data = posted_form(client, url)
    data.update({"frequency_kind": "percent", "percent": "40", "_save": "Save"})

    response = client.post(url, data)

    assert response.status_code == 302
    assert response.url.startswith(f"/admin/conditions/condition/{mention.condition_id}/change/")
    mention.refresh_from_db()
    assert mention.frequency_label == "40% of people studied"


def test_deleting_a_much_mentioned_feature_counts_instead_of_listing(
    client, editor, django_assert_max_num_queries
):
    seizure = FeatureFactory(name="Seizure")
    for _ in range(60):
        MentionFactory(feature=seizure)

    with django_assert_max_num_queries(15):
        response = client.get(f"/admin/conditions/feature/{seizure.pk}/delete/")

    html = response.content.decode()
    # Mentions protect the feature: the page says how many and links to them.
    assert f"/admin/conditions/mention/?feature__id__exact={seizure.pk}" in html
    assert "60 mentions" in html


def test_deleting_a_condition_summarises_its_cascade(client, editor, django_assert_max_num_queries):
    condition = ConditionFactory()
    for _ in range(30):
        MentionFactory(condition=condition)

    with django_assert_max_num_queries(15):
        response = client.get(f"/admin/conditions/condition/{condition.pk}/delete/")

    assert "30 mentions" in response.content.decode()
    client.post(f"/admin/conditions/condition/{condition.pk}/delete/", {"post": "yes"})
    assert not Condition.objects.filter(pk=condition.pk).exists()


def test_body_system_filter_finds_conditions_through_their_mentions(client, editor):
    skin = BodySystemFactory(name="Skin")
    nerves = BodySystemFactory(name="Nerves")
    MentionFactory(
        condition=ConditionFactory(name="POEMS syndrome"),
        feature=FeatureFactory(body_system=nerves),
    )
    twice = ConditionFactory(name="Cryoglobulinaemia")
    for _ in range(2):  # two skin mentions: listed once
        MentionFactory(condition=twice, feature=FeatureFactory(body_system=skin))

    html = client.get(f"/admin/conditions/condition/?body_system={skin.slug}").content.decode()

    assert html.count(">Cryoglobulinaemia<") == 1
    assert "POEMS syndrome" not in html


def test_condition_list_counts_mentions(client, editor):
    condition = ConditionFactory(name="POEMS syndrome")
    for _ in range(3):
        MentionFactory(condition=condition)
    ConditionFactory(name="MGUS")

    response = client.get("/admin/conditions/condition/")

    counts = {c.name: c.mention_total for c in response.context["cl"].result_list}
    assert counts == {"POEMS syndrome": 3, "MGUS": 0}


def autocomplete(client, field: str, term: str) -> list[str]:
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "conditions", "model_name": "mention", "field_name": field, "term": term},
    )
    assert response.status_code == 200
    return [r["text"] for r in response.json()["results"]]


@pytest.fixture
def lookup_features():
    fever = FeatureFactory(name="Fever", plain_name="high temperature", hpo_id="HP:0001945")
    rhinitis = FeatureFactory(name="Allergic rhinitis", hpo_id="HP:0003193")
    rhinitis.synonyms.create(text="Hay fever", is_layperson=True)
    FeatureFactory(name="Febrile seizure", hpo_id="HP:0002373").synonyms.create(
        text="Fever induced seizures"
    )
    FeatureFactory(name="Urticaria", plain_name="hives", hpo_id="HP:0001025")
    FeatureFactory(name="Cold urticaria", hpo_id="HP:0410135")
    FeatureFactory(name="Pruritus", plain_name="itching", hpo_id="HP:0000989").synonyms.create(
        text="itch"
    )
    FeatureFactory(name="Abdominal pain", hpo_id="HP:0002027")
    FeatureFactory(name="Pain", hpo_id="HP:0012531")
    FeatureFactory(name="Autosomal dominant inheritance", hpo_id="HP:0000006", is_phenotype=False)
    return fever


@pytest.mark.parametrize(
    ("term", "first"),
    [
        ("fever", "high temperature (Fever) · HP:0001945"),  # not "Hay fever" (alphabetical)
        ("pain", "Pain · HP:0012531"),  # not "Abdominal pain"
        ("itch", "itching (Pruritus) · HP:0000989"),
        ("urtcaria", "hives (Urticaria) · HP:0001025"),  # a typo
        ("HP:0001945", "high temperature (Fever) · HP:0001945"),
        ("hp:0001945", "high temperature (Fever) · HP:0001945"),
    ],
)
def test_feature_lookup_puts_the_meant_term_first(client, editor, lookup_features, term, first):
    assert autocomplete(client, "feature", term)[0] == first


def test_feature_lookup_still_finds_words_inside_names_after_the_ranked_ones(
    client, editor, lookup_features
):
    found = autocomplete(client, "feature", "fever")
    assert found[0].startswith("high temperature (Fever)")
    assert "Allergic rhinitis · HP:0003193" in found  # by its lay synonym "Hay fever"
    assert not any("inheritance" in text for text in autocomplete(client, "feature", "dominant"))


def test_condition_lookup_ranks_exact_names_first_and_accepts_codes(client, editor):
    williams = ConditionFactory(name="Williams syndrome")
    CrossReferenceFactory(condition=williams, scheme="ORPHA", code="904")
    ConditionFactory(name="Weaver-Williams syndrome")
    ConditionFactory(name="Williams syndrome, atypical")

    assert autocomplete(client, "condition", "williams syndrome") == [
        "Williams syndrome · ORPHA:904",
        "Williams syndrome, atypical",
        "Weaver-Williams syndrome",
    ]
    assert autocomplete(client, "condition", "ORPHA:904") == ["Williams syndrome · ORPHA:904"]
    assert autocomplete(client, "condition", "904") == ["Williams syndrome · ORPHA:904"]


def test_source_lookup_shows_publisher_and_year(client, editor):
    SourceFactory(title="POEMS syndrome", publisher="Orphanet", accessed="2025-03-01")
    assert autocomplete(client, "sources", "poems") == ["POEMS syndrome (Orphanet · accessed 2025)"]


def test_a_new_mention_starts_with_the_sources_of_the_one_before(client, editor):
    condition = ConditionFactory()
    first, second = SourceFactory(), SourceFactory()
    MentionFactory(condition=condition, sources=[SourceFactory()])
    MentionFactory(condition=condition, sources=[first, second])  # the newest

    page = client.get(f"/admin/conditions/mention/add/?condition={condition.pk}")
    inline = client.get(f"/admin/conditions/condition/{condition.pk}/change/")

    assert sorted(page.context["adminform"].form.initial["sources"]) == sorted(
        [first.pk, second.pk]
    )
    new_row = inline.context["inline_admin_formsets"][0].formset.forms[0]
    assert sorted(new_row.initial["sources"]) == sorted([first.pk, second.pk])


def test_admin_index_says_what_needs_review_with_links(client, editor):
    ConditionFactory(name="Draft one", status="draft", last_reviewed="2020-01-01")
    ConditionFactory(name="Never", status="published", last_reviewed=None, summary="")
    today = timezone.localdate()
    ConditionFactory(name="Fresh", status="published", last_reviewed=today)
    # Without a staff summary a page shows one generated from its rows: only a page with no
    # feature recorded as present has nothing to say (Never, and Only absent).
    generated = ConditionFactory(name="Generated", summary="", last_reviewed=today)
    MentionFactory(condition=generated)
    only_absent = ConditionFactory(name="Only absent", summary="", last_reviewed=today)
    MentionFactory(condition=only_absent, is_absent=True)

    response = client.get("/admin/")

    rows = (
        {row.label: row for row in response.context["rows"]} if "rows" in response.context else {}
    )
    html = response.content.decode()
    assert "What needs review" in html
    counts = {
        "Draft conditions": ("?status__exact=draft", 1),
        "Conditions never reviewed": ("?reviewed=never", 1),
        "Conditions due for review (last reviewed over a year ago)": ("?reviewed=overdue", 1),
        "Published conditions with no summary and nothing to generate one from": (
            "?status__exact=published&summary=nothing",
            2,
        ),
    }
    for label, (query, count) in counts.items():
        assert rows[label].count == count
        listed = client.get(f"/admin/conditions/condition/{query}").context["cl"].result_count
        assert listed == count, label
    assert "Open problem reports from visitors" in rows


def test_staff_preview_a_draft_as_visitors_will_see_it(client, editor):
    draft = ConditionFactory(name="Draft condition", status="draft", summary="A plain summary.")
    MentionFactory(condition=draft, feature=FeatureFactory(name="Purpura"))

    assert client.get(draft.get_absolute_url()).status_code == 404  # not public yet
    change = client.get(f"/admin/conditions/condition/{draft.pk}/change/").content.decode()
    assert f"/admin/conditions/condition/{draft.pk}/preview/" in change  # "view on site"

    preview = client.get(f"/admin/conditions/condition/{draft.pk}/preview/")

    html = preview.content.decode()
    assert preview.status_code == 200
    assert "Staff preview of a draft condition" in html
    assert "Draft condition" in html and "A plain summary." in html and "Purpura" in html
    assert (
        "no-store" in preview.headers["Cache-Control"]
        or "private" in preview.headers["Cache-Control"]
    )


def test_preview_is_for_staff_only(client):
    draft = ConditionFactory(status="draft")
    response = client.get(f"/admin/conditions/condition/{draft.pk}/preview/")
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_condition_lookup_also_finds_drafts_after_the_ranked_published_ones(client, editor):
    ConditionFactory(name="Sweet syndrome, draft notes", status="draft")
    ConditionFactory(name="Sweet syndrome")

    assert autocomplete(client, "condition", "sweet syndrome") == [
        "Sweet syndrome",
        "Sweet syndrome, draft notes",
    ]
