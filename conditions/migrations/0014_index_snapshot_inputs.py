"""Index snapshots record what their build read (`inputs`), and keep their data in the last
column: SQLite reads a column stored after a large value by walking that value's overflow pages,
so the claim and prune queries every process makes while an index builds read `claimed_at`
past 11 MB per row (about 4 ms each). The stored snapshots are a cache: they are dropped here
and built again (`manage.py build_indexes`, or by the first process that needs them)."""

from django.db import migrations, models


def drop_snapshots(apps, schema_editor):
    apps.get_model("conditions", "IndexSnapshot").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("conditions", "0013_problem_reports_from_feedback"),
    ]

    operations = [
        migrations.RunPython(drop_snapshots, migrations.RunPython.noop),
        migrations.RemoveField(model_name="indexsnapshot", name="data"),
        migrations.AddField(
            model_name="indexsnapshot",
            name="inputs",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="indexsnapshot",
            name="data",
            field=models.BinaryField(editable=False, null=True),
        ),
    ]
