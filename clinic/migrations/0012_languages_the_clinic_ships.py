"""The profile offers only the languages the clinic has catalogues for: English, Malay and
Simplified Chinese. A profile still in French or Spanish (offered once, never translated, so
read in English all along) becomes English."""

from django.db import migrations, models


def no_language_without_a_catalogue(apps, schema_editor):
    PatientProfile = apps.get_model("clinic", "PatientProfile")
    PatientProfile.objects.filter(language__in=["fr", "es"]).update(language="en")


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0011_calendar_feed"),
    ]

    operations = [
        # Backwards there is nothing to undo: English was what those patients read.
        migrations.RunPython(no_language_without_a_catalogue, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="patientprofile",
            name="language",
            field=models.CharField(
                choices=[("en", "English"), ("zh-hans", "中文"), ("ms", "Bahasa Melayu")],
                default="en",
                max_length=10,
            ),
        ),
    ]
