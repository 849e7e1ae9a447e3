from django.contrib import admin
from django.urls import include, path

from clinic import accounts, audit_views, health, home, intake_views, reception
from clinic.api import api
from clinic.patient_data import views as patient_data

admin.site.site_header = "Clinic administration"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),  # the visitor's language switcher
    path("", home.index, name="home"),
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/password_reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password_change/",
        accounts.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/signup/done/", accounts.signup_done, name="signup-done"),
    path("accounts/confirm/resend/", accounts.resend_confirmation, name="resend-confirmation"),
    path("accounts/confirm/<str:token>/", accounts.confirm_email, name="confirm-email"),
    path(
        "accounts/invitation/<str:uidb64>/<str:token>/",
        accounts.accept_invitation,
        name="accept-invitation",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("patient/profile/", accounts.profile, name="profile"),
    path("intake/", intake_views.intake_start, name="intake-start"),
    path(
        "intake/<int:intake_id>/<slug:section>/", intake_views.intake_section, name="intake-section"
    ),
    path(
        "reception/patients/<int:patient_id>/intake/",
        intake_views.intake_start_for,
        name="intake-start-for",
    ),
    path("patient/", home.patient_home, name="patient-home"),
    path("reception/", home.reception_home, name="reception-home"),
    path("reception/patients/", reception.patient_list, name="patient-list"),
    path("reception/patients/new/", reception.patient_new, name="patient-new"),
    path("reception/patients/<int:patient_id>/", reception.patient_detail, name="patient-detail"),
    path("patient/data/", patient_data.my_data, name="my-data"),
    path("patient/data.json", patient_data.my_data_json, name="my-data-json"),
    path(
        "reception/patients/<int:patient_id>/data/", patient_data.patient_data, name="patient-data"
    ),
    path(
        "reception/patients/<int:patient_id>/data.json",
        patient_data.patient_data_json,
        name="patient-data-json",
    ),
    path(
        "reception/patients/<int:patient_id>/erase/",
        patient_data.patient_erase_view,
        name="patient-erase",
    ),
    path(
        "reception/patients/<int:patient_id>/invite",
        reception.invitation_resend,
        name="invitation-resend",
    ),
    path(
        "reception/patients/<int:patient_id>/email",
        reception.patient_email_add_view,
        name="patient-email-add",
    ),
    path(
        "reception/intakes/<int:intake_id>/consent-in-person",
        reception.consent_in_person,
        name="consent-in-person",
    ),
    path("doctor/", home.doctor_home, name="doctor-home"),
    path("manager/", home.manager_home, name="manager-home"),
    path("manager/audit/", audit_views.audit_log, name="audit-log"),
    path("healthz", health.healthz, name="healthz"),
    path("", include("planner.urls")),
    path("", include("bookings.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
