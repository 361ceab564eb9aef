"""The station copy: a real PostgreSQL server, a real SQLite copy, compared table by table."""

from __future__ import annotations

import os
import stat
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import text

from app.errors import ValidationError
from app.station.copy import (
    NothingToCopy,
    copy_path,
    default_station,
    last_synced_at,
    open_copy,
    refresh_copy,
    validate_station,
)
from db import migrate
from db.engine import create_app_engine
from db.models import Attendance, Event, Setting, User
from db.session import make_session_factory
from tests.app.station.copy_support import (
    add_contact,
    add_event,
    add_patron,
    add_points,
    admit,
    assert_same,
    copy_contents,
    now,
)
from tests.conftest import PostgresSchema, postgres_base_url


@pytest.fixture
def server():
    if postgres_base_url() is None:
        pytest.skip("needs CREDOPASS_TEST_DATABASE_URL (the copy is made from PostgreSQL)")
    schema = PostgresSchema(postgres_base_url())
    schema.create()
    engine = create_app_engine(schema.url)
    migrate.upgrade(engine)
    try:
        yield engine
    finally:
        engine.dispose()
        schema.drop()


@pytest.fixture
def copy():
    engine = open_copy("door-1", create=True)
    yield engine
    engine.dispose()


@pytest.fixture
def filled(server):
    """Patrons, an event today with attendance, one next month and one last month."""
    sessions = make_session_factory(server)
    with sessions.begin() as session:
        patrons = [add_patron(session, n, phone=f"+1555000{n:04d}") for n in range(30)]
        today = add_event(session, patrons[0], now() - timedelta(hours=1), "Today")
        later = add_event(session, patrons[0], now() + timedelta(days=30), "Next month")
        past = add_event(session, patrons[0], now() - timedelta(days=30), "Last month")
        for patron in patrons[:10]:
            admit(session, today, patron)
            admit(session, past, patron)
            add_points(session, patron, 10)
        add_contact(session, patrons[1], "work@example.com")
        session.add(Setting(key="door_opens_minutes_before", value="90"))
        session.add(Setting(key="admin_pin_hash", value="secret-hash"))
        ids = {"today": today.id, "later": later.id, "past": past.id}
        ids["patrons"] = [p.id for p in patrons]
    return sessions, ids


def test_station_names():
    assert validate_station(default_station()) == default_station()
    assert validate_station("door-1.main_hall") == "door-1.main_hall"
    for bad in ("", "../etc", "a b", "x" * 65, ".hidden", "door/1"):
        with pytest.raises(ValidationError):
            validate_station(bad)


def test_no_copy_until_created_then_private_and_migrated():
    assert open_copy("door-1") is None
    engine = open_copy("door-1", create=True)
    try:
        path = copy_path("door-1")
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
        assert migrate.current_revision(engine) == migrate.head_revision()
        with engine.connect() as c:
            assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert c.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert last_synced_at(engine) is None
    finally:
        engine.dispose()


def test_the_sqlite_default_has_nothing_to_copy(engine, backend, copy):
    if backend != "sqlite":
        pytest.skip("the local SQLite database only")
    with pytest.raises(NothingToCopy, match="nothing to sync"):
        refresh_copy(engine, copy)


def test_first_copy_is_complete_and_correct(filled, server, copy):
    _, ids = filled
    seen = []
    summary = refresh_copy(server, copy, progress=lambda done, total: seen.append((done, total)))
    assert summary.first and summary.patrons == 30
    assert summary.events == 1 and summary.attendance == 10
    assert seen[-1][0] == seen[-1][1]  # ends at 100 %
    assert_same(server, copy)
    contents = copy_contents(copy)
    assert {row[0] for row in contents["settings"]} == {"door_opens_minutes_before"}  # no PIN
    assert contents["patron_search"]  # patrons can be searched on the copy
    assert abs(last_synced_at(copy) - now()) < timedelta(minutes=1)


def test_incremental_sees_inserts_updates_deletes(filled, server, copy):
    sessions, ids = filled
    refresh_copy(server, copy)
    with sessions.begin() as session:
        newcomer = add_patron(session, "new")
        session.get(User, ids["patrons"][2]).first_name = "Renamed"
        session.delete(session.get(User, ids["patrons"][3]))  # cascades their attendance
        today = session.get(Event, ids["today"])
        today.capacity = 50
        admit(session, today, newcomer)
        add_contact(session, newcomer, "second@example.com")
        session.get(Setting, "door_opens_minutes_before").value = "60"
    seen = []
    summary = refresh_copy(server, copy, progress=lambda done, total: seen.append((done, total)))
    assert not summary.first and seen[-1][0] == seen[-1][1] > 0
    assert summary.patrons == 2 and summary.deleted >= 1
    assert_same(server, copy)


def test_events_come_into_and_leave_the_period_with_their_attendance(filled, server, copy):
    sessions, ids = filled
    refresh_copy(server, copy)
    with sessions.begin() as session:
        later = session.get(Event, ids["later"])
        later.start_time, later.end_time = (
            now() + timedelta(days=2),
            now() + timedelta(days=2, hours=1),
        )
        admit(session, later, session.get(User, ids["patrons"][5]))
        today = session.get(Event, ids["today"])
        today.start_time, today.end_time = now() - timedelta(days=20), now() - timedelta(days=20)
    refresh_copy(server, copy)
    assert_same(server, copy)
    names = {row[1] for row in copy_contents(copy)["events"]}
    assert names == {"Next month"}
    with sessions.begin() as session:
        session.delete(session.get(Event, ids["later"]))
    refresh_copy(server, copy)
    assert_same(server, copy)
    assert not copy_contents(copy)["attendance"]


def test_writes_by_another_program_are_seen(filled, server, copy):
    sessions, ids = filled
    refresh_copy(server, copy)
    patron = ids["patrons"][7]
    with server.begin() as c:  # plain SQL, as the web service writes
        c.execute(text("UPDATE users SET \"lastName\" = 'Changed' WHERE id = :i"), {"i": patron})
        c.execute(
            text(
                'INSERT INTO users (id, email, "firstName", "lastName") '
                "VALUES (:i, 'web@example.com', 'Web', 'Signup')"
            ),
            {"i": uuid.uuid4()},
        )
        c.execute(text('DELETE FROM attendance WHERE "patronId" = :i'), {"i": ids["patrons"][0]})
        c.execute(text("DELETE FROM users WHERE id = :i"), {"i": ids["patrons"][9]})
    refresh_copy(server, copy)
    assert_same(server, copy)  # stale search marks of the web service's rows came along


def test_a_change_committed_late_is_not_skipped(filled, server, copy):
    """A transaction that wrote before a refresh's snapshot but committed after it."""
    sessions, ids = filled
    refresh_copy(server, copy)
    slow = server.connect()
    slow_tx = slow.begin()
    slow.execute(
        text("UPDATE users SET \"firstName\" = 'Slow' WHERE id = :i"), {"i": ids["patrons"][4]}
    )
    with sessions.begin() as session:
        add_patron(session, "quick")
    refresh_copy(server, copy)
    slow_tx.commit()
    slow.close()
    refresh_copy(server, copy)
    assert_same(server, copy)


def test_a_copy_from_another_database_is_copied_afresh(filled, server, copy):
    sessions, _ids = filled
    refresh_copy(server, copy)
    with copy.begin() as c:
        c.exec_driver_sql("UPDATE station_copy_state SET source = 'elsewhere'")
    assert refresh_copy(server, copy).first
    assert_same(server, copy)


def test_nothing_changed_means_nothing_written(filled, server, copy):
    refresh_copy(server, copy)
    summary = refresh_copy(server, copy)
    assert (summary.patrons, summary.events, summary.attendance, summary.deleted) == (0, 0, 0, 0)
    with copy.connect() as c:
        assert c.scalar(text("SELECT count(*) FROM attendance")) == 10
    assert Attendance  # imported for the model metadata


def test_a_copy_not_refreshed_for_a_week_is_copied_afresh(filled, server, copy):
    refresh_copy(server, copy)
    with copy.begin() as c:
        c.exec_driver_sql(
            "UPDATE station_copy_state SET \"syncedAt\" = '2020-01-01 00:00:00.000000'"
        )
    assert refresh_copy(server, copy).first
    assert_same(server, copy)


def test_refreshes_prune_the_change_log_past_its_retention(filled, server, copy):
    with server.begin() as c:
        c.exec_driver_sql(
            "UPDATE change_log SET \"changedAt\" = now() - interval '20 days' "
            "WHERE seq IN (SELECT seq FROM change_log ORDER BY seq LIMIT 5)"
        )
        total = c.exec_driver_sql("SELECT count(*) FROM change_log").scalar()
    refresh_copy(server, copy)
    with server.connect() as c:
        assert c.exec_driver_sql("SELECT count(*) FROM change_log").scalar() == total - 5
