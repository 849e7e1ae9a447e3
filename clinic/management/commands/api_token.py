"""Make an API token for a user: `manage.py api_token reception@example.com "front-desk phone"`."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from clinic.api_auth import api_token_create
from clinic.models import User


class Command(BaseCommand):
    help = "Make a bearer token for the API, acting as one user. It is printed once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The user the integration acts as.")
        parser.add_argument("name", help="What will use the token, to tell it apart later.")

    def handle(self, *args: Any, email: str, name: str, **options: Any) -> None:
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user has the email {email!r}.")
        if not name.strip():
            raise CommandError("Give the token a name.")
        token, key = api_token_create(user=user, name=name.strip()[:100])
        self.stdout.write(f"Token for {user.email} ({token.name}); it is shown only this once:")
        self.stdout.write(key)
