"""Benchmarks of the foundation: the pages every request path goes through."""

from django.test import Client

from clinic.bench import Timed, benchmark, expect_ok
from clinic.roles import Role
from clinic.services import user_create


@benchmark("healthz")
def healthz() -> Timed:
    return expect_ok(Client(), "/healthz")


@benchmark("page.manager_home")
def manager_home() -> Timed:
    manager = user_create(email="bench-manager@example.com", role=Role.MANAGER)
    for number in range(200):
        user_create(email=f"bench-patient-{number}@example.com", role=Role.PATIENT)
    client = Client()
    client.force_login(manager)
    return expect_ok(client, "/manager/")
