"""Fresh, migrated databases for the reliability scenarios, on either backend."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from db import migrate
from db.engine import create_app_engine, sqlite_url
from tests.conftest import PostgresSchema, postgres_base_url


@contextlib.contextmanager
def fresh_database(backend: str):
    """Yields the URL (a sqlalchemy URL) of an empty database migrated to the newest revision."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="credopass-reliability-") as folder:
            url = sqlite_url(Path(folder) / "credopass.db")
            _migrate(url)
            yield url
        return
    base = postgres_base_url()
    if base is None:
        raise SystemExit("set CREDOPASS_TEST_DATABASE_URL to run the PostgreSQL scenarios")
    schema = PostgresSchema(base)
    schema.create()
    try:
        _migrate(schema.url)
        yield schema.url
    finally:
        schema.drop()


def _migrate(url) -> None:
    engine = create_app_engine(url)
    try:
        migrate.upgrade(engine)
    finally:
        engine.dispose()


def url_text(url) -> str:
    return url.render_as_string(hide_password=False)
