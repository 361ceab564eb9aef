"""The read-only SQL console: refusals with reasons, read-only by construction, timeout, history."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from app.admin.console import QueryStopped, ReadOnlyConsole
from app.admin.history import MAX_QUERIES, QueryHistory
from app.admin.sql_guard import QueryRefused, check_read_only
from db.models import Setting, User
from tests.admin_data import small_world

REFUSED = [
    ("DELETE FROM users", "read-only"),
    ("DROP TABLE users", "read-only"),
    ("UPDATE users SET \"firstName\" = 'x' RETURNING id", "read-only"),
    ("WITH x AS (DELETE FROM users RETURNING *) SELECT * FROM x", "read-only"),
    ("ATTACH DATABASE '/tmp/x.db' AS x", "Attaching"),
    ("PRAGMA writable_schema = ON", "PRAGMA"),
    ("SELECT 1; DELETE FROM users", "one statement"),
    ("SELECT 1 /* hidden */ ; /* */ DROP TABLE users", "one statement"),
    ("select set_config('statement_timeout', '0', false)", "set_config"),
    ("CREATE TABLE t (x int)", "read-only"),
    ("SELECT 'unclosed", "not closed"),
]


@pytest.mark.parametrize(("sql", "reason"), REFUSED)
def test_guard_refuses_with_a_reason(sql, reason):
    with pytest.raises(QueryRefused) as caught:
        check_read_only(sql)
    assert reason in caught.value.message


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT 'delete; drop' AS words -- a comment",
        "select replace(email, 'a', 'b') from users;",
        "SELECT \"firstName\" FROM users WHERE email LIKE '%@example.com'",
        "WITH t AS (SELECT 1 AS n) SELECT n FROM t",
    ],
)
def test_guard_lets_queries_through(sql):
    assert check_read_only(sql)


@pytest.fixture
def console(engine):
    return ReadOnlyConsole(engine, timeout_s=5, max_rows=25)


def test_console_runs_queries_and_caps_rows(console, session):
    small_world(session)
    result = console.run('SELECT email, "firstName" FROM users ORDER BY email')
    assert result.columns == ("email", "firstName")
    assert len(result.rows) == 25 and result.truncated
    assert "only the first 25" in result.message
    assert console.run("SELECT count(*) FROM users WHERE email LIKE '%john%'").rows == [(1,)]


def test_console_refuses_and_changes_nothing(console, session):
    small_world(session)
    for sql, _reason in REFUSED:
        with pytest.raises(QueryRefused):
            console.run(sql)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(User)) == 30
    assert console.run("SELECT count(*) FROM users").rows == [(30,)]


def test_database_itself_refuses_writes_that_pass_the_text_check(engine, session):
    """Defence in depth: a writing function the guard does not know is still stopped."""
    console = ReadOnlyConsole(engine)
    statement = (
        "SELECT nextval('x')" if console.backend == "postgresql" else "SELECT load_extension('x')"
    )
    with pytest.raises(QueryRefused):
        console.run(statement)


def test_secret_settings_cannot_be_read(console, session):
    session.add(Setting(key="admin_pin_hash", value="scrypt$16384$8$1$c2FsdA==$a2V5"))
    session.commit()
    with pytest.raises(QueryRefused, match="Setting values cannot be read"):
        console.run("SELECT key, value, 'x' || value AS copy FROM settings")
    assert console.run("SELECT key FROM settings").rows == [("admin_pin_hash",)]


def test_long_query_times_out_and_can_be_cancelled(engine):
    slow = (
        "SELECT count(*) FROM generate_series(1, 100000000000)"
        if engine.dialect.name == "postgresql"
        else "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
        "SELECT count(*) FROM n"
    )
    console = ReadOnlyConsole(engine, timeout_s=0.3)
    with pytest.raises(QueryStopped, match="longer than"):
        console.run(slow)
    console = ReadOnlyConsole(engine, timeout_s=30)
    timer = threading.Timer(0.3, console.cancel)
    timer.start()
    with pytest.raises(QueryStopped, match="cancelled"):
        console.run(slow)
    timer.join()


def test_history_is_per_database_and_bounded(tmp_path):
    first = QueryHistory("postgresql://admin:secret@db/one", tmp_path / "h.json")
    second = QueryHistory("sqlite:///two.db", tmp_path / "h.json")
    for n in range(MAX_QUERIES + 5):
        first.add(f"SELECT {n}")
    first.add("SELECT 3")
    second.add("SELECT 'two'")
    assert first.recent()[0] == "SELECT 3"
    assert len(first.recent()) == MAX_QUERIES
    assert second.recent() == ["SELECT 'two'"]
    assert "secret" not in (tmp_path / "h.json").read_text()
