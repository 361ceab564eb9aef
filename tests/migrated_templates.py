"""Fresh migrated databases at the cost of a copy: one migration per test session, not per test.

Alembic walking every revision took about 1.5 s a test on SQLite and 3-4 s on PostgreSQL on a
busy machine, for over a thousand tests. The migrations themselves are tested on blank
databases (tests/db/test_migration_history.py and friends); every other test only needs the
result, which these templates reproduce exactly:

- SQLite: the migrated file, copied.
- PostgreSQL: a schema migrated once and dumped with `pg_dump`; each test replays the dump into
  its own empty schema, then grants the console role as `migrate.upgrade` does. Without a
  usable `pg_dump` (not installed, older than the server) the tests migrate as before.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import URL

from db import migrate
from db.console_role import ensure_console_role
from db.engine import create_app_engine, sqlite_url

# Replaced by each test's schema name in the dump (schema names are t_ + 16 hex digits).
SCHEMA_TOKEN = "credopass_template_schema"


def migrated_sqlite_file(folder: Path) -> Path:
    path = folder / "credopass.db"
    template = create_app_engine(sqlite_url(path))
    migrate.upgrade(template)
    with template.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # all of it in the file
    template.dispose()
    return path


def copy_sqlite_file(template: Path, engine: Engine) -> None:
    engine.dispose()  # nothing may be open on the file being replaced
    shutil.copyfile(template, engine.url.database)


def migrated_postgres_dump(schema_url: URL, schema_name: str, libpq_url: str) -> str | None:
    """The dump of a schema just migrated at `schema_url`, with its name as SCHEMA_TOKEN; None
    when `pg_dump` cannot make one."""
    engine = create_app_engine(schema_url)
    try:
        migrate.upgrade(engine)
    finally:
        engine.dispose()
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        return None
    done = subprocess.run(
        [pg_dump, "--dbname", libpq_url, "--schema", schema_name, "--no-owner"]
        + ["--no-privileges", "--inserts"],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:  # e.g. a pg_dump older than the server refuses to dump it
        return None
    kept = []
    for line in done.stdout.splitlines():
        # psql meta-commands (\restrict) are not SQL; the schema exists already.
        if line.startswith("\\") or line == f"CREATE SCHEMA {schema_name};":
            continue
        kept.append(line)
    return "\n".join(kept).replace(schema_name, SCHEMA_TOKEN)


def restore_postgres_dump(dump: str, engine: Engine) -> None:
    """Replay `dump` into the (empty) schema `engine` works in, then grant the console role."""
    with engine.connect() as connection:
        schema = connection.exec_driver_sql("SELECT current_schema()").scalar_one()
        # Straight to psycopg without parameters: it sends the whole script at once, like psql
        # would, and leaves `%` alone (function bodies use format('%L', ...)); SQLAlchemy's
        # exec_driver_sql would pass an empty parameter list and have psycopg parse them.
        connection.connection.driver_connection.execute(dump.replace(SCHEMA_TOKEN, schema))
        connection.commit()
        # The dump's SETs (search_path '', statement_timeout 0...) stay on this session: it
        # must not go back to the pool, where the test would get it.
        connection.invalidate()
    with engine.begin() as connection:
        ensure_console_role(connection)
