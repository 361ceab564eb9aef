"""Fixtures: every database test runs on a real SQLite file and on a real PostgreSQL.

PostgreSQL comes from CREDOPASS_TEST_DATABASE_URL; each test gets its own schema there (a fresh,
migrated database in all but name) and drops it afterwards. Without the variable the PostgreSQL
cases skip with a reason, unless CREDOPASS_REQUIRE_POSTGRES=1 makes that a failure.
"""

from __future__ import annotations

import gc
import os
import threading
import time
import uuid
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL

from db import migrate
from db.engine import create_app_engine, parse_url, sqlite_url
from db.session import make_session_factory
from tests import migrated_templates

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


# Threads that live as long as the process by design, started once on first use.
PROCESS_THREADS = frozenset({"credopass-deadlines"})  # db.deadline's one watchdog
# How long a thread the test started may take to finish after the test's own teardown.
THREAD_EXIT_GRACE_S = 10.0


@pytest.fixture(autouse=True)
def _no_leaked_widgets_or_threads():
    """Fail a test that leaves top-level widgets alive or threads running (napari does the same).

    Autouse and requested by no one, it is set up before and torn down after every other
    fixture of the test, so the test's own teardown (qtbot closing its widgets, workers shut
    down) has run when it looks. What it finds is closed and deleted, so that one leak fails
    one test and not every test after it."""
    threads_before = set(threading.enumerate())
    widgets_before = _top_level_widget_addresses()
    yield
    gc.collect()  # a widget or executor only kept alive by a reference cycle is not a leak
    problems = _threads_still_running(threads_before) + _widgets_left_open(widgets_before)
    if problems:
        pytest.fail("the test leaked:\n  " + "\n  ".join(problems), pytrace=False)


def _threads_still_running(before: set[threading.Thread]) -> list[str]:
    deadline = time.monotonic() + THREAD_EXIT_GRACE_S
    leaked = []
    for thread in threading.enumerate():
        if thread in before or thread.name in PROCESS_THREADS:
            continue
        # A shut-down executor's thread may still be on its way out: wait for it to end.
        thread.join(max(0.0, deadline - time.monotonic()))
        if thread.is_alive():
            leaked.append(f"thread {thread.name!r} still running")
    return leaked


def _top_level_widget_addresses() -> set[int]:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        return set()
    return {_address(widget) for widget in app.topLevelWidgets()}


def _widgets_left_open(before: set[int]) -> list[str]:
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        return []
    # deleteLater() and WA_DeleteOnClose take effect when deferred deletes are delivered.
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    leaked = [w for w in app.topLevelWidgets() if _address(w) not in before]
    descriptions = [_describe(widget) for widget in leaked]
    for widget in leaked:
        widget.close()
        widget.deleteLater()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return descriptions


def _address(widget) -> int:
    import shiboken6

    return shiboken6.getCppPointer(widget)[0]


def _describe(widget) -> str:
    name = widget.objectName() or widget.windowTitle()
    state = "visible" if widget.isVisible() else "hidden"
    parent = widget.parentWidget()
    owner = f", child of {type(parent).__name__}" if parent is not None else ""
    return f"{state} top-level widget {type(widget).__name__} {name!r}{owner}"


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


@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory) -> Path:
    """A SQLite file migrated to the newest revision, once per session (per xdist worker)."""
    return migrated_templates.migrated_sqlite_file(tmp_path_factory.mktemp("migrated"))


@pytest.fixture(scope="session")
def migrated_postgres_dump() -> str | None:
    """A PostgreSQL schema migrated to the newest revision, once per session, as a dump."""
    base = postgres_base_url()
    schema = PostgresSchema(base)
    schema.create()
    libpq_url = base.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        return migrated_templates.migrated_postgres_dump(schema.url, schema.name, libpq_url)
    finally:
        schema.drop()


@pytest.fixture
def engine(request, backend, blank_engine):
    """An engine on a fresh database migrated to the newest revision (a copy of one migrated
    once per session: tests/migrated_templates.py says why that is the same thing)."""
    if backend == "sqlite":
        template = request.getfixturevalue("migrated_sqlite_file")
        migrated_templates.copy_sqlite_file(template, blank_engine)
        return blank_engine
    dump = request.getfixturevalue("migrated_postgres_dump")
    if dump is None:
        migrate.upgrade(blank_engine)
    else:
        migrated_templates.restore_postgres_dump(dump, blank_engine)
    return blank_engine


@pytest.fixture
def sessions(engine):
    return make_session_factory(engine)


@pytest.fixture
def session(sessions):
    with sessions() as session:
        yield session
