"""Shared fixtures: the clinic's people.

Alice and Bob are patients; Charlie is a third patient who must never see Alice's things
(the healthchecks "Alice / Bob / Charlie" pattern). Staff: one of each role.
"""

import pytest
from django.test import Client

from clinic.models import User
from clinic.roles import Role
from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Hashing strength is Django's concern, not ours; MD5 keeps the suite fast.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _own_cache(settings, request):
    # Each test gets an empty cache of its own, so rate limits never leak between tests.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what a request queued for after its commit (emails), as a real commit would:
    `with committed(): client.post(...)`."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def alice(db) -> User:
    return UserFactory(email="alice@example.com", first_name="Alice", role=Role.PATIENT)


@pytest.fixture
def bob(db) -> User:
    return UserFactory(email="bob@example.com", first_name="Bob", role=Role.PATIENT)


@pytest.fixture
def charlie(db) -> User:
    return UserFactory(email="charlie@example.com", first_name="Charlie", role=Role.PATIENT)


@pytest.fixture
def receptionist(db) -> User:
    return UserFactory(email="rosa@example.com", first_name="Rosa", role=Role.RECEPTIONIST)


@pytest.fixture
def doctor(db) -> User:
    return UserFactory(email="dr.rahman@example.com", last_name="Rahman", role=Role.DOCTOR)


@pytest.fixture
def manager(db) -> User:
    return UserFactory(email="maya@example.com", first_name="Maya", role=Role.MANAGER)


@pytest.fixture
def people(alice, receptionist, doctor, manager) -> dict[Role, User]:
    return {
        Role.PATIENT: alice,
        Role.RECEPTIONIST: receptionist,
        Role.DOCTOR: doctor,
        Role.MANAGER: manager,
    }


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
