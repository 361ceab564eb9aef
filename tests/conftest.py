"""Fixtures: every database test runs on a real SQLite file and on a real PostgreSQL.

PostgreSQL comes from CREDOPASS_TEST_DATABASE_URL; each test gets its own schema there (a fresh,
migrated database in all but name) and drops it afterwards. Without the variable the PostgreSQL
cases skip with a reason, unless CREDOPASS_REQUIRE_POSTGRES=1 makes that a failure.
"""

from __future__ import annotations

import os
import uuid

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL

from db import migrate
from db.engine import create_app_engine, parse_url, sqlite_url
from db.session import make_session_factory

PG_ENV = "CREDOPASS_TEST_DATABASE_URL"
BACKENDS = ("sqlite", "postgresql")


def postgres_base_url() -> URL | None:
    raw = os.environ.get(PG_ENV, "").strip()
    return parse_url(raw) if raw else None


def with_search_path(base: URL, schema: str) -> URL:
    """`base` with `search_path` set to `schema`, keeping every other part of the URL as given:
    a Unix socket in `?host=`, and `options` the URL already carries (they are appended to)."""
    setting = f"-csearch_path={schema}"
    existing = base.query.get("options")
    if isinstance(existing, tuple):  # the query repeated the key: libpq takes them all
        existing = " ".join(existing)
    options = f"{existing} {setting}" if existing else setting
    return base.update_query_dict({"options": options})


def unreachable_postgres_url(base: URL) -> URL:
    """`base` pointed at a TCP port nobody listens on, whatever form it had: a socket folder
    or host list in the query would otherwise win over the URL's host."""
    return base.difference_update_query(["host", "hostaddr", "port"]).set(host="127.0.0.1", port=1)


def _require_postgres() -> bool:
    return os.environ.get("CREDOPASS_REQUIRE_POSTGRES", "") not in ("", "0")


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path_factory, monkeypatch):
    """No test reads the user's real settings, data folder or DATABASE_URL."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))


class PostgresSchema:
    """A throw-away schema on the test server, reached through search_path."""

    def __init__(self, base: URL):
        self.base = base
        self.name = f"t_{uuid.uuid4().hex[:16]}"
        self.url = with_search_path(base, self.name)
        self._admin = create_engine(base, isolation_level="AUTOCOMMIT")

    def create(self) -> None:
        with self._admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{self.name}"'))

    def drop(self) -> None:
        with self._admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE'))
        self._admin.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    if request.param == "postgresql" and postgres_base_url() is None:
        if _require_postgres():
            pytest.fail(f"CREDOPASS_REQUIRE_POSTGRES is set but {PG_ENV} is not")
        pytest.skip(f"PostgreSQL case skipped: set {PG_ENV} to run it")
    return request.param


@pytest.fixture
def database_url(backend, tmp_path) -> URL:
    """URL of a fresh, empty database on the current backend (no tables yet)."""
    if backend == "sqlite":
        yield sqlite_url(tmp_path / "credopass.db")
        return
    schema = PostgresSchema(postgres_base_url())
    schema.create()
    try:
        yield schema.url
    finally:
        schema.drop()


@pytest.fixture
def database_url_text(database_url) -> str:
    """The same URL as a string, password included, for subprocesses and the CLI."""
    return database_url.render_as_string(hide_password=False)


@pytest.fixture
def blank_engine(database_url):
    engine = create_app_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(blank_engine):
    """An engine on a fresh database migrated to the newest revision."""
    migrate.upgrade(blank_engine)
    return blank_engine


@pytest.fixture
def sessions(engine):
    return make_session_factory(engine)


@pytest.fixture
def session(sessions):
    with sessions() as session:
        yield session
