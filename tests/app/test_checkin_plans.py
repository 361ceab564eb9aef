"""The check-in's statements keep to their indexes on SQLite even without planner statistics.

SQLite only: a file that grew by normal use has no statistics until PRAGMA optimize runs, and
with none the planner once counted an event's check-ins through idx_attendance_attended (every
attended row of every event). PostgreSQL always has statistics (autovacuum analyses).
"""

from __future__ import annotations

from sqlalchemy import event

from app.checkin.actions import check_in, check_out
from db import migrate
from db.engine import create_app_engine, sqlite_url
from db.session import make_session_factory
from tests.app.checkin_support import T0, make_event, make_patron, register_row

BIG_TABLES = ("users", "attendance", "loyalty", "audit_log")


def _plans(engine, action) -> list[tuple[str, str]]:
    """(statement, its query plan) for every SELECT `action` runs."""
    statements = []

    def remember(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", remember)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    with engine.connect() as connection:
        return [
            (
                sql,
                " / ".join(
                    row[-1]
                    for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)
                ),
            )
            for sql, params in statements
        ]


def test_check_in_reads_by_index_without_statistics(tmp_path):
    engine = create_app_engine(sqlite_url(tmp_path / "plans.db"))
    try:
        migrate.upgrade(engine)
        sessions = make_session_factory(engine)
        with sessions.begin() as session:
            hall = make_event(session, capacity=100)
            jane, sam = make_patron(session), make_patron(session, "Sam", "Roe")
            register_row(session, hall, sam)
            event_id, codes = hall.id, (str(jane.id), "sam.roe@example.com")

        def door():
            with sessions.begin() as session:
                for code in codes:
                    check_in(session, event_id, code, station="s", method="scan", now=T0)
                check_out(session, event_id, codes[0], station="s", method="scan", now=T0)

        plans = _plans(engine, door)
    finally:
        engine.dispose()
    assert plans
    for sql, plan in plans:
        assert "idx_attendance_attended" not in plan, sql
        scanned = [t for t in BIG_TABLES if f"SCAN {t}" in plan]
        assert not scanned, f"{sql} -> {plan}"
