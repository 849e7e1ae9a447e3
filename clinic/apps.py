from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_init, post_migrate

        from clinic.audit import noticed
        from clinic.languages import remember_at_login
        from clinic.models import PatientProfile, User
        from clinic.roles import ensure_role_groups

        post_migrate.connect(ensure_role_groups, dispatch_uid="clinic.manager_permissions")
        # The audit log notices every person a staff request reads (clinic.audit).
        post_init.connect(noticed, sender=User, dispatch_uid="clinic.audit.user")
        post_init.connect(noticed, sender=PatientProfile, dispatch_uid="clinic.audit.profile")
        # A patient's language is kept in the session the login writes (clinic.languages).
        user_logged_in.connect(remember_at_login, dispatch_uid="clinic.languages.at_login")
