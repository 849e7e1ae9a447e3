import pytest
from django.core.management import CommandError, call_command

from clinic.management.commands.demo_data import DEMO_PASSWORD
from clinic.models import User
from clinic.roles import Role, roles_of


def test_demo_data_gives_a_login_for_every_role_and_prints_it(db, capsys, settings):
    settings.DEBUG = True
    call_command("demo_data")
    printed = capsys.readouterr().out
    assert DEMO_PASSWORD in printed
    for role in Role:
        assert role.value in printed
        login = next(u for u in User.objects.all() if role in roles_of(u))
        assert login.email in printed
        assert login.check_password(DEMO_PASSWORD)


def test_demo_data_run_twice_changes_nothing(db, settings):
    settings.DEBUG = True
    call_command("demo_data")
    count = User.objects.count()
    call_command("demo_data")
    assert User.objects.count() == count


def test_demo_data_refuses_to_run_in_production(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only runs with DEBUG on"):
        call_command("demo_data")
    assert not User.objects.exists()


def test_demo_data_has_a_course_in_every_state(db, settings):
    from planner.models import PlanStatus, TreatmentPlan

    settings.DEBUG = True
    call_command("demo_data")
    assert set(TreatmentPlan.objects.values_list("status", flat=True)) == set(PlanStatus.values)
    assert TreatmentPlan.objects.filter(requires_doctor_review=True, booking_blocked=False).exists()
    assert TreatmentPlan.objects.filter(booking_blocked=True).exists()


def test_demo_data_has_calendars_to_book_on(db, settings):
    from bookings.models import Appointment, Resource, ResourceKind, TreatmentType

    settings.DEBUG = True
    call_command("demo_data")
    kinds = set(Resource.objects.values_list("kind", flat=True))
    assert kinds == {ResourceKind.DOCTOR, ResourceKind.DEVICE, ResourceKind.ROOM}
    assert Resource.objects.get(user__email="doctor@example.com").kind == ResourceKind.DOCTOR
    assert TreatmentType.objects.consultation() is not None
    assert Appointment.objects.filter(patient__email="patient@example.com").exists()
