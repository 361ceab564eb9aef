"""The users insert trigger on PostgreSQL: it skips the stale marks only inside a transaction
that says it writes the keys itself (the import), and a migrated database has the same
function as one whose triggers were created again (a rebuild, the generator)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, insert, select, text

from db import migrate
from db.models import User
from db.search_index import (
    KEYS_WRITTEN_SETTING,
    bulk_new_patrons,
    create_triggers,
    drop_triggers,
    patron_search_stale,
)


@pytest.fixture
def pg_engine(engine, backend):
    if backend != "postgresql":
        pytest.skip("the keys-written setting is PostgreSQL's; SQLite's import drops its trigger")
    return engine


def _marks(connection) -> int:
    return connection.scalar(select(func.count()).select_from(patron_search_stale))


def _insert_users(connection, count: int = 1) -> None:
    rows = [{"id": uuid.uuid4(), "email": f"{uuid.uuid4().hex}@example.org"} for _ in range(count)]
    for row in rows:
        row.update(firstName="Web", lastName="Writer")
    connection.execute(insert(User.__table__), rows)


def _copy_users(connection, count: int) -> None:
    driver = connection.connection.driver_connection
    copy_sql = 'COPY users (id, email, "firstName", "lastName") FROM STDIN'
    with driver.cursor() as cursor, cursor.copy(copy_sql) as copy:
        for _ in range(count):
            copy.write_row((uuid.uuid4(), f"{uuid.uuid4().hex}@example.org", "Copy", "Row"))


def _set(connection, value: str) -> None:
    connection.execute(
        text("SELECT set_config(:name, :value, true)"),
        {"name": KEYS_WRITTEN_SETTING, "value": value},
    )


def test_setting_on_leaves_inserts_unmarked_for_that_transaction_only(pg_engine):
    with pg_engine.begin() as c:
        _set(c, "on")
        _copy_users(c, 3)
        _insert_users(c)
        assert _marks(c) == 0
        _set(c, "off")
        _insert_users(c)
        assert _marks(c) == 1
    with pg_engine.begin() as c:  # a SET LOCAL ends with its transaction
        _insert_users(c, 2)
        assert _marks(c) == 3


def test_other_writers_are_marked_while_an_import_runs(pg_engine):
    with pg_engine.connect() as importer, importer.begin():
        with bulk_new_patrons(importer):
            _copy_users(importer, 2)
            with pg_engine.begin() as web_service:
                _copy_users(web_service, 1)
                _insert_users(web_service, 1)
            assert _marks(importer) == 2  # the other session's rows, committed meanwhile
        _insert_users(importer)  # after the bulk insert: marked as usual
        assert _marks(importer) == 3


def test_the_import_writes_no_marks_for_its_new_patrons(pg_engine):
    """Not written and deleted again either: this backend's count of inserted rows says so
    (read before and after: it may still hold an earlier transaction's)."""
    marks_written = text("SELECT pg_stat_get_xact_tuples_inserted('patron_search_stale'::regclass)")
    with pg_engine.begin() as c:
        before = c.scalar(marks_written)
        with bulk_new_patrons(c):
            _copy_users(c, 5)
        assert c.scalar(marks_written) == before
        _copy_users(c, 2)
        assert c.scalar(marks_written) == before + 2


def _insert_function(connection) -> str:
    return connection.scalar(
        text("SELECT pg_get_functiondef('credopass_search_note_inserted'::regproc)")
    )


def test_migrated_function_is_the_one_create_triggers_makes(pg_engine):
    with pg_engine.begin() as c:
        migrated = _insert_function(c)
        assert KEYS_WRITTEN_SETTING in migrated
        drop_triggers(c)
        create_triggers(c)
        assert _insert_function(c) == migrated
    migrate.downgrade(pg_engine, "0003_patron_search")
    with pg_engine.begin() as c:
        assert KEYS_WRITTEN_SETTING not in _insert_function(c)
        _set(c, "on")
        _insert_users(c)
        assert _marks(c) == 1  # the previous function marks regardless
    migrate.upgrade(pg_engine)
    with pg_engine.connect() as c:
        assert _insert_function(c) == migrated
