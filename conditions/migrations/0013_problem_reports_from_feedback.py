"""Problem reports move into `conditions` from the former `feedback` app (issue #12: the agreed
layout has only the explorer and conditions apps). The table keeps its name and its rows.

- A database `feedback` made already has the table: only Django's record of the model moves,
  and the model's content type is relabelled, so its permissions, the Editors' grants and the
  admin's log entries follow it.
- A new database gets the table here, and the Editors may read and close reports (as
  feedback's own migrations granted).
"""

import django.db.models.deletion
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

TABLE = "feedback_problemreport"


def move_or_create(apps, schema_editor):
    connection = schema_editor.connection
    db = connection.alias
    report = apps.get_model("conditions", "ProblemReport")
    if TABLE not in connection.introspection.table_names():
        schema_editor.create_model(report)

    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(db)
    if not types.filter(app_label="conditions", model="problemreport").exists():
        types.filter(app_label="feedback", model="problemreport").update(app_label="conditions")
    ContentType.objects.clear_cache()

    # Permissions are normally made after all migrations; make them now so the group can hold them.
    app_config = apps.get_app_config("conditions")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=db)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    editors = apps.get_model("auth", "Group").objects.using(db).filter(name="Editors").first()
    if editors:
        editors.permissions.add(
            *Permission.objects.using(db).filter(
                content_type__app_label="conditions",
                codename__in=["view_problemreport", "change_problemreport"],
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("conditions", "0012_description_source_marks_and_body_system_plain_names"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ProblemReport",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "page",
                            models.CharField(
                                help_text="The path of the page the report is about.",
                                max_length=300,
                            ),
                        ),
                        ("message", models.TextField(max_length=2000)),
                        (
                            "contact",
                            models.EmailField(
                                blank=True,
                                help_text="Only if the visitor wants an answer.",
                                max_length=254,
                                verbose_name="reply-to email",
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[("open", "Open"), ("closed", "Closed")],
                                default="open",
                                max_length=6,
                            ),
                        ),
                        (
                            "staff_note",
                            models.TextField(blank=True, help_text="What was done about it."),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("closed_at", models.DateTimeField(blank=True, null=True)),
                        ("sender", models.CharField(db_index=True, editable=False, max_length=64)),
                        (
                            "closed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": TABLE,
                        "ordering": ["-created_at"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("closed_at__isnull", True), ("status", "open")),
                                    models.Q(("closed_at__isnull", False), ("status", "closed")),
                                    _connector="OR",
                                ),
                                name="problem_report_closed_has_date",
                            )
                        ],
                    },
                ),
            ],
        ),
        # Reversing leaves the table and its rows where they are.
        migrations.RunPython(move_or_create, migrations.RunPython.noop),
    ]
