"""The start-up policy: a local SQLite file is upgraded by itself; PostgreSQL never is."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.database import connect, open_for_app
from app.errors import DatabaseUnavailable, StartupRefused
from db import migrate
from db.engine import DatabaseTarget, parse_url, resolve_target

FIX = "credopass db upgrade"


def _target(url) -> DatabaseTarget:
    return DatabaseTarget(url, "--database-url")


def test_default_sqlite_is_created_and_migrated_on_first_run():
    target = resolve_target(None, {})
    database = open_for_app(target)
    try:
        assert migrate.schema_status(database.engine).state is migrate.SchemaState.CURRENT
        assert database.backend == "sqlite"
    finally:
        database.dispose()


def test_empty_database(database_url, backend):
    if backend == "sqlite":
        database = open_for_app(_target(database_url))
        assert migrate.schema_status(database.engine).state is migrate.SchemaState.CURRENT
        database.dispose()
        return
    with pytest.raises(StartupRefused, match=FIX):
        open_for_app(_target(database_url))


def test_database_behind_the_code(engine, database_url, backend):
    migrate.downgrade(engine, "0001_initial")
    if backend == "sqlite":
        database = open_for_app(_target(database_url))
        assert migrate.current_revision(database.engine) == migrate.head_revision()
        database.dispose()
        return
    with pytest.raises(StartupRefused, match=FIX) as refused:
        open_for_app(_target(database_url))
    assert "0001_initial" in str(refused.value)
    assert migrate.current_revision(engine) == "0001_initial", "PostgreSQL left as it was"


def test_database_ahead_of_the_code_is_refused_on_both_backends(engine, database_url):
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))
    with pytest.raises(StartupRefused, match="newer CredoPass") as refused:
        open_for_app(_target(database_url))
    assert "Install the newer version" in str(refused.value)
    assert migrate.current_revision(engine) == "0099_from_the_future"


def test_tables_without_history_are_refused(blank_engine, database_url, backend):
    with blank_engine.begin() as connection:
        connection.execute(text("CREATE TABLE users (id integer PRIMARY KEY)"))
    # PostgreSQL: perhaps the web service's database, which `db upgrade` adopts; SQLite: never
    expected = FIX if backend == "postgresql" else "not a CredoPass database"
    with pytest.raises(StartupRefused, match=expected):
        open_for_app(_target(database_url))


def test_current_database_opens(engine, database_url):
    database = open_for_app(_target(database_url))
    try:
        with database.sessions() as session:
            assert session.execute(text("SELECT 1")).scalar() == 1
    finally:
        database.dispose()


def test_unreachable_postgres_is_a_clear_error():
    target = _target(parse_url("postgresql://postgres@127.0.0.1:1/credopass"))
    with pytest.raises(DatabaseUnavailable) as failed:
        connect(target)
    message = str(failed.value)
    assert message.startswith("Cannot open the database (PostgreSQL 127.0.0.1:1/credopass)")
    assert "\n" not in message
