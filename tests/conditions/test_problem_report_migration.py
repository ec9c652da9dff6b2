"""Problem reports moved from the former `feedback` app into `conditions` (migration 0013): a
database feedback made keeps its table, rows and grants; a new one gets the table."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from conditions.models import ProblemReport

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("conditions", "0012_description_source_marks_and_body_system_plain_names")]
MOVED = [("conditions", "0013_problem_reports_from_feedback")]
TABLE = "feedback_problemreport"


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)


@pytest.fixture
def before_the_move():
    migrate(BEFORE)  # the table stays: only Django's record of the model goes back
    yield
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()


def test_a_database_feedback_made_keeps_its_reports_and_the_editors_rights(before_the_move):
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (page, message, contact, status, staff_note, created_at, sender)"
            " VALUES ('/about/', 'A broken link.', '', 'open', '', '2026-11-29 20:00:00', 'x')"
        )
    reports = ContentType.objects.filter(app_label="conditions", model="problemreport")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.remove(*editors.permissions.filter(content_type__in=reports))
    reports.update(app_label="feedback")
    ContentType.objects.clear_cache()

    migrate(MOVED)

    assert list(ProblemReport.objects.values_list("page", "message")) == [
        ("/about/", "A broken link.")
    ]
    assert not ContentType.objects.filter(app_label="feedback").exists()
    rights = Group.objects.get(name="Editors").permissions.filter(
        content_type__app_label="conditions", content_type__model="problemreport"
    )
    assert set(rights.values_list("codename", flat=True)) == {
        "view_problemreport",
        "change_problemreport",
    }


def test_a_new_database_gets_the_table(before_the_move):
    with connection.schema_editor() as editor:
        editor.execute(f"DROP TABLE {TABLE}")
    assert TABLE not in connection.introspection.table_names()

    migrate(MOVED)

    assert TABLE in connection.introspection.table_names()
    ProblemReport.objects.create(page="/", message="Works again.", sender="x")
    assert ProblemReport.objects.count() == 1
