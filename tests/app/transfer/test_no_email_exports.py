"""Issue 15: an export says "no email" for a person without an email of their own (never the
reserved `no-email-…@no-email.invalid` address, which means nothing outside this database), and
importing such an export again adds nobody. CLI export in CSV and JSON, the attendance list;
the Admin tab's export dialog is driven in tests/ui/transfer/test_transfer_dialogs.py."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.cli import main
from app.events.attendance import attendance_csv, attendance_list
from app.no_email import NO_EMAIL
from app.transfer import apply_import, read_patron_csv
from db.models import Attendance, PatronContact, User
from db.session import unit_of_work
from tests.app.events_support import make_event

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture
def members(sessions, database_url_text):
    """Bob with his email; Susan and Timmy sharing it (placeholders); Margaret with none."""
    with unit_of_work(sessions) as session:
        apply_import(session, read_patron_csv(SAMPLES / "planning_center.csv"), station="s")
    return database_url_text


def _cli(capsys, url, *argv) -> tuple[int, str]:
    capsys.readouterr()
    code = main([*argv, "--database-url", url])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _counts(sessions) -> tuple[int, int]:
    with sessions() as session:
        return (
            session.scalar(select(func.count()).select_from(User)),
            session.scalar(select(func.count()).select_from(PatronContact)),
        )


def test_csv_export_says_no_email_and_imports_back_adding_nobody(
    members, sessions, capsys, tmp_path
):
    target = tmp_path / "users.csv"
    code, output = _cli(capsys, members, "export", "users", "-o", str(target), "--bom")
    assert code == 0, output
    text = target.read_text(encoding="utf-8-sig")
    assert ".invalid" not in text and "no-email-" not in text
    emails = {r["firstName"]: r["email"] for r in csv.DictReader(io.StringIO(text))}
    assert emails["Bob"] == "bob.miller@example.org"
    assert emails["Susan"] == emails["Timmy"] == emails["Margaret"] == NO_EMAIL
    before = _counts(sessions)
    code, output = _cli(capsys, members, "import", "patrons", str(target), "--json")
    assert code == 0, output
    counts = json.loads(output)["counts"]
    assert (counts["new"], counts["updated"]) == (0, 0), counts
    assert _counts(sessions) == before


def test_json_export_says_no_email(members, capsys):
    code, output = _cli(capsys, members, "export", "users", "--format", "json")
    assert code == 0
    emails = {r["firstName"]: r["email"] for r in json.loads(output)}
    assert emails["Timmy"] == NO_EMAIL and emails["Bob"] == "bob.miller@example.org"
    assert ".invalid" not in output


def test_a_filter_still_sees_the_stored_address(members, capsys):
    """Only what is written changes: `--where` filters the stored value."""
    code, output = _cli(
        capsys, members, "export", "users", "--format", "json", "--where", "email~.invalid"
    )
    assert code == 0
    assert sorted(r["firstName"] for r in json.loads(output)) == [
        "Margaret", "Susan", "Timmy"
    ]  # fmt: skip


def test_attendance_list_csv_says_no_email(members, sessions):
    with unit_of_work(sessions) as session:
        host = session.scalars(select(User).where(User.first_name == "Bob")).one()
        event = make_event(session, host, "Family night")
        for person in session.scalars(select(User)):
            session.add(Attendance(event_id=event.id, patron_id=person.id, attended=False))
        event_id = event.id
    with sessions() as session:
        text = attendance_csv(attendance_list(session, event_id).rows)
    assert ".invalid" not in text
    emails = {r["First name"]: r["Email"] for r in csv.DictReader(io.StringIO(text))}
    assert emails["Timmy"] == NO_EMAIL and emails["Bob"] == "bob.miller@example.org"
