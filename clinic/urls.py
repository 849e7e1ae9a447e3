from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from clinic import health, views

admin.site.site_header = "Clinic administration"

urlpatterns = [
    path("", views.index, name="home"),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(
            extra_email_context={"clinic_name": settings.CLINIC_NAME}
        ),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("patient/", views.patient_home, name="patient-home"),
    path("reception/", views.reception_home, name="reception-home"),
    path("doctor/", views.doctor_home, name="doctor-home"),
    path("manager/", views.manager_home, name="manager-home"),
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
