"""`credopass events ...`: output, JSON, exit codes and one-line messages (both backends)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.cli import main
from db.models import AuditLog, Event, User
from db.session import unit_of_work
from tests.app.events_support import attend, make_event, make_user


@pytest.fixture
def cli(engine, sessions, database_url_text, capsys, monkeypatch):
    monkeypatch.setenv("TZ", "Europe/London")

    def run(*argv):
        capsys.readouterr()
        try:
            code = main([*argv, "--database-url", database_url_text])
        except SystemExit as exc:  # argparse's own usage errors
            code = exc.code
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        return code, out, err

    with unit_of_work(sessions) as session:
        make_user(session, "John", "Doe", "john@example.com")
    return run


def create_args(**over):
    args = {
        "--name": "Sunday Service",
        "--location": "Main Sanctuary",
        "--start": "2027-03-21 10:00",
        "--end": "12:00",
        "--host": "john@example.com",
        "--capacity": "100",
    }
    args.update(over)
    flat = ["events", "create"]
    for key, value in args.items():
        if value is not None:
            flat += [key, value]
    return flat


def test_create_then_list_as_json(cli):
    code, out, _ = cli(*create_args(), "--publish", "--json")
    assert code == 0
    created = json.loads(out)
    assert created["outcome"] == "ok"
    event = created["event"]
    assert event["status"] == "scheduled"
    assert event["startTime"] == "2027-03-21T10:00:00+00:00"  # GMT in March before the change
    assert event["host"]["email"] == "john@example.com"
    code, out, _ = cli("events", "list", "--when", "all", "--json")
    listing = json.loads(out)
    assert code == 0 and listing["count"] == 1
    assert listing["events"][0]["id"] == event["id"]
    assert listing["events"][0]["checkedIn"] == 0


def test_list_today_counts_check_ins(cli, sessions):
    now = datetime.now(UTC)
    with unit_of_work(sessions) as session:
        host = session.scalars(select(User)).first()
        event = make_event(session, host, "Today", "ongoing", start=now, capacity=5)
        attend(session, event, make_user(session, "Ann", "One"))
        make_event(session, host, "Next year", start=now.replace(year=now.year + 1))
    code, out, _ = cli("events", "list", "--today", "--json")
    rows = json.loads(out)["events"]
    assert code == 0
    assert [(r["name"], r["checkedIn"], r["capacity"]) for r in rows] == [("Today", 1, 5)]
    code, out, _ = cli("events", "list", "--today")
    assert "Today" in out and "1/5" in out and "Next year" not in out


def test_validation_is_exit_2_with_one_line_naming_the_options(cli, sessions):
    code, out, err = cli(
        *create_args(**{"--name": " ", "--end": "09:00", "--capacity": "-1", "--host": "nobody"})
    )
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    for option in ("--name", "--end", "--capacity", "--host"):
        assert option in err
    code, _, err = cli(*create_args(**{"--start": "next sunday"}))
    assert code == 2 and "--start" in err
    with sessions() as session:
        assert session.scalars(select(Event)).all() == []


def test_update_keeps_what_is_not_given_and_checks_capacity(cli, sessions):
    code, out, _ = cli(*create_args(), "--json")
    event_id = json.loads(out)["event"]["id"]
    code, out, _ = cli("events", "update", event_id, "--location", "Chapel", "--json")
    updated = json.loads(out)["event"]
    assert code == 0
    assert (updated["location"], updated["name"], updated["capacity"]) == (
        "Chapel",
        "Sunday Service",
        100,
    )
    code, out, _ = cli("events", "update", event_id, "--start", "2027-04-04 09:00", "--json")
    moved = json.loads(out)["event"]
    assert moved["startTime"] == "2027-04-04T08:00:00+00:00"  # BST after the change
    assert moved["endTime"] == "2027-04-04T10:00:00+00:00"  # the length is kept
    with unit_of_work(sessions) as session:
        event = session.get(Event, uuid.UUID(event_id))
        attend(session, event, make_user(session, "A", "One"))
        attend(session, event, make_user(session, "B", "Two"))
    code, _, err = cli("events", "update", event_id, "--capacity", "1")
    assert code == 2 and "2 people are already checked in" in err
    code, _, _ = cli("events", "update", event_id, "--capacity", "none")
    assert code == 0


def test_status_commands_and_refusals(cli, sessions):
    code, out, _ = cli(*create_args(), "--json")
    event_id = json.loads(out)["event"]["id"]
    code, out, _ = cli("events", "close", event_id, "--json")
    assert code == 3 and json.loads(out)["outcome"] == "refused"
    assert cli("events", "publish", event_id)[0] == 0
    assert cli("events", "start", "Sunday Service")[0] == 0
    code, _, err = cli("events", "cancel", event_id)
    assert code == 2 and "--reason" in err
    code, out, _ = cli("events", "cancel", event_id, "--reason", "Snow", "--station", "office")
    assert code == 0 and "Snow" in out
    code, out, _ = cli("events", "cancel", event_id, "--reason", "again")
    assert code == 3 and "was cancelled" in out
    with sessions() as session:
        log = session.scalars(
            select(AuditLog).where(AuditLog.action == "event_cancel", AuditLog.outcome == "ok")
        ).one()
        assert (log.station, log.method) == ("office", "cli")
        assert "Snow" in log.detail


def test_repeat_and_delete(cli):
    code, out, _ = cli(*create_args(), "--json")
    event_id = json.loads(out)["event"]["id"]
    code, out, _ = cli("events", "repeat", event_id, "--count", "3", "--json")
    series = json.loads(out)
    assert code == 0 and series["count"] == 3
    assert [e["startTime"][:16] for e in series["events"]] == [
        "2027-03-28T09:00",  # 10:00 BST: the clocks went forward that night
        "2027-04-04T09:00",
        "2027-04-11T09:00",
    ]
    code, out, _ = cli("events", "delete", series["events"][0]["id"])
    assert code == 0 and "Deleted" in out
    code, _, err = cli("events", "delete", "No such event")
    assert code == 2 and "No event is called" in err


def test_delete_refused_with_attendance(cli, sessions):
    code, out, _ = cli(*create_args(), "--json")
    event_id = json.loads(out)["event"]["id"]
    with unit_of_work(sessions) as session:
        event = session.get(Event, uuid.UUID(event_id))
        attend(session, event, make_user(session, "A", "One"))
    code, out, _ = cli("events", "delete", event_id, "--json")
    assert code == 3
    assert "cancel it instead" in json.loads(out)["message"]


def test_bad_time_zone_is_a_usage_error(cli):
    code, _, err = cli("events", "list", "--timezone", "Mars/Base")
    assert code == 2 and "time zone" in err
