"""The `engine` fixture's database (a copy of one migrated once per session) is the database a
migration gives: same tables, keys, indexes, constraints, triggers, functions, revision and,
on PostgreSQL, the console role's grants."""

from __future__ import annotations

from sqlalchemy import text

from db import migrate
from db.console_role import console_role_usable
from db.engine import create_app_engine, sqlite_url
from tests.conftest import PostgresSchema, postgres_base_url
from tests.db.test_migration_history import _snapshot


def _grants(engine) -> list[tuple[str, bool]]:
    if engine.dialect.name == "sqlite":
        return []  # no roles
    with engine.connect() as connection:
        role = console_role_usable(connection)
        if role is None:
            return []
        tables = connection.scalars(
            text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1")
        ).all()
        return [
            (
                table,
                connection.scalar(
                    text(f"SELECT has_table_privilege('{role}', '\"{table}\"', 'SELECT')")
                ),
            )
            for table in tables
        ]


def test_the_copied_database_is_the_migrated_one(engine, backend, tmp_path):
    schema = None
    if backend == "sqlite":
        migrated = create_app_engine(sqlite_url(tmp_path / "migrated-here.db"))
    else:
        schema = PostgresSchema(postgres_base_url())
        schema.create()
        migrated = create_app_engine(schema.url)
    try:
        migrate.upgrade(migrated)
        assert _snapshot(engine) == _snapshot(migrated)
        assert migrate.current_revision(engine) == migrate.current_revision(migrated)
        assert migrate.current_revision(engine) == migrate.head_revision()
        assert _grants(engine) == _grants(migrated)
    finally:
        migrated.dispose()
        if schema is not None:
            schema.drop()
