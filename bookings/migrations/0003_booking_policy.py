from django.db import migrations


def create_policy(apps, schema_editor):
    BookingPolicy = apps.get_model("bookings", "BookingPolicy")
    BookingPolicy.objects.using(schema_editor.connection.alias).get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("bookings", "0002_no_double_booking")]

    operations = [migrations.RunPython(create_policy, migrations.RunPython.noop)]
