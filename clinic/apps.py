from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from clinic.roles import ensure_role_groups

        post_migrate.connect(ensure_role_groups, dispatch_uid="clinic.manager_permissions")
