"""`load_content` loads fixtures as Django's loaddata does, then brings derived data in step once."""

import pytest
from django.core.management import call_command, get_commands

from conditions import closure, content_version
from conditions.models import Feature, FeatureClosure

pytestmark = pytest.mark.django_db


def test_loaddata_is_djangos_own_command():
    assert get_commands()["loaddata"] == "django.core"
    assert get_commands()["load_content"] == "conditions"


def test_load_content_rebuilds_the_closure_once_and_bumps_the_version(monkeypatch):
    rebuilds = []
    rebuild = closure.rebuild_closure
    monkeypatch.setattr(
        closure, "rebuild_closure", lambda *a, **kw: rebuilds.append(a) or rebuild(*a, **kw)
    )
    before = content_version.current()

    call_command("load_content", "curated", verbosity=0)

    assert rebuilds == [()], "one whole rebuild at the end, none per row"
    assert content_version.current() != before
    purpura = Feature.objects.get(hpo_id="HP:0000979")
    ancestors = set(
        FeatureClosure.objects.filter(descendant=purpura).values_list("ancestor__hpo_id", flat=True)
    )
    parents = set(purpura.parents.values_list("hpo_id", flat=True))
    assert parents and {"HP:0000979", *parents} <= ancestors  # itself and its parents


def test_loading_content_again_keeps_the_hpo_is_a_links_an_import_added():
    """A second `make run` loads the fixture after the HPO is in: purpura must stay under the
    HPO's broader terms, or ticking one of them would leave out the conditions that say purpura."""
    from pathlib import Path

    data = Path(__file__).resolve().parent.parent / "data" / "hpo"
    call_command("load_content", "curated", verbosity=0)
    call_command(
        "import_hpo", obo=data / "hp.obo", annotations=data / "phenotype.hpoa", verbosity=0
    )
    purpura = Feature.objects.get(hpo_id="HP:0000979")
    imported = set(purpura.parents.values_list("hpo_id", flat=True))
    assert "HP:0011121" in imported  # Abnormal skin morphology, from the test hp.obo

    call_command("load_content", "curated", verbosity=0)

    assert set(purpura.parents.values_list("hpo_id", flat=True)) == imported
    ancestors = FeatureClosure.objects.filter(descendant=purpura)
    assert ancestors.filter(ancestor__hpo_id="HP:0011121").exists()


def test_without_an_import_the_fixture_alone_decides_the_parents():
    call_command("load_content", "curated", verbosity=0)
    purpura = Feature.objects.get(hpo_id="HP:0000979")
    extra = (
        Feature.objects.exclude(pk=purpura.pk)
        .exclude(hpo_id="")
        .exclude(pk__in=purpura.parents.all())
        .first()
    )
    purpura.parents.add(extra)

    call_command("load_content", "curated", verbosity=0)

    assert not purpura.parents.filter(pk=extra.pk).exists()
