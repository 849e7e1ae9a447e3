from django.db import migrations

BODY = """I agree to a course of picosecond laser treatment at this clinic.

I understand that:
- A result takes a course of several sessions, spaced weeks apart, and results vary from person to person; they are not guaranteed.
- Redness or mild swelling after a session is normal and usually settles within a few hours to a few days. Less often, the skin may darken or lighten for a while, blister, or scar.
- I must avoid tanning and unprotected sun before and during the course, stop retinoid creams and acid peels a week before each session, and use sunscreen every day.
- I have answered the screening questions truthfully, and I will tell the clinic if my health, medicines or pregnancy status change before any session.
- I may stop the course at any time."""


def publish(apps, schema_editor):
    ConsentText = apps.get_model("clinic", "ConsentText")
    ConsentText.objects.using(schema_editor.connection.alias).get_or_create(
        version="2026-11", defaults={"title": "Consent to pico-laser treatment", "body": BODY}
    )


class Migration(migrations.Migration):
    dependencies = [("clinic", "0005_intake_and_consent")]

    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]
