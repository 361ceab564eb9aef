"""Editing through the admin data service: validated, keyed by primary key, audited."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.admin.cascade import cascade_preview
from app.admin.edits import (
    EditsRejected,
    RowEdit,
    apply_edits,
    delete_rows,
    duplicate_values,
    insert_row,
)
from app.errors import ValidationError
from db.models import Attendance, AuditLog, Event, Loyalty, Setting, User
from db.session import run_in_transaction
from tests.admin_data import T0, small_world


@pytest.fixture
def world(session):
    return small_world(session)


def _count(session, model, *where):
    return session.scalar(select(func.count()).select_from(model).where(*where))


def _admin_log(session):
    return session.scalars(select(AuditLog).where(AuditLog.method == "admin")).all()


def test_apply_changes_rows_and_logs_them(sessions, session, world):
    people, events = world
    edits = [
        RowEdit("users", people[0], {"firstName": "  Jon  ", "email": "JOHN.DOE@Example.com"}),
        RowEdit("events", events[0], {"capacity": 0, "status": "ongoing"}),
    ]
    result = run_in_transaction(sessions, lambda s: apply_edits(s, edits, station="desk"))
    assert result.rows_changed == 2
    session.rollback()
    john = session.get(User, people[0])
    assert (john.first_name, john.email) == ("Jon", "john.doe@example.com")
    assert session.get(Event, events[0]).capacity == 0
    log = _admin_log(session)
    assert len(log) == 2
    detail = json.loads(next(r.detail for r in log if r.patron_id == people[0]))
    assert detail["changes"]["firstName"] == ["John", "Jon"]


def test_invalid_edits_write_nothing_and_name_each_cell(sessions, session, world):
    people, events = world
    edits = [
        RowEdit("users", people[0], {"email": "not-an-email", "firstName": "Fine"}),
        RowEdit("users", people[1], {"email": "PERSON000002@example.com"}),  # taken, any case
        RowEdit("events", events[0], {"endTime": T0 - timedelta(days=1), "capacity": -1}),
        RowEdit("events", events[1], {"status": "party"}),
        RowEdit("loyalty", _first_loyalty(session), {"points": "12"}),
    ]
    with pytest.raises(EditsRejected) as caught:
        run_in_transaction(sessions, lambda s: apply_edits(s, edits, station="desk"))
    cells = caught.value.cells
    assert set(cells) == {
        (people[0], "email"),
        (people[1], "email"),
        (events[0], "endTime"),
        (events[0], "capacity"),
        (events[1], "status"),
        (_first_loyalty(session), "points"),
    }
    assert "already" in cells[(people[1], "email")]
    session.rollback()
    assert session.get(User, people[0]).first_name == "John"  # the valid part was not written
    assert _admin_log(session) == []


def _first_loyalty(session):
    return session.scalar(select(Loyalty.id).order_by(Loyalty.id).limit(1))


def test_update_of_a_vanished_row_is_refused(sessions, world):
    gone = uuid.uuid4()
    edits = [RowEdit("users", world[0][0], {"firstName": "X"}), RowEdit("users", gone, {})]
    with pytest.raises(EditsRejected) as caught:
        run_in_transaction(sessions, lambda s: apply_edits(s, edits, station="desk"))
    assert "no longer exists" in caught.value.rows[gone]


def test_audit_log_and_secret_settings_are_not_editable(sessions, session, world):
    session.add(Setting(key="admin_pin_hash", value="scrypt$x"))
    session.commit()
    edits = [RowEdit("settings", "admin_pin_hash", {"value": "1234"})]
    with pytest.raises(EditsRejected):
        run_in_transaction(sessions, lambda s: apply_edits(s, edits, station="desk"))
    with pytest.raises(ValidationError):
        run_in_transaction(sessions, lambda s: delete_rows(s, "audit_log", [], station="desk"))


def test_delete_preview_counts_match_what_the_delete_removes(sessions, session, world):
    people, events = world
    john = people[0]
    preview = run_in_transaction(sessions, lambda s: cascade_preview(s, "users", [john]))
    hosted = _count(session, Event, Event.host_id == john)
    assert preview.counts["events"] == hosted == 2
    assert preview.counts["loyalty"] == 6
    assert preview.message.startswith("Deleting John Doe also deletes 2 events, ")
    assert "and 6 loyalty rows." in preview.message
    before = {m: _count(session, m) for m in (User, Event, Attendance, Loyalty)}
    done = run_in_transaction(sessions, lambda s: delete_rows(s, "users", [john], station="d"))
    assert done.counts == preview.counts
    session.rollback()
    after = {m: _count(session, m) for m in (User, Event, Attendance, Loyalty)}
    assert before[User] - after[User] == 1
    assert before[Event] - after[Event] == preview.counts["events"]
    assert before[Attendance] - after[Attendance] == preview.counts["attendance"]
    assert before[Loyalty] - after[Loyalty] == preview.counts["loyalty"]
    assert [r.action for r in _admin_log(session)] == ["admin_delete"]


def test_insert_and_duplicate_go_through_validation(sessions, session, world):
    people, events = world
    values = duplicate_values("events", session.execute(select(Event.__table__)).first())
    values["name"] = "Copy"
    result = run_in_transaction(sessions, lambda s: insert_row(s, "events", values, station="desk"))
    session.rollback()
    assert session.get(Event, result.keys[0]).name == "Copy"
    bad = {"email": "JOHN@example.com", "firstName": "", "lastName": "Doe"}
    with pytest.raises(EditsRejected) as caught:
        run_in_transaction(sessions, lambda s: insert_row(s, "users", bad, station="desk"))
    assert {c for _k, c in caught.value.cells} == {"email", "firstName"}
    assert [r.action for r in _admin_log(session)] == ["admin_insert"]


def test_a_delete_that_touches_no_row_undoes_the_whole_batch(sessions, session, world):
    from app.admin.edits import RowCountMismatch

    people, _events = world
    keys = [people[5], uuid.uuid4()]  # the second one does not exist
    with pytest.raises(RowCountMismatch, match="touched 0 rows"):
        run_in_transaction(sessions, lambda s: delete_rows(s, "users", keys, station="desk"))
    session.rollback()
    assert session.get(User, people[5]) is not None
    assert _admin_log(session) == []


# --- messages a supervisor can act on (issue 10: safe admin) -----------------------------------


def test_event_labels_carry_the_date_and_the_year_when_not_this_one():
    from datetime import UTC, date, datetime

    from app.admin.labels import event_label

    today = date(2026, 12, 1)
    start = datetime(2026, 12, 8, 18, 0, tzinfo=UTC)
    assert event_label("Youth Night", start, tz=UTC, today=today) == "Youth Night (8 Dec)"
    last_year = datetime(2025, 12, 8, 18, 0, tzinfo=UTC)
    assert event_label("Youth Night", last_year, tz=UTC, today=today) == "Youth Night (8 Dec 2025)"


def test_same_named_events_are_told_apart_and_the_result_reads_right(sessions, session, world):
    from app.admin.labels import event_label, labels_for

    people, _events = world
    weekly = []
    for week in range(2):
        event = Event(
            name="Youth Night",
            status="scheduled",
            start_time=T0 + timedelta(days=7 * week),
            end_time=T0 + timedelta(days=7 * week, hours=2),
            location="Hall",
            host_id=people[1],
        )
        session.add(event)
        weekly.append(event)
    session.commit()
    first, second = (event_label(e.name, e.start_time) for e in weekly)
    assert first != second and first.startswith("Youth Night (")
    assert labels_for(session, "events", {weekly[0].id}) == {weekly[0].id: first}
    preview = run_in_transaction(sessions, lambda s: cascade_preview(s, "events", [weekly[0].id]))
    assert preview.message == f"Deleting {first} deletes nothing else."
    done = run_in_transaction(
        sessions, lambda s: delete_rows(s, "events", [weekly[0].id], station="desk")
    )
    assert done.result_message == f"Deleted {first}; nothing else was deleted."


def test_delete_result_names_what_went_with_it(sessions, world):
    people, _events = world
    done = run_in_transaction(
        sessions, lambda s: delete_rows(s, "users", [people[0]], station="desk")
    )
    assert done.result_message.startswith("Deleted John Doe; also deleted 2 events, ")
    assert "deleted" not in done.result_message.split(";")[0][8:]


def test_duplicate_key_messages_name_the_row_they_would_duplicate(sessions, session, world):
    people, events = world
    taken = RowEdit("users", people[1], {"email": "John@Example.com"})
    with pytest.raises(EditsRejected) as caught:
        run_in_transaction(sessions, lambda s: apply_edits(s, [taken], station="desk"))
    assert caught.value.cells[(people[1], "email")] == "John Doe already has this email."
    new = {"email": "john@example.com", "firstName": "Jo", "lastName": "Dee"}
    with pytest.raises(EditsRejected) as caught:
        run_in_transaction(sessions, lambda s: insert_row(s, "users", new, station="desk"))
    assert "John Doe already has this email." in caught.value.cells.values()

    existing = session.scalars(select(Attendance).where(Attendance.event_id == events[0])).first()
    event = session.get(Event, existing.event_id)
    person = session.get(User, existing.patron_id)
    row = {"eventId": existing.event_id, "patronId": existing.patron_id}
    with pytest.raises(EditsRejected) as caught:
        run_in_transaction(sessions, lambda s: insert_row(s, "attendance", row, station="desk"))
    (message,) = caught.value.cells.values()
    from app.admin.labels import event_label

    assert f"{person.first_name} {person.last_name}" in message
    assert event_label(event.name, event.start_time) in message
    assert str(existing.id)[:8] in message
    other = session.scalars(
        select(Attendance).where(
            Attendance.event_id == existing.event_id, Attendance.id != existing.id
        )
    ).first()
    move = RowEdit("attendance", other.id, {"patronId": existing.patron_id})
    with pytest.raises(EditsRejected) as caught:
        run_in_transaction(sessions, lambda s: apply_edits(s, [move], station="desk"))
    assert str(existing.id)[:8] in caught.value.cells[(other.id, "patronId")]
