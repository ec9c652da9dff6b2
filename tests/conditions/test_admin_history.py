"""History that covers what editors change: mentions in a condition's history, revert, baselines,
reasons, and restoring exactly what a deletion removed (issues #14 and #10)."""

import pytest
from django.utils import timezone

from conditions.history import BASELINE_REASON
from conditions.models import Condition, ConditionLink, Mention
from tests.admin_forms import posted_form
from tests.factories import (
    ConditionFactory,
    ConditionLinkFactory,
    CrossReferenceFactory,
    FeatureFactory,
    MentionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def save_mention(client, mention, **changes):
    url = f"/admin/conditions/mention/{mention.pk}/change/"
    data = posted_form(client, url)
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    mention.refresh_from_db()


def go_back_to(client, condition, record, kind="condition"):
    return client.post(
        f"/admin/conditions/condition/{condition.pk}/history/revert/",
        {"kind": kind, "record": record.history_id},
    )


@pytest.fixture
def condition(client, editor):
    """A curated condition saved once through the admin, with one mention citing a source."""
    condition = ConditionFactory(name="POEMS syndrome")
    mention = MentionFactory(
        condition=condition, feature=FeatureFactory(name="Purpura"), frequent=True
    )
    url = f"/admin/conditions/condition/{condition.pk}/change/"
    data = posted_form(client, url)
    data["change_reason"] = "First review"
    assert client.post(url, data).status_code == 302
    condition.mention = mention
    return condition


def test_history_lists_mention_changes_with_the_editors_reason(client, condition):
    save_mention(
        client,
        condition.mention,
        percent="40",
        frequency_kind="percent",
        frequency_category="",
        change_reason="Orphanet 2024 review",
    )

    html = client.get(f"/admin/conditions/condition/{condition.pk}/history/").content.decode()

    assert "Mention: Purpura" in html
    assert "Orphanet 2024 review" in html and "First review" in html
    assert "Go back to this version" in html


def test_reverting_a_condition_restores_its_mentions(client, condition):
    version = condition.history.order_by("history_date").last()
    original_sources = set(condition.mention.sources.all())
    save_mention(
        client,
        condition.mention,
        frequency_kind="percent",
        frequency_category="",
        percent="40",
        sources=[str(SourceFactory().pk)],
    )
    added = MentionFactory(condition=condition, feature=FeatureFactory(name="Fever"))
    client.post(f"/admin/conditions/mention/{added.pk}/delete/", {"post": "yes"})
    later = MentionFactory(condition=condition, feature=FeatureFactory(name="Rash"))
    condition.mention.sources.clear()

    response = go_back_to(client, condition, version)

    assert response.status_code == 302
    mention = Mention.objects.get(pk=condition.mention.pk)
    assert mention.frequency_label == "Frequent (30–79%)"
    assert set(mention.sources.all()) == original_sources
    assert not Mention.objects.filter(pk=later.pk).exists()  # added since: removed again
    assert not Mention.objects.filter(pk=added.pk).exists()


def test_reverting_brings_back_a_mention_deleted_since(client, condition):
    version = condition.history.order_by("history_date").last()
    source = condition.mention.sources.get()
    client.post(f"/admin/conditions/mention/{condition.mention.pk}/delete/", {"post": "yes"})
    assert not condition.mentions.exists()

    go_back_to(client, condition, version)

    mention = condition.mentions.get()
    assert mention.feature.name == "Purpura"
    assert list(mention.sources.all()) == [source]


def test_reverting_a_condition_puts_its_related_condition_links_back(client, editor):
    mgus = ConditionFactory(name="MGUS")
    myeloma = ConditionFactory(name="Multiple myeloma")
    amyloidosis = ConditionFactory(name="AL amyloidosis")
    ConditionLinkFactory(from_condition=mgus, to_condition=myeloma, relation="may_progress_to")
    url = f"/admin/conditions/condition/{mgus.pk}/change/"
    assert client.post(url, posted_form(client, url)).status_code == 302
    version = mgus.history.order_by("history_date").last()
    # Since then: the link to myeloma reworded through the change page, then deleted, and a
    # link to amyloidosis added.
    data = posted_form(client, url)
    data["links-0-relation"] = "associated_with"
    assert client.post(url, data).status_code == 302
    ConditionLink.objects.get(from_condition=mgus, to_condition=myeloma).delete()
    ConditionLinkFactory(from_condition=mgus, to_condition=amyloidosis)

    html = client.get(f"/admin/conditions/condition/{mgus.pk}/history/").content.decode()
    assert "Related condition: is associated with AL amyloidosis" in html

    assert go_back_to(client, mgus, version).status_code == 302

    assert list(mgus.links.values_list("to_condition__name", "relation")) == [
        ("Multiple myeloma", "may_progress_to")
    ]


def test_reverting_leaves_out_a_link_to_a_condition_deleted_since(client, editor):
    mgus = ConditionFactory(name="MGUS")
    gone = ConditionFactory(name="Gone")
    ConditionLinkFactory(from_condition=mgus, to_condition=gone)
    url = f"/admin/conditions/condition/{mgus.pk}/change/"
    assert client.post(url, posted_form(client, url)).status_code == 302
    version = mgus.history.order_by("history_date").last()
    gone.delete()

    assert go_back_to(client, mgus, version).status_code == 302
    assert not mgus.links.exists()


def test_simple_history_revert_form_also_restores_mentions(client, condition):
    version = condition.history.order_by("history_date").last()
    save_mention(client, condition.mention, frequency_kind="not_recorded", frequency_category="")

    url = f"/admin/conditions/condition/{condition.pk}/history/{version.history_id}/"
    data = posted_form(client, url)
    data["_change_history"] = "1"
    assert client.post(url, data).status_code == 302

    condition.mention.refresh_from_db()
    assert condition.mention.frequency_label == "Frequent (30–79%)"


def test_an_imported_mention_gets_a_baseline_so_its_first_correction_can_be_undone(client, editor):
    condition = ConditionFactory(origin="hpo")
    feature = FeatureFactory(name="Fever")
    # The import writes rows without history (raw SQL); bulk_create does the same here.
    [imported] = Mention.objects.bulk_create(
        [
            Mention(
                condition=condition,
                feature=feature,
                origin="hpo",
                evidence="TAS",
                frequency_kind="category",
                frequency_category="occasional",
            )
        ]
    )
    assert not Mention.history.filter(id=imported.pk).exists()

    save_mention(client, imported, frequency_category="frequent", sources=[str(SourceFactory().pk)])

    baseline = Mention.history.filter(id=imported.pk).order_by("history_date").first()
    assert baseline.history_change_reason == BASELINE_REASON
    assert baseline.frequency_category == "occasional"
    html = client.get(f"/admin/conditions/condition/{condition.pk}/history/").content.decode()
    assert BASELINE_REASON in html

    go_back_to(client, condition, baseline, kind="mention")

    imported.refresh_from_db()
    assert imported.frequency_category == "occasional"
    assert not imported.sources.exists()


def test_a_version_of_another_condition_is_refused(client, condition):
    other = ConditionFactory()
    other.summary = "changed"
    other.save()
    record = other.history.first()

    response = go_back_to(client, condition, record)

    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages[-1] == "That version is not in this condition's history."


def test_restoring_a_deleted_condition_brings_back_only_what_its_deletion_removed(client, editor):
    condition = ConditionFactory(name="POEMS syndrome")
    CrossReferenceFactory(condition=condition, scheme="ORPHA", code="2905")
    kept = MentionFactory(condition=condition, feature=FeatureFactory(name="Purpura"))
    removed_on_purpose = MentionFactory(condition=condition, feature=FeatureFactory(name="Fever"))
    # Deleted on its own, moments before the condition: it must stay deleted.
    client.post(f"/admin/conditions/mention/{removed_on_purpose.pk}/delete/", {"post": "yes"})
    # An imported mention with no history at all is part of the cascade too.
    [imported] = Mention.objects.bulk_create(
        [Mention(condition=condition, feature=FeatureFactory(name="Rash"), origin="hpo")]
    )
    imported.sources.add(SourceFactory())
    client.post(f"/admin/conditions/condition/{condition.pk}/delete/", {"post": "yes"})

    client.post(f"/admin/conditions/condition/deleted/{condition.pk}/restore/")

    restored = Condition.objects.get(pk=condition.pk)
    assert sorted(m.feature.name for m in restored.mentions.all()) == ["Purpura", "Rash"]
    assert restored.mentions.get(feature__name="Rash").sources.count() == 1
    assert list(kept.sources.all()) == list(restored.mentions.get(pk=kept.pk).sources.all())
    assert restored.xrefs.get().code == "2905"


def test_every_record_of_one_save_shares_its_moment(client, condition):
    url = f"/admin/conditions/condition/{condition.pk}/change/"
    data = posted_form(client, url)
    data.update(
        {
            "summary": "Changed.",
            "mentions-0-feature": str(FeatureFactory().pk),
            "mentions-0-frequency_kind": "not_recorded",
        }
    )
    before = timezone.now()
    assert client.post(url, data).status_code == 302

    own = condition.history.filter(history_date__gte=before).get()
    new = Mention.history.filter(condition_id=condition.pk, history_date__gte=before)
    assert {r.history_date for r in new} == {own.history_date}
