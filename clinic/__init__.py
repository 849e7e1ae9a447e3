"""clinic/ has two faces, kept apart by module (tests/test_layers.py holds the direction):

The Django project, the wiring that may import every layer:
    settings, env, urls, api (the API router), api_auth, celery, wsgi, asgi, health,
    home and reception (the role home pages), context_processors, processes, bench and
    benchmarks (the benchmark infrastructure), demo/ and management/commands (the demo
    clinic, bench).

The patients app, the first layer, which imports only planner.rules:
    models, accounts, roles, intake, intake_views, forms, services, audit, admin, migrations.
"""

from clinic.celery import app as celery_app

__all__ = ["celery_app"]
