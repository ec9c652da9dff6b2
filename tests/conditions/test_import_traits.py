"""The import keeps each condition's onset (aspect C) and inheritance (aspect I) lines as
condition data, in the groups the explorer's filters use."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from conditions.models import Condition, CrossReference

DATA = Path(__file__).resolve().parent.parent / "data" / "hpo"

pytestmark = pytest.mark.django_db

EXTRA_TERMS = """
[Term]
id: HP:0000006
name: Autosomal dominant inheritance
is_a: HP:0000005 ! Mode of inheritance

[Term]
id: HP:0034335
name: Inheritance qualifier
is_a: HP:0000005 ! Mode of inheritance

[Term]
id: HP:0003829
name: Typified by incomplete penetrance
is_a: HP:0034335 ! Inheritance qualifier

[Term]
id: HP:0003745
name: Sporadic
is_a: HP:0000005 ! Mode of inheritance

[Term]
id: HP:0003577
name: Congenital onset
is_a: HP:0003674 ! Onset

[Term]
id: HP:0011462
name: Young adult onset
is_a: HP:0003581 ! Adult onset

[Term]
id: HP:0001522
name: Death in infancy
is_a: HP:0031797 ! Clinical course
"""


def line(db_id: str, name: str, hpo_id: str, aspect: str) -> str:
    return f"{db_id}\t{name}\t\t{hpo_id}\t{db_id}\tTAS\t\t\t\t\t{aspect}\tORPHA:x[2024-01-01]\n"


def run(tmp_path: Path, extra_lines: str) -> str:
    obo = tmp_path / "hp.obo"
    head, typedef = (DATA / "hp.obo").read_text().split("[Typedef]", 1)
    obo.write_text(head + EXTRA_TERMS + "\n[Typedef]" + typedef)
    hpoa = tmp_path / "phenotype.hpoa"
    hpoa.write_text((DATA / "phenotype.hpoa").read_text() + extra_lines)
    out = StringIO()
    call_command("import_hpo", obo=obo, annotations=hpoa, stdout=out)
    return out.getvalue()


def condition(code: str) -> Condition:
    scheme, number = code.split(":")
    return Condition.objects.get(xrefs__scheme=scheme, xrefs__code=number)


def test_onset_and_inheritance_lines_become_condition_groups(tmp_path):
    output = run(
        tmp_path,
        line("ORPHA:100", "Test syndrome A", "HP:0000006", "I")
        + line("ORPHA:100", "Test syndrome A", "HP:0003829", "I")  # a qualifier, not a mode
        + line("ORPHA:100", "Test syndrome A", "HP:0011462", "C")  # young adult: adult group
        + line("ORPHA:100", "Test syndrome A", "HP:0003577", "C")
        + line("ORPHA:200", "Test syndrome B", "HP:0003745", "I")  # sporadic: other
        + line("ORPHA:200", "Test syndrome B", "HP:0001522", "C"),  # clinical course, not onset
    )
    a, b = condition("ORPHA:100"), condition("ORPHA:200")
    # Codes in the choices' order, whatever the lines' order.
    assert (a.onset, a.inheritance) == ("antenatal adult", "autosomal_dominant autosomal_recessive")
    assert a.onset_labels == ["Before or at birth", "Adolescence and adulthood"]
    assert (b.onset, b.inheritance) == ("", "other")
    assert condition("ORPHA:300").inheritance == ""
    assert "aspect C line, not a phenotype (skipped)" in output  # death in infancy

    # Dropping a line on a later run drops its group from an imported condition.
    run(tmp_path, line("ORPHA:100", "Test syndrome A", "HP:0000006", "I"))
    a.refresh_from_db()
    assert (a.onset, a.inheritance) == ("", "autosomal_dominant autosomal_recessive")


def test_staff_onset_and_inheritance_are_kept_and_blanks_filled(tmp_path):
    kept = Condition.objects.create(name="Curated A", slug="curated-a", inheritance="x_linked")
    CrossReference.objects.create(condition=kept, scheme="ORPHA", code="100")
    filled = Condition.objects.create(name="Curated B", slug="curated-b")
    CrossReference.objects.create(condition=filled, scheme="ORPHA", code="200")
    run(tmp_path, line("ORPHA:200", "Test syndrome B", "HP:0000006", "I"))
    kept.refresh_from_db()
    filled.refresh_from_db()
    assert (kept.name, kept.inheritance) == ("Curated A", "x_linked")
    assert (filled.name, filled.inheritance) == ("Curated B", "autosomal_dominant")


def test_unless_imported_skips_a_release_already_in_the_database(tmp_path):
    out = StringIO()
    call_command(
        "import_hpo",
        obo=DATA / "hp.obo",
        annotations=DATA / "phenotype.hpoa",
        unless_imported=True,
        stdout=out,
    )
    assert "already imported" not in out.getvalue()  # the first time it imports
    condition("ORPHA:100").delete()
    again = StringIO()
    call_command(
        "import_hpo",
        obo=DATA / "hp.obo",
        annotations=DATA / "phenotype.hpoa",
        unless_imported=True,
        stdout=again,
    )
    assert "is already imported" in again.getvalue()
    assert not Condition.objects.filter(xrefs__code="100").exists()  # nothing was redone
