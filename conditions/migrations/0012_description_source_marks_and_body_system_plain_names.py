"""Descriptions cite sources by slug (help text only); body systems the import made get plain
names where they have none; MGUS loses the skin mentions that belong to other conditions, and
Falk 2016 is no longer cited as documenting a weak heart pump absent in AL amyloidosis."""

from django.db import migrations, models

from conditions.body_systems import PLAIN_NAMES

DESCRIPTION_HELP = (
    "Longer explanation in Markdown. Raw HTML is removed when shown. Cite a source right after "
    "what it supports with its slug, e.g. “found by chance[^orphanet-poems].”; the page shows "
    "its number in the page's source list."
)
# Signs of Schnitzler syndrome, AL amyloidosis, type I cryoglobulinaemia, necrobiotic
# xanthogranuloma and scleromyxoedema (Lipsker 2017): each on its own condition's page now.
MGUS_SKIN_FEATURES = ["purpura", "papule", "urticaria", "xanthomatosis", "skin-ulcer", "macroglossia"]


def fill_blank_plain_names(apps, schema_editor):
    BodySystem = apps.get_model("conditions", "BodySystem")
    for system in BodySystem.objects.filter(plain_name="", hpo_id__in=PLAIN_NAMES):
        system.plain_name = PLAIN_NAMES[system.hpo_id]
        system.save(update_fields=["plain_name"])


def remove_mgus_skin_mentions(apps, schema_editor):
    Mention = apps.get_model("conditions", "Mention")
    Mention.objects.filter(
        condition__slug="mgus", feature__slug__in=MGUS_SKIN_FEATURES, origin="curated"
    ).delete()


def uncredit_falk_with_absence(apps, schema_editor):
    # Falk 2016 says the pump is usually normal until late; it does not document it absent.
    MentionSource = apps.get_model("conditions", "MentionSource")
    MentionSource.objects.filter(
        mention__condition__slug="al-amyloidosis",
        mention__feature__slug="reduced-left-ventricular-ejection-fraction",
        source__slug="falk-2016-al-cardiac",
    ).delete()


def bump_content_version(apps, schema_editor):
    ContentVersion = apps.get_model("conditions", "ContentVersion")
    ContentVersion.objects.filter(pk=1).update(number=models.F("number") + 1, stamp="0012")


class Migration(migrations.Migration):
    dependencies = [
        ("conditions", "0011_mention_source_frequency"),
    ]

    operations = [
        migrations.AlterField(
            model_name="condition",
            name="description",
            field=models.TextField(blank=True, help_text=DESCRIPTION_HELP),
        ),
        migrations.AlterField(
            model_name="historicalcondition",
            name="description",
            field=models.TextField(blank=True, help_text=DESCRIPTION_HELP),
        ),
        migrations.RunPython(fill_blank_plain_names, migrations.RunPython.noop),
        migrations.RunPython(remove_mgus_skin_mentions, migrations.RunPython.noop),
        migrations.RunPython(uncredit_falk_with_absence, migrations.RunPython.noop),
        migrations.RunPython(bump_content_version, migrations.RunPython.noop),
    ]
