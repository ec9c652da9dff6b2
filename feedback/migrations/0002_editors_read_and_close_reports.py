"""Editors read visitors' problem reports and close them (no adding or deleting)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    app_config = apps.get_app_config("feedback")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="feedback",
            codename__in=["view_problemreport", "change_problemreport"],
        )
    )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    group = apps.get_model("auth", "Group").objects.filter(name="Editors").first()
    if group:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="feedback"))


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_initial"),
        ("conditions", "0002_editors_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
