"""`credopass checkin|checkout|register|undo|patron`: JSON, exit codes, one-line messages."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from app.audit import detail_of
from app.cli import main
from db.types import utcnow
from tests.app.checkin_support import audit_rows, make_event, make_patron


@pytest.fixture
def door(sessions, database_url_text):
    """A committed event (capacity 2) and three patrons, plus a runner for the CLI."""
    with sessions() as session:
        event = make_event(session, start=utcnow(), capacity=2)
        jane = make_patron(session, "Jane", "Doe", email="jane@example.com")
        bob = make_patron(session, "Bob", "Roe", email="bob@example.com")
        ann = make_patron(session, "Ann", "Lee", email="ann@example.com")
        session.commit()
        ids = {"event": str(event.id), "jane": str(jane.id), "bob": str(bob.id), "ann": str(ann.id)}
    return ids


def run(capsys, url, *argv):
    try:
        code = main(["--database-url", url, *argv])
    except SystemExit as exit_:  # argparse's usage errors end this way
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, url, *argv):
    code, out, err = run(capsys, url, *argv, "--json")
    assert err == ""
    lines = out.strip().splitlines()
    assert len(lines) == 1, out
    return code, json.loads(lines[0])


def test_a_script_can_run_a_door(capsys, database_url_text, door):
    url = database_url_text
    event = "Sunday Service"

    code, data = run_json(capsys, url, "register", event, "jane@example.com")
    assert (code, data["outcome"]) == (0, "registered")

    code, data = run_json(capsys, url, "checkin", event, door["jane"], "--station", "north")
    assert code == 0 and data["outcome"] == "checked_in" and data["message"] == "Welcome, Jane!"
    assert data["patron"] == {"id": door["jane"], "firstName": "Jane", "lastName": "Doe"}
    assert data["event"] == {"id": door["event"], "name": event}
    assert data["checkInTime"].endswith("+00:00") and data["checkOutTime"] is None
    assert (data["points"], data["balance"], data["tier"]) == (10, 10, "bronze")
    first_time = data["checkInTime"]

    code, data = run_json(capsys, url, "checkin", door["event"], door["jane"].upper())
    assert (code, data["outcome"], data["checkInTime"]) == (0, "already_checked_in", first_time)

    code, data = run_json(capsys, url, "checkout", event, "JANE@example.com")
    assert (code, data["outcome"]) == (0, "checked_out")
    assert data["checkOutTime"] >= first_time

    code, data = run_json(capsys, url, "checkin", event, door["jane"])
    assert (code, data["outcome"], data["points"]) == (0, "re_entered", 0)

    assert run_json(capsys, url, "checkin", event, door["bob"])[1]["outcome"] == "checked_in"
    code, data = run_json(capsys, url, "checkin", event, door["ann"])
    assert (code, data["outcome"]) == (3, "event_full")
    assert data["message"] == "Sunday Service is full: 2 of 2"

    code, data = run_json(capsys, url, "undo", event, door["bob"], "--station", "elsewhere")
    assert (code, data["outcome"]) == (3, "undo_not_allowed")
    code, data = run_json(capsys, url, "undo", event, door["bob"])
    assert (code, data["outcome"], data["points"], data["balance"]) == (0, "undone", -10, 0)

    code, data = run_json(capsys, url, "checkin", event, door["ann"])
    assert (code, data["outcome"]) == (0, "checked_in")

    code, data = run_json(capsys, url, "patron", "show", "jane@example.com")
    assert code == 0 and data["balance"] == 10 and data["tier"] == "bronze"
    assert (data["nextTier"], data["pointsToNextTier"]) == ("silver", 90)
    assert data["visits"][0]["event"]["name"] == event


def test_refusals_exit_3_with_one_line(capsys, database_url_text, door):
    code, out, err = run(capsys, database_url_text, "checkin", "Sunday Service", "nobody")
    assert code == 3 and err == ""
    assert out == "not_found: No pass or email matches 'nobody'\n"

    code, out, _ = run(capsys, database_url_text, "checkout", "Sunday Service", door["bob"])
    assert code == 3 and out.startswith("not_checked_in: Bob is not checked in")

    code, out, _ = run(capsys, database_url_text, "patron", "show", "nobody@example.com")
    assert code == 3 and out.startswith("not_found:")


def test_human_output(capsys, database_url_text, door):
    code, out, _ = run(capsys, database_url_text, "checkin", "Sunday Service", door["jane"])
    assert code == 0
    assert out == "checked_in: Welcome, Jane! [Jane Doe · bronze · 10 points]\n"
    code, out, _ = run(capsys, database_url_text, "patron", "show", door["jane"])
    assert code == 0 and out.splitlines()[:2] == [
        f"Jane Doe  ({door['jane']})",
        "10 points · bronze · 90 to silver",
    ]


def test_usage_and_validation_errors_exit_2(capsys, database_url_text, door):
    cases = [
        (["checkin", "No Such Event", "jane@example.com"], "No event is called"),
        (["checkin", "Sunday Service"], "required: CODE"),
        (["checkin", "Sunday Service", "x", "--station", " "], "station"),
        (["undo", "00000000-0000-4000-8000-000000000000", "x"], "No event has the id"),
    ]
    for argv, fragment in cases:
        code, out, err = run(capsys, database_url_text, *argv)
        assert code == 2 and out == ""
        assert err.startswith("credopass: ") and fragment in err
        assert len(err.strip().splitlines()) == 1


def test_ambiguous_event_name_lists_candidates(capsys, sessions, database_url_text, door):
    with sessions() as session:
        make_event(session, start=utcnow(), name="Sunday Service")
        session.commit()
    code, _, err = run(capsys, database_url_text, "checkin", "Sunday Service", "jane@example.com")
    assert code == 2 and "2 events open at the door now are called 'Sunday Service'" in err


def test_a_weekly_series_name_picks_the_event_open_now(capsys, sessions, database_url_text, door):
    with sessions() as session:
        for weeks in (-2, -1, 1):
            make_event(session, start=utcnow() + timedelta(weeks=weeks), name="Sunday Service")
        session.commit()
    code, out, err = run(capsys, database_url_text, "checkin", "SUNDAY service", "jane@example.com")
    assert code == 0 and out.startswith("checked_in: Welcome, Jane!")
    assert "4 events are called Sunday Service: using" in err and "open at the door now" in err
    code, data = run_json_with_note(capsys, database_url_text, "checkin", "sunday service", "bob")
    assert data["event"]["id"] == door["event"]


def run_json_with_note(capsys, url, *argv):
    code, out, err = run(capsys, url, *argv, "--json")
    assert len(out.strip().splitlines()) == 1 and "using" in err
    return code, json.loads(out)


def test_outside_the_door_window_refused_unless_late(capsys, sessions, database_url_text):
    with sessions() as session:
        event = make_event(session, start=utcnow() - timedelta(days=2), name="Old Service")
        make_patron(session, "Jane", "Doe", email="jane@example.com")
        session.commit()
        event_id = event.id
    code, out, _ = run(capsys, database_url_text, "checkin", "old service", "jane@example.com")
    assert code == 3 and out.startswith("event_not_open: Old Service closed on ")
    code, data = run_json(
        capsys, database_url_text, "checkin", "Old Service", "jane@example.com", "--late"
    )
    assert code == 0 and data["outcome"] == "checked_in"
    with sessions() as session:
        (entry,) = audit_rows(session, action="check_in", event_id=event_id, outcome="checked_in")
        assert detail_of(entry)["late"] is True


def test_settings_command_shows_and_changes_the_door_margins(capsys, sessions, database_url_text):
    code, out, err = run(capsys, database_url_text, "settings")
    assert code == 0, err
    assert "door_opens_minutes_before = 120" in out
    code, data = run_json(
        capsys, database_url_text, "settings", "set", "door_closes_minutes_after", "45"
    )
    assert code == 0 and data["settings"][0]["value"] == "45"
    code, data = run_json(capsys, database_url_text, "settings", "get", "door_closes_minutes_after")
    assert data["settings"][0]["value"] == "45"
    code, _, err = run(
        capsys, database_url_text, "settings", "set", "door_closes_minutes_after", "-1"
    )
    assert code == 2 and "must be between" in err
    code, _, err = run(capsys, database_url_text, "settings", "get", "nonsense")
    assert code == 2 and "Unknown setting" in err


def test_real_entry_point(database_url_text, door):
    exe = Path(sys.executable).with_name("credopass")
    ok = subprocess.run(
        [
            str(exe),
            "--database-url",
            database_url_text,
            "checkin",
            door["event"],
            door["jane"],
            "--json",
            "--station",
            "sub",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["outcome"] == "checked_in"
    bad = subprocess.run(
        [str(exe), "--database-url", database_url_text, "checkin", "Nope", "x"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.strip().count("\n") == 0


def test_patron_search(capsys, sessions, database_url_text, door):
    with sessions() as session:
        make_patron(session, "José", "Álvarez", email="jose@example.com", phone="+1 555 123 7890")
        session.commit()
    url = database_url_text

    code, data = run_json(capsys, url, "patron", "search", "jose")
    assert code == 0 and data["outcome"] == "found"
    [hit] = data["results"]
    assert (hit["firstName"], hit["lastName"]) == (
        "José",
        "Á.",
    )  # masked without --reveal (issue 12)
    assert hit["email"] != "jose@example.com" and hit["email"].endswith("@example.com")
    assert "7890" in hit["phone"] and "555" not in hit["phone"]

    code, data = run_json(capsys, url, "patron", "search", "jose", "--reveal")
    assert data["results"][0]["email"] == "jose@example.com"

    code, out, _ = run(capsys, url, "patron", "search", "Álv")
    assert code == 0 and "José" in out and "jose@example.com" not in out

    code, data = run_json(capsys, url, "patron", "search", "zzzz")
    assert (code, data["outcome"], data["results"]) == (3, "not_found", [])

    code, out, err = run(capsys, url, "patron", "search", "j")
    assert code == 2 and out == "" and "at least 2 characters" in err


def test_walk_in_command(capsys, database_url_text, door):
    url = database_url_text
    base = ["walkin", "Sunday Service", "--first-name", " Ana ", "--last-name", "Lima"]
    code, data = run_json(capsys, url, *base, "--email", "Ana@Example.com", "--phone", "5551234567")
    assert (code, data["outcome"], data["points"]) == (0, "checked_in", 10)
    assert data["patron"]["firstName"] == "Ana"

    code, data = run_json(capsys, url, *base, "--email", "ana@example.com")
    assert (code, data["outcome"]) == (0, "already_checked_in")

    code, out, err = run(capsys, url, *base, "--email", "ana@", "--phone", "12")
    assert code == 2 and out == ""
    assert "email: " in err and "phone: " in err and len(err.strip().splitlines()) == 1


def test_patron_redeem(capsys, sessions, database_url_text, door):
    url = database_url_text
    assert run_json(capsys, url, "checkin", "Sunday Service", "jane@example.com")[0] == 0

    code, data = run_json(
        capsys, url, "patron", "redeem", "jane@example.com", "25", "--reward", "Mug"
    )
    assert code == 3 and data["outcome"] == "insufficient_points"
    assert data["message"] == "Jane has 10 points; Mug needs 25" and data["balance"] == 10

    code, out, _ = run(capsys, url, "patron", "redeem", door["jane"], "4", "--reward", " Coffee ")
    assert code == 0
    assert out == "redeemed: Jane redeemed Coffee for 4 points [6 points · bronze]\n"
    code, data = run_json(capsys, url, "patron", "show", door["jane"])
    assert data["balance"] == 6

    for argv, words in (
        (("jane@example.com", "0", "--reward", "Mug"), "above zero"),
        (("jane@example.com", "ten", "--reward", "Mug"), "not a whole number"),
        (("jane@example.com", "3", "--reward", "  "), "Say what the reward is"),
    ):
        code, out, err = run(capsys, url, "patron", "redeem", *argv)
        assert code == 2 and words in err and "Traceback" not in err, err
        assert out == ""
    assert run_json(capsys, url, "patron", "show", door["jane"])[1]["balance"] == 6

    code, data = run_json(
        capsys, url, "patron", "redeem", "nobody@example.com", "1", "--reward", "X"
    )
    assert code == 3 and data["outcome"] == "not_found"
