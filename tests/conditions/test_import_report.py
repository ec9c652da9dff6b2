"""The summary `manage.py import_hpo` prints, and the oddities of real releases it counts.

The summary is what an operator reads after an import: one row of counts per kind of row, every
line the import could not take as written counted by reason, staff-owned values to review, and
whether anything was saved. It is stated whole here for the test release (tests/data/hpo/).
"""

import re
from pathlib import Path

import pytest
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.text import slugify

from conditions.hpo_import import (
    REVIEW_LINES,
    STEPS,
    WRITTEN,
    ImportReport,
    Tally,
    _refresh_planner_statistics,
    documented_absent,
    run_import,
)
from conditions.models import BodySystem, Condition, Feature, FeatureAlias, HpoRelease, Mention
from conditions.sync import Review

from .test_import_hpo import HPOA, OBO, feature, mention, notes, run, tally

pytestmark = pytest.mark.django_db

ODDITIES = """\
Oddities and skipped lines:
  IEA line, derived from OMIM, not imported (no --include-omim)                1
  OMIM not imported (no --include-omim)                                        2
  alt id mapped to its term                                                    1
  another line for the same condition and feature (first positive kept)        1
  aspect I line, kept as condition data                                        1
  duplicate line (skipped)                                                     1
  n > m (kept, not recorded)                                                   1
  obsolete term mapped to its replacement                                      1
  obsolete term without replaced_by (skipped)                                  1
  unknown term (skipped)                                                       1
"""


def summary(output: str) -> str:
    """The summary with its timing (the one figure that varies) blanked."""
    return re.sub(r"Done in \d+\.\d s", "Done in _ s", output)


def hpoa_plus(tmp_path: Path, *lines: str) -> Path:
    """The test annotations with some lines added (cells given tab-separated)."""
    path = tmp_path / "phenotype.hpoa"
    path.write_text(HPOA.read_text() + "".join(f"{line}\n" for line in lines))
    return path


def obo_with(tmp_path: Path, *replacements: tuple[str, str]) -> Path:
    text = OBO.read_text()
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / "hp.obo"
    path.write_text(text)
    return path


def line(db_id="ORPHA:100", name="Test syndrome A", hpo_id="HP:0000953", **cells) -> str:
    """One annotation line; other cells by column name (qualifier, reference, evidence…)."""
    row = {"qualifier": "", "reference": db_id, "evidence": "TAS", "onset": "", "frequency": ""}
    row |= {"sex": "", "modifier": "", "aspect": "P", "biocuration": "ORPHA:orphadata[2024-01-01]"}
    row |= cells
    return "\t".join([db_id, name, row.pop("qualifier"), hpo_id, *row.values()])


def test_the_summary_of_a_first_import_and_of_the_same_release_again():
    assert summary(run()) == (
        "HPO annotations 2099-01-02 (ontology hp/releases/2099-01-01), sources ORPHA,DECIPHER\n"
        "                created  updated  unchanged  removed  skipped\n"
        "body systems          3        0          0        0        0\n"
        "features             25        0          0        0        2\n"
        "is_a links           25        0          0        0        0\n"
        "synonyms              7        0          0        0        0\n"
        "aliases               5        0          0        0        0\n"
        "conditions            5        0          0        0        0\n"
        "mentions             13        0          0        0        8\n"
        "(features are never deleted: removed = unpublished, no longer a current term)\n"
        f"{ODDITIES}"
        "Done in _ s (saved).\n"
    )
    assert summary(run()) == (
        "HPO annotations 2099-01-02 (ontology hp/releases/2099-01-01), sources ORPHA,DECIPHER\n"
        "                created  updated  unchanged  removed  skipped\n"
        "body systems          0        0          3        0        0\n"
        "features              0        0         25        0        2\n"
        "is_a links            0        0         25        0        0\n"
        "synonyms              0        0          7        0        0\n"
        "aliases               0        0          5        0        0\n"
        "conditions            0        0          5        0        0\n"
        "mentions              0        0         13        0        8\n"
        "(features are never deleted: removed = unpublished, no longer a current term)\n"
        f"{ODDITIES}"
        "Done in _ s (nothing changed, content version kept).\n"
    )


def test_a_dry_run_reports_what_it_would_do_and_says_it_saved_nothing():
    run()
    output = run(include_omim=True, dry_run=True)
    assert output.startswith(
        "HPO annotations 2099-01-02 (ontology hp/releases/2099-01-01), "
        "sources ORPHA,DECIPHER,OMIM\n"
    )
    assert tally(output, "conditions") == (1, 0, 5, 0, 0)
    assert tally(output, "mentions") == (2, 0, 13, 0, 6)
    assert "OMIM not imported (no --include-omim)" not in output
    assert notes(output)["aspect I line, kept as condition data"] == 2
    assert summary(output).endswith("Done in _ s (dry run: rolled back, nothing saved).\n")
    assert not Condition.objects.filter(name="Test disease E").exists()


def test_the_summary_lists_a_limited_number_of_values_to_review():
    report = ImportReport("2099-01-02", "hp/releases/2099-01-01", ["ORPHA"])
    report.tallies = {"mentions": Tally(1, 2, 3, 4, 5)}
    report.staff_kept = REVIEW_LINES + 2
    report.reviews = [
        Review("conditions.mention", pk, "note", "staff", "release")
        for pk in range(1, REVIEW_LINES + 3)
    ]
    report.changed = True
    lines = report.lines()
    assert lines[:3] == [
        "HPO annotations 2099-01-02 (ontology hp/releases/2099-01-01), sources ORPHA",
        "                created  updated  unchanged  removed  skipped",
        "mentions              1        2          3        4        5",
    ]
    assert "Oddities and skipped lines:" not in lines  # none counted
    start = lines.index(
        "Staff-owned values kept where this release differs: 32; "
        "to review: 32 (admin: Staff-owned fields, needs review)"
    )
    assert lines[start + 1] == "  conditions.mention #1 note: staff 'staff', release 'release'"
    assert lines[start + REVIEW_LINES] == (
        f"  conditions.mention #{REVIEW_LINES} note: staff 'staff', release 'release'"
    )
    assert lines[start + REVIEW_LINES + 1 :] == [
        "  … and 2 more in the admin",
        "Done in 0.0 s (saved).",
    ]
    report.reviews = report.reviews[:REVIEW_LINES]
    assert "more in the admin" not in "\n".join(report.lines())
    report.staff_kept = 0
    assert not any(line.startswith("Staff-owned") for line in report.lines())


def test_lines_the_import_cannot_take_as_written_are_counted_by_reason(tmp_path):
    annotations = hpoa_plus(
        tmp_path,
        line("MONDO:1", "Mondo disease"),
        line("MONDO:2", "Another"),
        *[line(aspect="")] * 2,
        *[line(aspect="X")] * 2,
        line("ORPHA:700", "Test syndrome G", sex="UNKNOWN"),
        line("ORPHA:700", "Test syndrome G", "HP:0003074", sex="?"),
        line("ORPHA:701", "Test syndrome H", evidence="ABCD"),
        line("ORPHA:701", "Test syndrome H", "HP:0003074", evidence="WXYZ"),
        line("ORPHA:702", "Test syndrome I", onset="HP:0099999"),
        line("ORPHA:702", "Test syndrome I", "HP:0003074", onset="HP:0099998"),
        line("ORPHA:703", "Test syndrome J", hpo_id="HP:0000979"),
        line("ORPHA:703", "Test syndrome J (renamed)", hpo_id="HP:0003074"),
        line("ORPHA:703", "Test syndrome J (again)", hpo_id="HP:0000953"),
    )
    output = run(annotations=annotations, sources="DECIPHER")
    found = notes(output)
    assert found["unsupported database MONDO (skipped)"] == 2
    assert found["ORPHA not among --sources (skipped)"] == 17 + 13
    assert "aspect (empty) line, not a phenotype (skipped)" not in found  # ORPHA not imported

    output = run(annotations=annotations)
    found = notes(output)
    assert found["aspect (empty) line, not a phenotype (skipped)"] == 2
    assert found["aspect X line, not a phenotype (skipped)"] == 2
    assert found["unknown sex value (ignored)"] == 2
    assert found["unknown evidence code (ignored)"] == 2
    assert found["unknown onset term (id kept)"] == 2
    assert found["another name for the same disease id (first kept)"] == 2
    assert "ORPHA not among --sources (skipped)" not in found

    assert mention("ORPHA:700", "HP:0000953").sex == ""
    assert mention("ORPHA:701", "HP:0000953").evidence == ""
    assert mention("ORPHA:702", "HP:0000953").onset == "HP:0099999"
    assert Condition.objects.filter(xrefs__code="703").get().name == "Test syndrome J"
    # 36 lines, 22 mentions: DECIPHER's one was imported by the first run
    assert tally(output, "mentions") == (21, 0, 1, 0, 14)


def test_sex_is_stored_in_lower_case_and_evidence_codes_as_written(tmp_path):
    run(
        annotations=hpoa_plus(
            tmp_path,
            line("ORPHA:700", "Test syndrome G", sex="Male", evidence="IEA", reference="PMID:3"),
            line("ORPHA:700", "Test syndrome G", "HP:0003074", sex="female", evidence="PCS"),
        )
    )
    assert (
        mention("ORPHA:700", "HP:0000953").sex,
        mention("ORPHA:700", "HP:0000953").evidence,
    ) == (
        "male",
        "IEA",
    )
    assert mention("ORPHA:700", "HP:0003074").sex == "female"


def test_a_mention_keeps_its_latest_curation_date(tmp_path):
    run(
        annotations=hpoa_plus(
            tmp_path,
            line(biocuration="HPO:a[2019-02-03];HPO:b[2021-12-01];HPO:c[2020-06-30]"),
            line("ORPHA:700", "Test syndrome G", biocuration="HPO:someone"),
        )
    )
    assert str(mention("ORPHA:100", "HP:0000953").curated_on) == "2021-12-01"
    assert mention("ORPHA:700", "HP:0000953").curated_on is None


def test_a_long_list_of_references_is_cut_at_a_whole_reference(tmp_path):
    pmids = [f"PMID:{n:08d}" for n in range(100)]
    whole = ";".join(pmids[:71])  # 993 characters
    fits, over = f"{whole};PMID:1", f"{whole};PMID:12"  # 1,000 (the field's size) and 1,001
    assert (len(fits), len(over)) == (1000, 1001)
    run(
        annotations=hpoa_plus(
            tmp_path,
            line("ORPHA:700", "G", reference=";".join(pmids)),
            line("ORPHA:701", "H", reference=fits),
            line("ORPHA:702", "I", reference=over),
        )
    )
    assert mention("ORPHA:700", "HP:0000953").references == whole
    assert mention("ORPHA:701", "HP:0000953").references == fits
    assert mention("ORPHA:702", "HP:0000953").references == whole


def test_conditions_of_the_same_name_get_slugs_of_their_own(tmp_path):
    run(
        annotations=hpoa_plus(
            tmp_path,
            line("ORPHA:700", "Test syndrome A"),
            line("DECIPHER:7", "Test syndrome A"),
        )
    )
    slugs = set(Condition.objects.filter(name="Test syndrome A").values_list("slug", flat=True))
    assert slugs == {
        "test-syndrome-a-orpha-100",
        "test-syndrome-a-orpha-700",
        "test-syndrome-a-decipher-7",
    }


def test_a_feature_whose_name_makes_no_slug_is_named_by_its_id(tmp_path):
    run(obo=obo_with(tmp_path, ("name: Hyperglycemia\n", "name: ???\n")))
    assert feature("HP:0003074").slug == "hp-0003074"


def test_features_of_the_same_name_get_slugs_of_their_own(tmp_path):
    run(obo=obo_with(tmp_path, ("name: Hyperglycemia\n", "name: Purpura\n")))
    assert feature("HP:0000979").slug == "purpura"
    assert feature("HP:0003074").slug == "purpura-0003074"


def test_body_systems_staff_made_are_the_same_systems(tmp_path):
    named = BodySystem.objects.create(
        name="Abnormality of the integument", slug="skin", plain_name="Skin", order=1
    )
    unnamed = BodySystem.objects.create(
        name="Nerves", slug="nerves", order=2, hpo_id="HP:0000707", plain_name=""
    )
    output = run()
    named.refresh_from_db()
    unnamed.refresh_from_db()
    assert (named.hpo_id, named.plain_name, named.order) == ("HP:0000951", "Skin", 1)
    assert unnamed.plain_name != ""  # a blank plain name is filled in
    assert (unnamed.name, unnamed.slug) == ("Nerves", "nerves")
    assert tally(output, "body systems") == (1, 2, 0, 0, 0)
    for system in (named, unnamed):
        change = system.history.first()
        assert (change.history_type, change.history_change_reason) == ("~", "HPO import 2099-01-02")
        assert change.history_date > system.history.last().history_date
    made = BodySystem.objects.get(hpo_id="HP:0001939")
    assert made.order == 100  # first of three by name
    change = made.history.get()
    assert (change.history_type, change.history_change_reason) == ("+", "HPO import 2099-01-02")
    assert tally(run(), "body systems") == (0, 0, 3, 0, 0)


def test_a_term_made_obsolete_unpublishes_its_feature_and_its_old_id_leads_on(tmp_path):
    run()
    newer = obo_with(
        tmp_path,
        (
            "id: HP:0003074\nname: Hyperglycemia\n",
            "id: HP:0003074\nname: obsolete Hyperglycemia\nis_obsolete: true\n"
            "replaced_by: HP:0000990\n",
        ),
    )
    output = run(obo=newer)
    gone = feature("HP:0003074")
    assert not gone.is_published and gone.name == "Hyperglycemia"  # kept as it was, unpublished
    assert tally(output, "features") == (0, 0, 24, 1, 3)
    # Its id now leads to the replacement's replacement (HP:0000990 is itself obsolete).
    assert FeatureAlias.objects.get(hpo_id="HP:0003074").feature.hpo_id == "HP:0000979"
    assert notes(output)["obsolete term mapped to its replacement"] == 5  # 4 lines + HP:0000990
    assert mention("DECIPHER:6", "HP:0000979").numerator == 2
    assert HpoRelease.objects.get().feature_count == 24


def test_a_replacement_cycle_in_a_broken_release_leads_nowhere(tmp_path):
    newer = obo_with(
        tmp_path,
        ("replaced_by: HP:0000979\n", "replaced_by: HP:0000991\n"),
        ("consider: HP:0011121\nconsider: HP:0000953\n", "replaced_by: HP:0000990\n"),
    )
    output = run(obo=newer)
    assert notes(output)["obsolete term without replaced_by (skipped)"] == 2
    assert not FeatureAlias.objects.filter(hpo_id__in=["HP:0000990", "HP:0000991"]).exists()


def test_an_alt_id_outranks_a_replacement_for_the_same_old_id(tmp_path):
    newer = obo_with(tmp_path, ("alt_id: HP:0001002\n", "alt_id: HP:0001002\nalt_id: HP:0000990\n"))
    run(obo=newer)
    aliases = set(FeatureAlias.objects.filter(hpo_id="HP:0000990").values_list("kind", flat=True))
    assert aliases == {"alt_id"}


def test_an_onset_given_by_an_old_id_is_named_by_its_current_term(tmp_path):
    newer = obo_with(tmp_path, ("name: Adult onset\n", "name: Adult onset\nalt_id: HP:0003582\n"))
    run(obo=newer, annotations=hpoa_plus(tmp_path, line("ORPHA:700", "G", onset="HP:0003582")))
    assert mention("ORPHA:700", "HP:0000953").onset == "Adult onset"
    assert Mention.objects.filter(onset="").count() == 13 - 1  # no onset given: blank


def test_features_under_no_branch_have_no_body_system():
    run()
    assert Feature.objects.filter(body_system=None).count() == 25 - 10


def analysed_tables(queries) -> list[str]:
    return [q["sql"].split()[1].strip('"') for q in queries if q["sql"].startswith("ANALYZE")]


def test_postgresql_learns_the_new_table_sizes_after_an_import_and_sqlite_does_not(monkeypatch):
    with CaptureQueriesContext(connection) as queries:
        run()
    tables = [model._meta.db_table for model in WRITTEN]
    # SQLite's planner chose far slower plans with them.
    assert analysed_tables(queries) == (tables if connection.vendor == "postgresql" else [])

    monkeypatch.setattr(connection, "vendor", "postgresql")
    with CaptureQueriesContext(connection) as queries:
        _refresh_planner_statistics()
    assert analysed_tables(queries) == tables
    assert "conditions_mention" in analysed_tables(queries)


def test_the_import_rule_for_a_documented_absence():
    # bench/explore_peer.py reads phenotype.hpoa itself and applies the import's own rule.
    assert documented_absent("NOT", "HP:0040282")
    assert documented_absent("", "0/3")
    assert documented_absent("", "HP:0040285")  # Excluded
    assert not documented_absent("", "1/3")
    assert not documented_absent("", "")
    assert not documented_absent("", "HP:0040281")


def test_each_step_is_reported_as_it_starts():
    steps = []
    run_import(OBO, HPOA, progress=lambda *step: steps.append(step))
    assert steps == [(n, 12, label) for n, label in enumerate(STEPS, start=1)]
    assert steps[-1] == (12, 12, "updating the query planner's statistics")
    steps.clear()
    run_import(OBO, HPOA, progress=lambda *step: steps.append(step), dry_run=True)
    assert [label for _, _, label in steps] == list(STEPS[:-1])  # nothing saved, no statistics


def test_a_release_named_nowhere_is_refused(tmp_path):
    unnamed_obo = obo_with(tmp_path, ("data-version: hp/releases/2099-01-01\n", ""))
    unnamed = tmp_path / "annotations.hpoa"
    unnamed.write_text(HPOA.read_text().replace("#version: 2099-01-02\n", ""))
    with pytest.raises(CommandError) as error:
        run(obo=unnamed_obo, annotations=unnamed)
    assert str(error.value) == (
        f"Cannot import, nothing was changed. {unnamed}: "
        "no '#version:' header here and no 'data-version:' in the ontology"
    )
    assert not HpoRelease.objects.exists()


def test_an_hpo_synonym_staff_renamed_another_synonym_to_is_not_added(tmp_path):
    run()
    purpura = feature("HP:0000979")
    synonym = purpura.synonyms.get(text="Purpuric lesions")
    synonym.text = "Purple spots"
    synonym.save()
    newer = obo_with(tmp_path, ('"Purpuric lesions" RELATED []', '"Purple spots" RELATED []'))
    output = run(obo=newer)
    assert sorted(purpura.synonyms.values_list("text", flat=True)) == [
        "Purple spots",
        "Purple spots on the skin",
    ]
    assert tally(output, "synonyms")[4] == 1  # skipped


def test_a_trait_line_whose_term_is_no_onset_or_mode_is_not_condition_data(tmp_path):
    output = run(
        annotations=hpoa_plus(
            tmp_path,
            line(hpo_id="HP:9999999", aspect="I"),  # unknown
            line(hpo_id="HP:0000979", aspect="C"),  # a phenotype, not an onset
        )
    )
    found = notes(output)
    assert found["aspect I line, not a phenotype (skipped)"] == 1
    assert found["aspect C line, not a phenotype (skipped)"] == 1
    assert found["aspect I line, kept as condition data"] == 1  # the file's own
    assert Condition.objects.get(name="Test syndrome A").onset == ""  # no onset line of its own


def test_a_slug_taken_with_and_without_the_id_gets_a_number(tmp_path):
    Feature.objects.create(name="Other", slug="purpura-0003074")
    run(obo=obo_with(tmp_path, ("name: Hyperglycemia\n", "name: Purpura\n")))
    assert feature("HP:0000979").slug == "purpura"
    assert feature("HP:0003074").slug == "purpura-0003074-2"


def test_a_new_body_system_gets_a_slug_of_its_own():
    BodySystem.objects.create(name="Skin", slug="abnormality-of-the-integument", order=1)
    run()
    assert (
        BodySystem.objects.get(hpo_id="HP:0000951").slug == "abnormality-of-the-integument-0000951"
    )


def test_a_new_release_of_the_same_content_is_recorded_and_saved(tmp_path):
    run()
    newer = tmp_path / "phenotype.hpoa"
    newer.write_text(HPOA.read_text().replace("#version: 2099-01-02", "#version: 2099-02-01"))
    output = run(annotations=newer)
    assert summary(output).endswith("Done in _ s (saved).\n")
    assert list(HpoRelease.objects.values_list("version", flat=True).order_by("version")) == [
        "2099-01-02",
        "2099-02-01",
    ]


def test_a_body_system_is_chosen_by_its_order_then_its_name():
    # Made first (lower ids) but later in the order, or later by name at the same order.
    nerves = BodySystem.objects.create(name="Nerves", slug="nerves", order=1, hpo_id="HP:0000707")
    BodySystem.objects.create(name="Integument", slug="skin", order=1, hpo_id="HP:0000951")
    run()
    assert feature("HP:0007328").body_system.name == "Integument"  # under both
    BodySystem.objects.filter(pk=nerves.pk).update(order=0)
    run()
    assert feature("HP:0007328").body_system == nerves


def test_rows_a_new_release_changes_show_when_they_changed(tmp_path):
    run()
    Feature.objects.update(updated_at="2000-01-01T00:00Z")
    Condition.objects.update(updated_at="2000-01-01T00:00Z")
    newer_obo = obo_with(tmp_path, ("name: Hyperglycemia\n", "name: Hyperglycaemia\n"))
    newer = tmp_path / "newer.hpoa"
    newer.write_text(HPOA.read_text().replace("Test syndrome D", "Test syndrome D2"))
    run(obo=newer_obo, annotations=newer)
    assert feature("HP:0003074").updated_at.year > 2000
    assert feature("HP:0000979").updated_at.year == 2000  # unchanged: untouched
    assert Condition.objects.get(name="Test syndrome D2").updated_at.year > 2000
    assert Condition.objects.get(name="Test syndrome A").updated_at.year == 2000


def test_an_is_a_link_staff_added_to_a_feature_without_an_hpo_id_is_kept():
    run()
    group = Feature.objects.create(name="Skin finding", slug="skin-finding")
    feature("HP:0000979").parents.add(group)
    output = run()
    assert group in feature("HP:0000979").parents.all()
    assert tally(output, "is_a links")[3] == 0


def test_an_old_id_that_leads_elsewhere_in_a_new_release_moves_with_it(tmp_path):
    run()
    newer = obo_with(
        tmp_path, ("consider: HP:0011121\nconsider: HP:0000953\n", "replaced_by: HP:0011121\n")
    )
    output = run(obo=newer)
    aliases = set(
        FeatureAlias.objects.filter(hpo_id="HP:0000991").values_list("feature__hpo_id", "kind")
    )
    assert aliases == {("HP:0011121", "replaced_by")}
    assert tally(output, "aliases") == (0, 1, 3, 1, 0)


def test_lines_of_a_condition_staff_deleted_are_counted():
    run()
    Condition.objects.get(name="Test syndrome B").delete()
    output = run()
    # Its six lines: two unusable ids, four that would have been mentions.
    assert notes(output)["line of a condition staff deleted (not imported)"] == 4
    assert tally(output, "mentions") == (0, 0, 9, 0, 12)
    assert HpoRelease.objects.get().mention_count == 9


def test_a_curated_mention_in_place_of_a_line_counts_as_skipped():
    run()
    Mention.objects.filter(pk=mention("ORPHA:100", "HP:0003477").pk).update(origin="curated")
    output = run()
    assert tally(output, "mentions") == (0, 0, 12, 0, 9)
    assert HpoRelease.objects.get().mention_count == 12


def test_a_percentage_is_stored_without_a_category():
    run()
    percent = mention("ORPHA:100", "HP:0007328")
    assert (percent.frequency_kind, percent.frequency_category) == ("percent", "")


def test_a_cycle_among_trait_terms_ends_without_a_group(tmp_path):
    cyclic = obo_with(
        tmp_path,
        (
            "name: Clinical modifier\nis_a: HP:0000001 ! All\n",
            "name: Clinical modifier\nis_a: HP:0031797\n",
        ),
        (
            "name: Clinical course\nis_a: HP:0000001 ! All\n",
            "name: Clinical course\nis_a: HP:0012823\nis_a: HP:0000001\n",
        ),
    )
    output = run(obo=cyclic, annotations=hpoa_plus(tmp_path, line(hpo_id="HP:0012823", aspect="C")))
    assert notes(output)["aspect C line, not a phenotype (skipped)"] == 1


def test_every_staff_made_body_system_matched_by_name_is_counted():
    for order, name in enumerate(
        ["Abnormality of metabolism/homeostasis", "Abnormality of the integument"]
    ):
        BodySystem.objects.create(name=name, slug=f"system-{order}", order=order)
    assert tally(run(), "body systems") == (1, 2, 0, 0, 0)


def test_a_long_branch_name_makes_a_slug_that_fits(tmp_path):
    long_name = ("Abnormality of the " + "very " * 20 + "long branch")[:100]  # the name's size
    BodySystem.objects.create(name="Other", slug=slugify(long_name), order=1)  # slug taken
    run(
        obo=obo_with(
            tmp_path, ("name: Abnormality of metabolism/homeostasis\n", f"name: {long_name}\n")
        )
    )
    slug = BodySystem.objects.get(hpo_id="HP:0001939").slug
    assert len(slug) == 100 and slug.endswith("-ver-0001939")
