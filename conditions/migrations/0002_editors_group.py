"""The "Editors" group: staff who curate content and nothing else (no users, no groups)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITABLE_MODELS = [
    "bodysystem",
    "condition",
    "conditionlink",
    "crossreference",
    "feature",
    "featurealias",
    "mention",
    "source",
    "synonym",
]
READ_ONLY_MODELS = ["hporelease"]


def create_editors(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now so the group can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    codenames = [
        f"{action}_{model}"
        for model in EDITABLE_MODELS
        for action in ("add", "change", "delete", "view")
    ] + [f"view_{model}" for model in READ_ONLY_MODELS]
    editors.permissions.set(
        Permission.objects.filter(content_type__app_label="conditions", codename__in=codenames)
    )


def remove_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("conditions", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors, remove_editors)]
