"""Issue 12, failure 7: an event name (or location, description) holding NUL or another control
character is refused with a message and nothing is written; it used to be stripped silently, so
the event was stored under a name nobody typed. CLI, the admin studio and the validation that
the Events form shares (tests/ui/test_events_form.py drives the form itself)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.admin.edits import EditsRejected, RowEdit, apply_edits
from app.cli import main
from app.errors import ValidationError
from app.events import EventInput, validate_event
from db.models import Event, User
from db.session import run_in_transaction, unit_of_work
from tests.admin_data import small_world
from tests.app.events_support import make_user

HOSTILE = ["Sunday\x00Service", "Sunday\x1b[31m", "Sun\nday", "Sun\x7fday", "Sun\x85day"]


def _input(host_id, **over):
    start = datetime(2027, 3, 21, 10, tzinfo=UTC)
    values = dict(
        name="Sunday Service",
        location="Hall",
        start_time=start,
        end_time=start + timedelta(hours=2),
        host_id=host_id,
    )
    values.update(over)
    return EventInput(**values)


@pytest.mark.parametrize("name", HOSTILE)
def test_validation_refuses_control_characters_in_one_line_fields(name):
    with pytest.raises(ValidationError) as caught:
        validate_event(_input(object(), name=name, location=name))
    assert "control character" in caught.value.errors["name"]
    assert "control character" in caught.value.errors["location"]


def test_description_keeps_line_breaks_but_not_nul():
    assert validate_event(_input(object(), description="Line 1\r\n\tLine 2")).description
    with pytest.raises(ValidationError) as caught:
        validate_event(_input(object(), description="a\x00b"))
    assert "control character" in caught.value.errors["description"]


@pytest.fixture
def cli(engine, sessions, database_url_text, capsys):
    with unit_of_work(sessions) as session:
        make_user(session, "John", "Doe", "john@example.com")

    def run(*argv):
        capsys.readouterr()
        code = main([*argv, "--database-url", database_url_text])
        out, err = capsys.readouterr()
        return code, out + err

    return run


def _event_names(sessions):
    with sessions() as session:
        return session.scalars(select(Event.name)).all()


def test_cli_create_with_nul_in_the_name_writes_nothing(cli, sessions):
    code, output = cli(
        "events", "create", "--name", "Sunday\x00Service", "--location", "Hall",
        "--start", "2027-03-21 10:00", "--end", "12:00", "--host", "john@example.com",
    )  # fmt: skip
    assert code == 2, output
    assert "control character" in output and "Traceback" not in output
    assert "database error" not in output
    assert _event_names(sessions) == []


def test_cli_update_with_nul_in_the_name_changes_nothing(cli, sessions):
    code, output = cli(
        "events", "create", "--name", "Choir", "--location", "Hall",
        "--start", "2027-03-21 10:00", "--end", "12:00", "--host", "john@example.com",
    )  # fmt: skip
    assert code == 0, output
    code, output = cli("events", "update", "Choir", "--name", "Ch\x00oir")
    assert code == 2, output
    assert "control character" in output
    assert _event_names(sessions) == ["Choir"]


def test_admin_studio_refuses_nul_in_an_event_name(sessions, session):
    _people, events = small_world(session)
    session.commit()
    before = session.get(Event, events[0]).name
    edits = [RowEdit("events", events[0], {"name": "Bad\x00name", "description": "a\x00"})]
    with pytest.raises(EditsRejected) as caught:
        run_in_transaction(sessions, lambda s: apply_edits(s, edits, station="desk"))
    assert "control character" in caught.value.cells[(events[0], "name")]
    assert "control character" in caught.value.cells[(events[0], "description")]
    session.rollback()
    assert session.get(Event, events[0]).name == before
    assert session.scalar(select(func.count()).select_from(User)) > 0
