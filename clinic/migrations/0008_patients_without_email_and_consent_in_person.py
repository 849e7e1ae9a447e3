"""Patients registered by phone, without an email address; consent given in person at the desk.

An address left blank becomes NULL before the constraints arrive: NULLs never collide in the
case-blind unique index (on PostgreSQL and SQLite alike), "" would.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def blank_emails_to_null(apps, schema_editor):
    apps.get_model("clinic", "User").objects.filter(email="").update(email=None)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("clinic", "0007_api_tokens"),
    ]

    operations = [
        migrations.AddField(
            model_name="consent",
            name="method",
            field=models.CharField(
                choices=[
                    ("online", "Signed online by the patient"),
                    ("in_person", "Given in person, witnessed by staff"),
                ],
                default="online",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="consent",
            name="witness_name",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name="consent",
            name="witnessed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="email",
            field=models.EmailField(
                blank=True, max_length=254, null=True, unique=True, verbose_name="email address"
            ),
        ),
        migrations.RunPython(blank_emails_to_null, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="consent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("method", "online"), ("witness_name", ""), ("witnessed_by__isnull", True)
                    ),
                    models.Q(
                        ("method", "in_person"),
                        ("witnessed_by__isnull", False),
                        models.Q(("witness_name", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="consent_in_person_has_a_witness",
            ),
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=models.Q(("email", ""), _negated=True), name="user_email_null_not_empty"
            ),
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("email__isnull", False),
                    models.Q(("is_staff", False), ("is_superuser", False)),
                    _connector="OR",
                ),
                name="user_staff_have_email",
                violation_error_message="Staff need an email address: it is how they log in.",
            ),
        ),
    ]
