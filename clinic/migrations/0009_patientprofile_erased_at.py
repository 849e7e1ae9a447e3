"""When a manager erased a patient's personal details; their retained records are purged
CLINICAL_RECORD_RETENTION_YEARS later (clinic/patient_data/erasure.py)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0008_patients_without_email_and_consent_in_person"),
    ]

    operations = [
        migrations.AddField(
            model_name="patientprofile",
            name="erased_at",
            field=models.DateTimeField(blank=True, db_index=True, null=True),
        ),
    ]
