import pytest
from django.urls import reverse

from clinic.models import AuditEntry
from planner.models import PlanStatus
from planner.rules import POLICY
from planner.services import plan_approve, plan_create
from tests.conftest import client_for
from tests.planner.intakes import intake


@pytest.fixture
def plan(alice):
    return plan_create(patient=alice, intake=intake())


def adjust_data(**overrides):
    data = {
        "concern": "pigmentation",
        "fitzpatrick": "2",
        "sessions": "5",
        "interval_min_days": "21",
        "interval_ideal_days": "28",
        "interval_max_days": "42",
        "reason": "Large area on review",
    }
    return data | overrides


def test_the_patient_sees_their_own_plan_with_its_reasons(plan, alice):
    response = client_for(alice).get(reverse("plan-detail", args=[plan.pk]))
    assert response.status_code == 200
    assert plan.reasons[0]["text"] in response.content.decode()
    assert b"Adjust the plan" not in response.content


def test_another_patient_cannot_see_the_plan(plan, bob):
    assert client_for(bob).get(reverse("plan-detail", args=[plan.pk])).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, plan):
    response = client.get(reverse("plan-detail", args=[plan.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_missing_plan_is_404(alice, db):
    assert client_for(alice).get(reverse("plan-detail", args=[999999])).status_code == 404


@pytest.mark.parametrize("role", ["doctor", "receptionist", "manager"])
def test_staff_see_the_plan_and_each_view_is_audited(plan, role, request, alice):
    staff = request.getfixturevalue(role)
    response = client_for(staff).get(reverse("plan-detail", args=[plan.pk]), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.patient, entry.action) == (staff, alice, "viewed plan")
    assert entry.ip_address == "10.1.2.3"


def test_the_patient_viewing_their_own_plan_is_not_audited(plan, alice):
    client_for(alice).get(reverse("plan-detail", args=[plan.pk]))
    assert not AuditEntry.objects.exists()


def test_a_doctor_adjusts_the_plan_and_the_page_shows_the_history(plan, doctor):
    client = client_for(doctor)
    response = client.post(reverse("plan-adjust", args=[plan.pk]), adjust_data())
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.sessions, plan.interval_min_days) == (5, 21)
    page = client.get(reverse("plan-detail", args=[plan.pk])).content.decode()
    assert "Large area on review" in page
    assert "Adjusted" in page
    assert AuditEntry.objects.filter(action="adjusted plan", actor=doctor).exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"sessions": "11"}, "less than or equal to 10"),
        ({"interval_max_days": "60"}, "less than or equal to 56"),
        ({"interval_min_days": "30", "interval_ideal_days": "25"}, "ideal gap must lie between"),
        ({"reason": ""}, "This field is required"),
        ({"concern": "freckles"}, "Select a valid choice"),
        ({"sessions": "many"}, "Enter a whole number"),
    ],
)
def test_a_bad_adjustment_is_refused_with_a_message_and_changes_nothing(
    plan, doctor, overrides, message
):
    response = client_for(doctor).post(
        reverse("plan-adjust", args=[plan.pk]), adjust_data(**overrides)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    plan.refresh_from_db()
    assert plan.sessions == 4
    assert plan.revisions.count() == 1


def test_a_doctor_approves_the_plan(plan, doctor):
    response = client_for(doctor).post(
        reverse("plan-approve", args=[plan.pk]), {"approve-reason": ""}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED


def test_approving_twice_is_refused_with_a_message(plan, doctor):
    client = client_for(doctor)
    client.post(reverse("plan-approve", args=[plan.pk]), {})
    response = client.post(reverse("plan-approve", args=[plan.pk]), {})
    assert response.status_code == 400
    assert b"This plan is approved; it cannot become approved" in response.content


def test_a_doctor_stops_a_course_with_a_reason(plan, doctor):
    client = client_for(doctor)
    assert client.post(reverse("plan-stop", args=[plan.pk]), {"stop-reason": ""}).status_code == 400
    response = client.post(reverse("plan-stop", args=[plan.pk]), {"stop-reason": "Pregnancy"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.STOPPED


@pytest.mark.parametrize("role", ["receptionist", "manager", "alice"])
@pytest.mark.parametrize("action", ["plan-approve", "plan-adjust", "plan-stop"])
def test_only_doctors_may_change_a_plan(plan, role, action, request):
    someone = request.getfixturevalue(role)
    response = client_for(someone).post(
        reverse(action, args=[plan.pk]), adjust_data() | {"stop-reason": "x"}
    )
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PROPOSED
    assert plan.sessions == 4


def test_changing_a_plan_needs_post(plan, doctor):
    assert client_for(doctor).get(reverse("plan-approve", args=[plan.pk])).status_code == 405


def test_the_doctor_home_lists_plans_awaiting_approval(plan, doctor, django_assert_max_num_queries):
    client = client_for(doctor)
    response = client.get(reverse("doctor-home"))
    assert reverse("plan-detail", args=[plan.pk]) in response.content.decode()


def test_the_doctor_home_does_not_query_per_plan(
    doctor, alice, bob, charlie, django_assert_num_queries, settings
):
    # Sessions read from the database (the SQLite default), so the count is the same with Redis.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    client = client_for(doctor)
    plan_create(patient=alice, intake=intake())
    client.get(reverse("doctor-home"))
    # Session, user, roles, today's appointments, plans awaiting approval, and the audit
    # log's two (which of the people shown are patients, and the entries).
    with django_assert_num_queries(7) as first:
        client.get(reverse("doctor-home"))
    plan_create(patient=bob, intake=intake())
    plan_create(patient=charlie, intake=intake())
    with django_assert_num_queries(len(first)):
        client.get(reverse("doctor-home"))


def test_the_patient_home_lists_their_own_plans_only(plan, alice, bob):
    plan_create(patient=bob, intake=intake())
    response = client_for(alice).get(reverse("patient-home"))
    assert list(response.context["plans"]) == [plan]


@pytest.mark.parametrize("role", ["doctor", "receptionist", "manager"])
def test_staff_read_the_planning_policy_with_its_sources(role, request):
    response = client_for(request.getfixturevalue(role)).get(reverse("planning-policy"))
    assert response.status_code == 200
    page = response.content.decode()
    assert POLICY.version in page
    assert "How Many Pico Laser Sessions Do You Need?" in page
    assert "Are you pregnant, or could you be?" in page


def test_patients_and_visitors_cannot_read_the_planning_policy(client, alice):
    assert client_for(alice).get(reverse("planning-policy")).status_code == 403
    assert client.get(reverse("planning-policy")).status_code == 302


def test_a_doctor_corrects_the_skin_type_and_the_course_is_planned_again(plan, doctor):
    # The questionnaire said type 2; the doctor sees type 5 skin: longer gaps are needed.
    response = client_for(doctor).post(
        reverse("plan-adjust", args=[plan.pk]),
        adjust_data(
            fitzpatrick="5",
            sessions="4",
            interval_min_days="28",
            interval_ideal_days="42",
            interval_max_days="56",
            reason="Skin type V seen",
        ),
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.intake["fitzpatrick"] == 5
    assert (plan.interval_min_days, plan.interval_ideal_days) == (28, 42)
    assert ("fitzpatrick", 2, 5) in plan.revisions.last().changes()


def test_an_approved_plan_links_the_patient_to_booking_and_to_the_sessions(plan, alice, doctor):
    plan_approve(plan=plan, doctor=doctor)
    page = client_for(alice).get(reverse("plan-detail", args=[plan.pk])).content.decode()
    assert reverse("course-book", args=[plan.pk]) in page
    assert reverse("course-detail", args=[plan.pk]) in page


def test_once_the_course_is_booked_the_plan_page_offers_its_sessions_not_booking(
    plan, alice, doctor
):
    from bookings.courses.search import propose_series
    from bookings.courses.services import series_book
    from tests.bookings.clinics import make_clinic

    clinic = make_clinic()
    plan = plan_approve(plan=plan, doctor=doctor)
    proposal = propose_series(
        treatment_type=clinic.session, sessions=plan.sessions, window=plan.window
    )
    series_book(plan=plan, proposal=proposal, booked_by=alice)
    page = client_for(alice).get(reverse("plan-detail", args=[plan.pk])).content.decode()
    assert reverse("course-book", args=[plan.pk]) not in page
    assert "Your sessions are booked" in page
    assert reverse("course-detail", args=[plan.pk]) in page
