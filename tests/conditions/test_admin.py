import pytest

from conditions.models import Condition, Mention
from tests.factories import (
    ConditionFactory,
    ConditionLinkFactory,
    CrossReferenceFactory,
    FeatureFactory,
    MentionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def inline_management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def condition_form(**overrides):
    data = {
        "name": "Cryoglobulinaemia",
        "slug": "cryoglobulinaemia",
        "status": "published",
        "last_reviewed": "2026-11-21",
        "summary": "Proteins in the blood that clump in the cold.",
        "description": "",
        "origin": "curated",
        **inline_management("xrefs"),
        **inline_management("links"),
        **inline_management("mentions"),
    }
    data.update(overrides)
    return data


def test_editor_adds_a_condition_with_mentions_and_sees_it_on_the_site(client, editor):
    purpura = FeatureFactory(name="Purpura", slug="purpura")
    source = SourceFactory()
    data = condition_form(
        **inline_management("mentions", total=1),
        **{
            "mentions-0-feature": str(purpura.pk),
            "mentions-0-frequency_kind": "category",
            "mentions-0-frequency_category": "frequent",
            "mentions-0-sources": [str(source.pk)],
        },
        **inline_management("xrefs", total=1),
        **{"xrefs-0-scheme": "ORPHA", "xrefs-0-code": "91138"},
    )

    response = client.post("/admin/conditions/condition/add/", data)

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    mention = Mention.objects.get(condition__slug="cryoglobulinaemia")
    assert mention.frequency_label == "Frequent (30–79%)"
    assert list(mention.sources.all()) == [source]
    html = client.get("/?feature=purpura").content.decode()
    assert "Cryoglobulinaemia" in html and "in 30–79%" in html


def test_inline_explains_frequency_mistakes(client, editor):
    purpura = FeatureFactory(slug="purpura")
    data = condition_form(
        **inline_management("mentions", total=1),
        **{
            "mentions-0-feature": str(purpura.pk),
            "mentions-0-frequency_kind": "count",
            "mentions-0-numerator": "9",
            "mentions-0-denominator": "3",
        },
    )
    response = client.post("/admin/conditions/condition/add/", data)
    assert response.status_code == 200
    assert "n cannot be more than m." in response.content.decode()
    assert not Condition.objects.filter(slug="cryoglobulinaemia").exists()


def test_changelist_search_and_filters(client, editor):
    MentionFactory(condition=ConditionFactory(name="POEMS syndrome"))
    ConditionFactory(name="MGUS", last_reviewed=None)

    found = client.get("/admin/conditions/condition/?q=poems").content.decode()
    never = client.get("/admin/conditions/condition/?reviewed=never").content.decode()

    assert "POEMS syndrome" in found and "MGUS" not in found
    assert "MGUS" in never


def test_feature_parents_cannot_form_a_loop(client, editor):
    top = FeatureFactory(name="Organomegaly", slug="organomegaly")
    below = FeatureFactory(name="Hepatomegaly", slug="hepatomegaly", parents=[top])
    data = {
        "name": top.name,
        "slug": top.slug,
        "hpo_id": "",
        "parents": [str(below.pk)],
        "plain_name": "",
        "description": "",
        "is_published": "on",
        "is_phenotype": "on",
        "origin": "curated",
        "definition": "",
        "illustration_alt": "",
        "illustration_credit": "",
        **inline_management("synonyms"),
    }
    response = client.post(f"/admin/conditions/feature/{top.pk}/change/", data)
    assert response.status_code == 200
    assert "would create a loop" in response.content.decode()


def test_history_can_be_reverted(client, editor):
    condition = ConditionFactory(name="MGUS", summary="First wording.")
    condition.summary = "A worse wording."
    condition.save()
    first = condition.history.order_by("history_date").first()

    page = client.get(f"/admin/conditions/condition/{condition.pk}/history/{first.history_id}/")
    assert page.status_code == 200
    seen = page.context["adminform"].form["seen_version"].value()
    response = client.post(
        f"/admin/conditions/condition/{condition.pk}/history/{first.history_id}/",
        {
            **condition_form(name="MGUS", slug=condition.slug, summary="First wording."),
            "_change_history": "1",
            "seen_version": seen,
        },
    )

    assert response.status_code == 302
    condition.refresh_from_db()
    assert condition.summary == "First wording."
    assert condition.history.count() == 3


def test_editors_can_edit_content_but_not_users_or_groups(client, editor):
    assert client.get("/admin/conditions/condition/").status_code == 200
    assert client.get("/admin/conditions/source/add/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 403
    assert client.get("/admin/auth/group/").status_code == 403
    assert client.get("/admin/conditions/hporelease/add/").status_code == 403
    assert not editor.has_perm("auth.change_user")
    assert editor.has_perm("conditions.change_mention")


def test_publish_action_records_history(client, editor):
    condition = ConditionFactory(status="draft")
    client.post(
        "/admin/conditions/condition/",
        {"action": "publish", "_selected_action": [condition.pk]},
    )
    condition.refresh_from_db()
    assert condition.status == "published"
    assert condition.history.first().history_user == editor


def test_autocomplete_offers_features_by_synonym(client, editor):
    feature = FeatureFactory(name="Purpura")
    feature.synonyms.create(text="bruising")
    response = client.get(
        "/admin/autocomplete/",
        {
            "term": "bruis",
            "app_label": "conditions",
            "model_name": "mention",
            "field_name": "feature",
        },
    )
    assert [r["text"] for r in response.json()["results"]] == ["Purpura"]


def test_a_deleted_condition_is_restored_with_its_mentions(client, editor):
    source = SourceFactory()
    condition = ConditionFactory(name="POEMS syndrome", slug="poems-syndrome")
    CrossReferenceFactory(condition=condition, scheme="ORPHA", code="2905")
    target = ConditionFactory(name="Multiple myeloma")
    ConditionLinkFactory(from_condition=condition, to_condition=target)
    for name in ("Purpura", "Polyneuropathy"):
        MentionFactory(condition=condition, feature=FeatureFactory(name=name), sources=[source])
    pk = condition.pk

    response = client.post(f"/admin/conditions/condition/{pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Mention.objects.filter(condition_id=pk).exists()
    listing = client.get("/admin/conditions/condition/deleted/").content.decode()
    assert "POEMS syndrome" in listing

    response = client.post(f"/admin/conditions/condition/deleted/{pk}/restore/")

    assert response.status_code == 302
    restored = Condition.objects.get(pk=pk)
    assert restored.slug == "poems-syndrome"
    assert sorted(m.feature.name for m in restored.mentions.all()) == ["Polyneuropathy", "Purpura"]
    assert all(list(m.sources.all()) == [source] for m in restored.mentions.all())
    assert restored.xrefs.get().code == "2905"
    assert restored.links.get().to_condition == target
    assert "POEMS syndrome" in client.get("/?feature=purpura").content.decode()
    again = client.post(f"/admin/conditions/condition/deleted/{pk}/restore/", follow=True)
    assert "no deleted condition" in again.content.decode()
