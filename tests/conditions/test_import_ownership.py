"""Re-import respects staff work: what staff changed on an imported row stays theirs.

Staff edits are made as the admin makes them (load the row, change it, save); the import then
runs against the same release and against a newer one that says something else.
"""

from decimal import Decimal
from pathlib import Path

import pytest

from conditions import content_version
from conditions.models import Condition, Feature, Mention, StaffEdit, Synonym

from .test_import_hpo import HPOA, mention, run

pytestmark = pytest.mark.django_db


def newer_release(tmp_path: Path, *replacements: tuple[str, str]) -> Path:
    """The test annotations as a later release, with some lines changed."""
    text = HPOA.read_text().replace("#version: 2099-01-02", "#version: 2099-02-01")
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "phenotype.hpoa"
    path.write_text(text)
    return path


def staff_edits():
    """An editor corrects a mention's frequency and note, a feature's name and a synonym."""
    counted = mention("ORPHA:100", "HP:0003477")  # 3/7 in the release
    counted.numerator, counted.note = 4, "Corrected from the paper's table 2."
    counted.save()
    purpura = Feature.objects.get(hpo_id="HP:0000979")
    purpura.name = "Purpura (bleeding spots)"
    purpura.save()
    synonym = Synonym.objects.get(feature=purpura, text="Purpuric lesions")
    synonym.text = "Purpuric skin lesions"
    synonym.save()
    condition = Condition.objects.get(name="Test syndrome D")
    condition.status = Condition.Status.DRAFT
    condition.save()


def assert_staff_values_kept():
    counted = mention("ORPHA:100", "HP:0003477")
    assert (counted.numerator, counted.denominator) == (4, 7)
    assert counted.note == "Corrected from the paper's table 2."
    purpura = Feature.objects.get(hpo_id="HP:0000979")
    assert purpura.name == "Purpura (bleeding spots)"
    assert purpura.search_text == "purpura bleeding spots purple spots on the skin"
    assert set(purpura.synonyms.values_list("text", flat=True)) == {
        "Purple spots on the skin",
        "Purpuric skin lesions",  # not deleted, and "Purpuric lesions" not made again
    }
    assert Condition.objects.get(name="Test syndrome D").status == "draft"


def test_a_staff_edit_makes_only_the_changed_groups_staff_owned():
    run()
    staff_edits()
    owned = set(StaffEdit.objects.values_list("model", "field", "imported"))
    assert owned == {
        ("conditions.mention", "frequency", "3 of 7 people studied"),
        ("conditions.mention", "note", ""),
        ("conditions.feature", "name", "Purpura"),
        ("conditions.synonym", "text", "Purpuric lesions"),
        ("conditions.condition", "status", "published"),
    }
    # A curated row is staff's anyway: editing it records nothing.
    curated = Feature.objects.create(name="Staff feature", slug="staff-feature")
    curated.name = "Staff feature, renamed"
    curated.save()
    assert StaffEdit.objects.count() == len(owned)


def test_staff_corrections_survive_a_reimport_of_the_same_release(
    django_capture_on_commit_callbacks,
):
    run()
    staff_edits()
    version = content_version.current()

    with django_capture_on_commit_callbacks(execute=True):
        output = run()

    assert_staff_values_kept()
    # Nothing the release holds changed: no write, no history, the version stays.
    assert "nothing changed, content version kept" in output
    assert content_version.current() == version
    # Staff's values differ from the release: listed once for review, summary and admin.
    to_review = set(
        StaffEdit.objects.filter(needs_review=True).values_list("field", "release_value")
    )
    assert to_review == {
        ("frequency", "3 of 7 people studied"),
        ("name", "Purpura"),
        ("text", "Purpuric lesions"),
    }
    assert "to review: 3" in output
    assert "conditions.mention #" in output and "'4 of 7 people studied'" in output


def test_a_newer_release_keeps_staff_values_updates_the_rest_and_lists_the_difference(tmp_path):
    run()
    staff_edits()
    run()
    StaffEdit.objects.update(needs_review=False)  # reviewed: staff keep their values
    newer = newer_release(
        tmp_path,
        # The release corrects the frequency differently and adds a reference.
        ("ORPHA:100\tTAS\tHP:0003581\t3/7", "ORPHA:100;PMID:9\tTAS\tHP:0003581\t5/9"),
    )
    before = Mention.history.count()

    output = run(annotations=newer)

    assert_staff_values_kept()
    counted = mention("ORPHA:100", "HP:0003477")
    assert counted.references == "ORPHA:100;PMID:9"  # not staff's: the release's new value
    assert counted.history.first().history_change_reason == "HPO import 2099-02-01"
    assert Mention.history.count() == before + 1
    # Only the group the new release changed comes back for review; the others were reviewed.
    review = StaffEdit.objects.get(needs_review=True)
    assert (review.field, review.release_value, review.release) == (
        "frequency",
        "5 of 9 people studied",
        "2099-02-01",
    )
    assert "to review: 1" in output
    assert "release '5 of 9 people studied'" in output

    # Reviewed again: the same release does not list it a third time.
    StaffEdit.objects.update(needs_review=False)
    assert "to review: 0" in run(annotations=newer)


def test_a_release_that_drops_a_staff_edited_row_keeps_it_for_review(tmp_path):
    run()
    edited = mention("ORPHA:200", "HP:0000979")  # from the line for HP:0000990, now Purpura
    edited.note = "Seen in both siblings."
    edited.save()
    untouched = mention("ORPHA:200", "HP:0009830")  # from the line for its alt id HP:0009831
    newer = newer_release(
        tmp_path,
        (
            "ORPHA:200\tTest syndrome B\t\tHP:0000990\tORPHA:200\tTAS\t\t1/2\t\t\tP\t"
            "ORPHA:orphadata[2024-01-01]\n",
            "",
        ),
        (
            "ORPHA:200\tTest syndrome B\t\tHP:0009831\tORPHA:200\tTAS\t\tHP:0040281\t\t\tP\t"
            "ORPHA:orphadata[2024-01-01]\n",
            "",
        ),
    )

    output = run(annotations=newer)

    assert Mention.objects.filter(pk=edited.pk).exists()
    assert not Mention.objects.filter(pk=untouched.pk).exists()
    deleted = Mention.history.get(id=untouched.pk, history_type="-")
    assert deleted.history_change_reason == "HPO import 2099-02-01"
    review = StaffEdit.objects.get(object_id=edited.pk)
    assert (review.needs_review, review.release_value) == (True, "(not in this release)")
    assert "(not in this release)" in output


def test_an_import_that_changes_something_moves_the_version_on(
    tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run()
    version = content_version.current()
    newer = newer_release(tmp_path, ("17.5%", "18.5%"))
    with django_capture_on_commit_callbacks(execute=True):
        output = run(annotations=newer)
    assert content_version.current() != version
    assert mention("ORPHA:100", "HP:0007328").percent == Decimal("18.5")
    assert "Done in" in output and "(saved)" in output


def test_the_admin_lists_what_to_review_and_staff_can_mark_it_reviewed(admin_client):
    run()
    staff_edits()
    run()
    url = "/admin/conditions/staffedit/?needs_review__exact=1"
    page = admin_client.get(url).content.decode()
    assert "Purpura (bleeding spots)" in page  # the row, linked to its own admin page
    assert "3 of 7 people studied" in page
    ids = list(StaffEdit.objects.filter(needs_review=True).values_list("pk", flat=True))
    admin_client.post(
        "/admin/conditions/staffedit/",
        {"action": "mark_reviewed", "_selected_action": ids},
    )
    assert not StaffEdit.objects.filter(needs_review=True).exists()
    # Handing a field back to the import: delete its staff-owned row, re-import.
    StaffEdit.objects.filter(field="name").delete()
    run()
    assert Feature.objects.get(hpo_id="HP:0000979").name == "Purpura"


def test_rows_staff_deleted_are_not_made_again(tmp_path):
    run()
    mention("ORPHA:100", "HP:0007328").delete()
    Synonym.objects.get(text="Purpuric lesions").delete()
    Condition.objects.get(name="Test syndrome D").delete()  # and its mention with it
    assert StaffEdit.objects.filter(field="deleted").count() == 4

    output = run()

    assert not Mention.objects.filter(
        condition__name="Test syndrome A", feature__hpo_id="HP:0007328"
    ).exists()
    assert not Synonym.objects.filter(text="Purpuric lesions").exists()
    assert not Condition.objects.filter(name="Test syndrome D").exists()
    assert "row staff deleted, not made again" in output
    assert "line of a condition staff deleted (not imported)" in output

    # Deleting the "deleted" record gives the row back to the import.
    StaffEdit.objects.filter(field="deleted", model="conditions.synonym").delete()
    run()
    assert Synonym.objects.filter(text="Purpuric lesions").exists()


def test_a_deleted_row_saved_again_is_no_longer_remembered_as_deleted():
    run()
    row = mention("ORPHA:100", "HP:0007328")
    pk = row.pk
    row.delete()
    assert StaffEdit.objects.filter(object_id=pk, field="deleted").exists()
    row.pk = pk
    row.save()  # as restoring a deletion does
    assert not StaffEdit.objects.filter(object_id=pk, field="deleted").exists()
