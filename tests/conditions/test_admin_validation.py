"""Mistakes caught before save, in plain words (issue #14)."""

import pytest
from django.apps import apps

from conditions.admin import PLAIN_CONSTRAINTS
from conditions.models import Feature, Mention
from conditions.signals import CONTENT_MODELS
from tests.admin_forms import posted_form
from tests.conditions.test_admin import condition_form, inline_management
from tests.factories import (
    BodySystemFactory,
    ConditionFactory,
    CrossReferenceFactory,
    FeatureFactory,
    MentionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def add_condition(client, **fields):
    return client.post("/admin/conditions/condition/add/", condition_form(**fields))


def test_adding_a_condition_that_exists_links_to_it(client, editor):
    schnitzler = ConditionFactory(name="Schnitzler syndrome", origin="hpo")

    response = add_condition(client, name="schnitzler syndrome", slug="schnitzler-2")

    assert response.status_code == 200
    html = response.content.decode()
    assert (
        f'<a href="/admin/conditions/condition/{schnitzler.pk}/change/">Schnitzler syndrome</a> already exists'
        in html
    )


def test_adding_a_code_that_exists_links_to_its_condition(client, editor):
    schnitzler = ConditionFactory(name="Schnitzler syndrome")
    CrossReferenceFactory(condition=schnitzler, scheme="ORPHA", code="37748")

    response = add_condition(
        client,
        name="Schnitzler's syndrome",
        slug="schnitzlers",
        **inline_management("xrefs", total=1),
        **{"xrefs-0-scheme": "ORPHA", "xrefs-0-code": "37748"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "ORPHA:37748 already belongs to" in html
    assert f"/admin/conditions/condition/{schnitzler.pk}/change/" in html
    assert "Cross-reference with this Scheme and Code already exists" not in html


def mention_post(client, mention, **changes):
    url = f"/admin/conditions/mention/{mention.pk}/change/"
    data = posted_form(client, url)
    data.update(changes)
    return client.post(url, data)


@pytest.mark.parametrize(
    "frequency",
    [
        {"frequency_kind": "category", "frequency_category": "obligate"},
        {"frequency_kind": "count", "numerator": "3", "denominator": "10"},
        {"frequency_kind": "percent", "percent": "20"},
    ],
)
def test_documented_absent_is_refused_with_a_frequency_above_zero(client, editor, frequency):
    mention = MentionFactory()
    response = mention_post(client, mention, is_absent="on", **frequency)

    assert response.status_code == 200
    assert "cannot also have a frequency above zero" in response.content.decode()
    mention.refresh_from_db()
    assert not mention.is_absent


@pytest.mark.parametrize(
    "frequency",
    [
        {"frequency_kind": "not_recorded"},
        {"frequency_kind": "count", "numerator": "0", "denominator": "10"},
        {"frequency_kind": "percent", "percent": "0"},
    ],
)
def test_documented_absent_is_accepted_with_no_frequency_or_zero(client, editor, frequency):
    mention = MentionFactory()
    assert mention_post(client, mention, is_absent="on", **frequency).status_code == 302
    mention.refresh_from_db()
    assert mention.is_absent


def test_excluded_means_documented_absent(client, editor):
    mention = MentionFactory()
    response = mention_post(
        client, mention, frequency_kind="category", frequency_category="excluded"
    )
    assert response.status_code == 302
    mention.refresh_from_db()
    assert mention.is_absent


def test_a_curated_mention_needs_a_source(client, editor):
    mention = MentionFactory()
    # Its sources are the "sources cited" rows, each with its own figure: remove the only one.
    response = mention_post(client, mention, **{"citations-0-DELETE": "on"})
    assert response.status_code == 200
    assert "Name the source this statement comes from." in response.content.decode()
    assert mention.sources.exists()


def test_a_constraint_reaches_the_editor_in_plain_words(client, editor):
    feature = FeatureFactory(hpo_id="HP:0001945")
    other = FeatureFactory()
    url = f"/admin/conditions/feature/{other.pk}/change/"
    data = posted_form(client, url)
    data["hpo_id"] = "HP:0001945"

    html = client.post(url, data).content.decode()

    assert "Another feature already has this HPO id." in html
    assert "feature_unique_hpo_id" not in html
    assert Feature.objects.filter(hpo_id="HP:0001945").get() == feature


def test_a_duplicate_mention_is_explained(client, editor):
    mention = MentionFactory()
    url = f"/admin/conditions/mention/add/?condition={mention.condition_id}"
    data = posted_form(client, url)
    data.update(
        {
            "feature": str(mention.feature_id),
            "frequency_kind": "not_recorded",
            "sources": [str(SourceFactory().pk)],
        }
    )
    html = client.post(url, data).content.decode()
    assert "This condition already mentions that feature: edit that mention instead." in html


def test_every_content_constraint_has_plain_words():
    named = {
        c.name
        for model in CONTENT_MODELS + (apps.get_model("conditions", "featurealias"),)
        for c in model._meta.constraints
    }
    assert named <= PLAIN_CONSTRAINTS.keys()


def test_deleting_a_body_system_says_what_it_leaves_and_moves_features(client, editor):
    skin, nails = BodySystemFactory(name="Skin"), BodySystemFactory(name="Nails")
    features = [FeatureFactory(body_system=skin) for _ in range(3)]

    page = client.get(f"/admin/conditions/bodysystem/{skin.pk}/delete/").content.decode()
    assert "3 features" in page and "Move its features to" in page

    response = client.post(
        f"/admin/conditions/bodysystem/{skin.pk}/delete/",
        {"post": "yes", "replacement": str(nails.pk)},
    )

    assert response.status_code == 302
    assert {f.body_system for f in Feature.objects.filter(pk__in=[f.pk for f in features])} == {
        nails
    }
    record = Feature.history.filter(id=features[0].pk).order_by("history_id").last()
    assert record.body_system_id == nails.pk and "moved to" in record.history_change_reason


def test_a_body_system_can_be_deleted_leaving_features_unassigned_on_purpose(client, editor):
    skin = BodySystemFactory(name="Skin")
    feature = FeatureFactory(body_system=skin)
    client.post(
        f"/admin/conditions/bodysystem/{skin.pk}/delete/", {"post": "yes", "replacement": "none"}
    )
    feature.refresh_from_db()
    assert feature.body_system is None
    assert not Mention.objects.exists()


@pytest.mark.parametrize("path", ["condition", "feature", "synonym"])
def test_origin_cannot_be_edited(client, editor, path):
    factories = {
        "condition": lambda: ConditionFactory(origin="hpo"),
        "feature": lambda: FeatureFactory(origin="hpo"),
        "synonym": lambda: FeatureFactory().synonyms.create(text="hives", origin="hpo"),
    }
    obj = factories[path]()
    url = f"/admin/conditions/{path}/{obj.pk}/change/"
    data = posted_form(client, url)
    assert "origin" not in data
    data["origin"] = "curated"

    assert client.post(url, data).status_code == 302
    obj.refresh_from_db()
    assert obj.origin == "hpo"


@pytest.fixture
def imported_mention():
    condition = ConditionFactory(name="Schnitzler syndrome", origin="hpo")
    [mention] = Mention.objects.bulk_create(
        [
            Mention(
                condition=condition,
                feature=FeatureFactory(name="Urticaria"),
                origin="hpo",
                evidence="TAS",
                references="ORPHA:37748",
                frequency_kind="category",
                frequency_category="very_frequent",
            )
        ]
    )
    return mention


def test_an_imported_mentions_hpo_line_is_read_only(client, editor, imported_mention):
    url = f"/admin/conditions/mention/{imported_mention.pk}/change/"
    page = client.get(url).content.decode()
    assert "The HPO&#x27;s own line (read-only)" in page
    assert "Very frequent (80–99%)" in page and "ORPHA:37748" in page
    data = posted_form(client, url)
    assert "frequency_category" not in data and "origin" not in data
    data.update({"frequency_category": "frequent", "origin": "curated", "note": "Adults."})

    assert client.post(url, data).status_code == 302
    imported_mention.refresh_from_db()
    assert imported_mention.frequency_category == "very_frequent"  # never the editor's figure
    assert imported_mention.origin == "hpo" and imported_mention.note == "Adults."


def test_an_editors_figure_for_an_imported_mention_goes_with_the_editors_source(
    client, editor, imported_mention
):
    source = SourceFactory(title="Schnitzler syndrome review 2023")
    url = f"/admin/conditions/mention/{imported_mention.pk}/change/"
    data = posted_form(client, url)
    data.update(
        {
            "citations-TOTAL_FORMS": "1",
            "citations-0-mention": str(imported_mention.pk),
            "citations-0-source": str(source.pk),
            "citations-0-frequency_kind": "count",
            "citations-0-numerator": "12",
            "citations-0-denominator": "20",
        }
    )

    assert client.post(url, data).status_code == 302

    citation = imported_mention.citations.get()
    assert citation.source == source and citation.frequency_label == "12 of 20 people studied"
    imported_mention.refresh_from_db()
    assert imported_mention.frequency_label == "Very frequent (80–99%)"  # the HPO's, unchanged
    table = client.get(
        f"/admin/conditions/condition/{imported_mention.condition_id}/change/"
    ).content.decode()
    assert "HPO annotation (TAS): Very frequent (80–99%)" in table
    assert "Schnitzler syndrome review 2023: 12 of 20 people studied" in table


def test_an_editors_figure_without_a_source_is_refused(client, editor, imported_mention):
    url = f"/admin/conditions/mention/{imported_mention.pk}/change/"
    data = posted_form(client, url)
    data.update(
        {
            "citations-TOTAL_FORMS": "1",
            "citations-0-mention": str(imported_mention.pk),
            "citations-0-frequency_kind": "percent",
            "citations-0-percent": "40",
        }
    )

    response = client.post(url, data)

    assert response.status_code == 200
    assert not imported_mention.citations.exists()
