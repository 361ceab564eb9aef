"""Row behaviour on both backends: updatedAt, UTC datetimes, UUIDs, cascades."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import StatementError

from db.models import Attendance, Event, Loyalty, Setting, User
from db.session import unit_of_work

TOKYO = timezone(timedelta(hours=9))


def _user(email: str) -> User:
    return User(email=email, first_name="Ann", last_name="Lee")


def _event(host: User, name: str = "Service") -> Event:
    """An event hosted by `host`, which must already be flushed (it has its id)."""
    return Event(
        name=name,
        status="scheduled",
        start_time=datetime(2026, 1, 12, 10, tzinfo=UTC),
        end_time=datetime(2026, 1, 12, 12, tzinfo=UTC),
        location="Hall",
        host_id=host.id,
    )


def _flushed(session, email: str) -> User:
    user = _user(email)
    session.add(user)
    session.flush()
    return user


def _counts(session) -> dict[str, int]:
    return {
        model.__tablename__: session.scalar(select(func.count()).select_from(model))
        for model in (User, Event, Attendance, Loyalty)
    }


def _wait_for_clock_tick(after: datetime) -> None:
    # SQLite keeps microseconds, but two updates within one clock tick would look unchanged.
    while datetime.now(UTC) <= after:
        time.sleep(0.001)


def test_updated_at_changes_on_every_update(sessions):
    with unit_of_work(sessions) as session:
        user = _user("ann@example.com")
        session.add(user)
    created, first = user.created_at, user.updated_at
    for new_name in ("Anne", "Annie"):
        _wait_for_clock_tick(first)
        with unit_of_work(sessions) as session:
            session.get(User, user.id).first_name = new_name
        with sessions() as session:
            stored = session.get(User, user.id)
            assert stored.updated_at > first
            assert stored.created_at == created
            first = stored.updated_at


def test_updated_at_changes_on_events_and_settings(sessions):
    with unit_of_work(sessions) as session:
        event = _event(_flushed(session, "host@example.com"))
        setting = Setting(key="points_per_visit", value="10")
        session.add_all([event, setting])
    before_event, before_setting = event.updated_at, setting.updated_at
    _wait_for_clock_tick(max(before_event, before_setting))
    with unit_of_work(sessions) as session:
        session.get(Event, event.id).status = "ongoing"
        session.get(Setting, "points_per_visit").value = "20"
    with sessions() as session:
        assert session.get(Event, event.id).updated_at > before_event
        assert session.get(Setting, "points_per_visit").updated_at > before_setting


def test_datetimes_are_written_and_read_as_utc(sessions, backend):
    tokyo_start = datetime(2026, 3, 1, 19, 30, 15, 250000, tzinfo=TOKYO)
    with unit_of_work(sessions) as session:
        event = _event(_flushed(session, "tz@example.com"))
        event.start_time = tokyo_start
        event.end_time = tokyo_start + timedelta(hours=2)
        session.add(event)
    with sessions() as session:
        stored = session.get(Event, event.id)
        assert stored.start_time == tokyo_start  # the same instant...
        assert stored.start_time.utcoffset() == timedelta(0)  # ...expressed in UTC
        assert stored.start_time.isoformat() == "2026-03-01T10:30:15.250000+00:00"
        assert stored.created_at.tzinfo is not None
        assert stored.created_at.utcoffset() == timedelta(0)
        # comparisons in SQL use the instant, not the wall time
        later = session.scalar(
            select(func.count()).where(Event.start_time > datetime(2026, 3, 1, 10, 30, tzinfo=UTC))
        )
        assert later == 1


def test_naive_datetimes_are_refused(sessions):
    with pytest.raises(StatementError, match="naive datetimes"), unit_of_work(sessions) as session:
        event = _event(_flushed(session, "naive@example.com"))
        event.start_time = datetime(2026, 1, 1, 10, 0)
        session.add(event)
    with sessions() as session:
        assert _counts(session)["users"] == 0, "nothing was written"


def test_server_defaults_read_back_as_aware_utc(engine, sessions):
    """A row written by another tool (raw SQL, no id, no timestamps) still reads correctly."""
    with engine.begin() as connection:
        connection.execute(
            text(
                'INSERT INTO users (email, "firstName", "lastName") '
                "VALUES ('raw@example.com', 'Raw', 'Row')"
            )
        )
    with sessions() as session:
        user = session.scalars(select(User).where(User.email == "raw@example.com")).one()
        assert isinstance(user.id, uuid.UUID)
        assert user.created_at.utcoffset() == timedelta(0)
        assert abs(user.created_at - datetime.now(UTC)) < timedelta(minutes=5)


def test_uuid_is_generated_by_python_and_sent_with_the_insert(engine, session):
    statements = []

    def _record(_conn, _cursor, statement, parameters, _context, _many):
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", _record)
    try:
        user = _user("flush@example.com")
        session.add(user)
        session.flush()
    finally:
        event.remove(engine, "before_cursor_execute", _record)
    assert isinstance(user.id, uuid.UUID) and user.id.version == 4
    insert = next(s for s, _ in statements if s.startswith("INSERT INTO users"))
    assert insert.split("(", 1)[1].startswith("id,"), "the id is sent, not left to the server"
    given = uuid.uuid4()  # and a caller (an offline kiosk) may bring its own
    assert User(id=given, email="x@example.com", first_name="X", last_name="Y").id == given


def test_postgres_server_default_is_gen_random_uuid(engine, backend):
    if backend != "postgresql":
        pytest.skip("gen_random_uuid() is PostgreSQL's; SQLite's default is covered above")
    with engine.connect() as connection:
        default = connection.execute(
            text(
                "SELECT column_default FROM information_schema.columns WHERE "
                "table_schema = current_schema() AND table_name = 'attendance' "
                "AND column_name = 'id'"
            )
        ).scalar_one()
    assert default == "gen_random_uuid()"


def test_emails_are_trimmed_and_lower_cased(session):
    user = _user("  Ann.Lee@Example.COM ")
    session.add(user)
    session.flush()
    assert user.email == "ann.lee@example.com"


def _household(sessions) -> tuple[uuid.UUID, uuid.UUID]:
    """A host with an event attended by a guest, a guest's own event the host attended, and
    loyalty rows for both. Returns (host id, guest id)."""
    with unit_of_work(sessions) as session:
        host, guest = _flushed(session, "host@example.com"), _flushed(session, "guest@example.com")
        hosted, guests_event = _event(host, "Hosted"), _event(guest, "Guest's")
        session.add_all([hosted, guests_event])
        session.flush()
        session.add_all(
            [
                Attendance(event_id=hosted.id, patron_id=guest.id, attended=True),
                Attendance(event_id=hosted.id, patron_id=host.id, attended=True),
                Attendance(event_id=guests_event.id, patron_id=host.id, attended=True),
                Attendance(event_id=guests_event.id, patron_id=guest.id, attended=True),
                Loyalty(patron_id=host.id, description="visit", points=10),
                Loyalty(patron_id=guest.id, description="visit", points=10),
            ]
        )
    return host.id, guest.id


def _assert_only_the_guest_is_left(sessions, guest_id) -> None:
    with sessions() as session:
        assert _counts(session) == {"users": 1, "events": 1, "attendance": 1, "loyalty": 1}
        assert session.scalar(select(Event.host_id)) == guest_id
        remaining = session.scalars(select(Attendance)).one()
        assert remaining.patron_id == guest_id
        assert session.scalar(select(Loyalty.patron_id)) == guest_id


def test_deleting_a_user_cascades_through_the_orm(sessions):
    host_id, guest_id = _household(sessions)
    with unit_of_work(sessions) as session:
        session.delete(session.get(User, host_id))
    # gone: the host's event, its attendance (the guest's too), the host's own attendance at
    # the guest's event, the host's loyalty rows
    _assert_only_the_guest_is_left(sessions, guest_id)


def test_deleting_a_user_cascades_in_the_database(sessions, engine):
    """The database does it by itself (ON DELETE CASCADE), e.g. for another tool's DELETE."""
    host_id, guest_id = _household(sessions)
    with engine.begin() as connection:
        connection.execute(User.__table__.delete().where(User.__table__.c.id == host_id))
    _assert_only_the_guest_is_left(sessions, guest_id)


def test_deleting_an_event_deletes_its_attendance_only(sessions):
    host_id, guest_id = _household(sessions)
    with unit_of_work(sessions) as session:
        event = session.scalars(select(Event).where(Event.name == "Hosted")).one()
        session.delete(event)
    with sessions() as session:
        assert _counts(session) == {"users": 2, "events": 1, "attendance": 2, "loyalty": 2}
