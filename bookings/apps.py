from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = "Bookings"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from bookings.calendars.schema import ensure_sqlite_triggers
        from bookings.visits import admin as _visit_admin  # noqa: F401  (registers it)
        from bookings.waitlist import receivers  # noqa: F401  (connects the waitlist's receivers)

        post_migrate.connect(
            ensure_sqlite_triggers, sender=self, dispatch_uid="bookings.sqlite_triggers"
        )
