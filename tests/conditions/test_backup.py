"""`manage.py backup` then `manage.py restore` on an empty database brings everything back."""

import gzip
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from conditions.backup import TABLES
from conditions.models import Feature, FeatureClosure, HpoRelease, Mention, StaffEdit

from .test_import_hpo import mention, run

pytestmark = pytest.mark.django_db


def content() -> dict[str, list[tuple]]:
    """Every content row, by table, with its id (what a restore must bring back exactly)."""
    return {
        model._meta.label_lower: list(model._base_manager.order_by("pk").values_list())
        for model in TABLES
    }


def empty_the_database() -> None:
    for model in reversed(TABLES):
        model._base_manager.all()._raw_delete(model._base_manager.db)
    FeatureClosure.objects.all().delete()


def test_a_backup_restored_on_an_empty_database_brings_everything_back(tmp_path):
    call_command("load_content", "curated", verbosity=0)
    run()  # the test HPO release
    corrected = mention("ORPHA:100", "HP:0003477")
    corrected.numerator, corrected.note = 4, "Staff correction."
    corrected.save()  # a staff-owned field on an imported row
    deleted = mention("ORPHA:100", "HP:0007328").pk
    Mention.objects.get(pk=deleted).delete()  # staff deleted an imported row: keys kept (JSON)
    before = content()
    closure_before = set(FeatureClosure.objects.values_list("ancestor_id", "descendant_id"))
    path = tmp_path / "backup.jsonl.gz"
    out = StringIO()
    call_command("backup", output=path, stdout=out)
    assert f"to {path}" in out.getvalue()
    with gzip.open(path, "rt") as written:
        assert '"version":"2099-01-02"' in written.readline()  # the release in use

    empty_the_database()
    assert Feature.objects.count() == 0
    out = StringIO()
    call_command("restore", path, stdout=out)

    assert content() == before
    assert set(FeatureClosure.objects.values_list("ancestor_id", "descendant_id")) == (
        closure_before
    )
    assert HpoRelease.objects.get().version == "2099-01-02"
    restored = mention("ORPHA:100", "HP:0003477")
    assert (restored.numerator, restored.note) == (4, "Staff correction.")
    assert StaffEdit.objects.filter(object_id=restored.pk, field="frequency").exists()
    assert StaffEdit.objects.get(object_id=deleted, field="deleted").deleted_keys
    # New rows get new ids after the restored ones (sequences moved on, on PostgreSQL too).
    feature = Feature.objects.create(name="New after restore", slug="new-after-restore")
    assert feature.pk > max(row[0] for row in before["conditions.feature"])
    # And a re-import of the same release still changes nothing: it is the same data.
    assert "nothing changed" in run()
    assert (restored.numerator, Mention.objects.get(pk=restored.pk).numerator) == (4, 4)


def test_restore_refuses_a_database_with_content(tmp_path):
    call_command("load_content", "curated", verbosity=0)
    path = tmp_path / "backup.jsonl.gz"
    call_command("backup", output=path, stdout=StringIO())
    before = content()
    with pytest.raises(CommandError, match="Nothing was restored. Restore needs a database"):
        call_command("restore", path)
    assert content() == before


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(CommandError, match="not a readable backup"):
        call_command("restore", path)
    gz = tmp_path / "other.jsonl.gz"
    with gzip.open(gz, "wt") as f:
        f.write('{"format": "something else"}\n')
    with pytest.raises(CommandError, match="not a Symptom Explorer backup"):
        call_command("restore", gz)
