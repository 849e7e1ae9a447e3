from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = "Bookings"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from bookings.schema import ensure_sqlite_triggers

        post_migrate.connect(
            ensure_sqlite_triggers, sender=self, dispatch_uid="bookings.sqlite_triggers"
        )
