"""Persistence layer: models, engine and URL resolution, sessions, migrations, seed data.

Imports neither `app` nor `ui`.
"""
