"""`credopass report ...`: JSON field by field, CSV and PDF files, one-line errors (both backends)."""

from __future__ import annotations

import json

import pytest

from db.session import unit_of_work
from tests.app.checkin_support import audit_rows
from tests.app.reports_support import fair, services


@pytest.fixture
def cli(engine, sessions, database_url_text, capsys, monkeypatch):
    from ui.launcher import main  # the console script: it lends `report --pdf` its PDF writer

    monkeypatch.setenv("TZ", "Europe/London")

    def run(*argv):
        capsys.readouterr()
        try:
            code = main([*argv, "--database-url", database_url_text])
        except SystemExit as exc:
            code = exc.code
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        return code, out, err

    return run


def test_event_json_field_by_field(cli, sessions):
    with unit_of_work(sessions) as session:
        event_id = str(fair(session).id)
    code, out, _ = cli("report", "event", "Spring Fair", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["event"]["id"] == event_id and data["event"]["name"] == "Spring Fair"
    assert data["registered"] == 5
    assert data["attended"] == 4
    assert data["noShows"] == 1
    assert data["walkIns"] == 2
    assert data["firstTimers"] == 3
    assert data["returning"] == 1
    assert data["capacityUse"] == 50.0
    assert data["peakInside"] == 3
    assert data["medianStayMinutes"] == 30.5
    assert data["arrivalsPer10Min"][0] == {"start": "2026-03-01T10:00", "arrivals": 2}


def test_series_text_csv_and_pdf(cli, sessions, tmp_path):
    with unit_of_work(sessions) as session:
        services(session)
    period = ("--from", "2026-02-01", "--to", "2026-02-28")
    code, out, _ = cli("report", "series", "Sunday Service", *period)
    assert code == 0 and "Series trend: Sunday Service" in out and "2026-02-22 10:00" in out
    target = tmp_path / "trend.csv"
    pdf = tmp_path / "trend.pdf"
    code, out, _ = cli(
        "report", "series", "Sunday Service", *period, "--csv", str(target), "--pdf", str(pdf)
    )
    assert code == 0
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "Date,Registered,Attended,First-timers,No-shows,No-show %"
    assert lines[1] == "2026-02-01 10:00,3,3,0,0,0.0"  # S5: Ann, Ben, Dan
    assert len(lines) == 5
    assert pdf.read_bytes().startswith(b"%PDF")


def test_drifting_reveal_is_audited(cli, sessions):
    with unit_of_work(sessions) as session:
        services(session)
    code, out, _ = cli("report", "drifting", "--to", "2026-03-31", "--json")
    assert code == 0
    people = json.loads(out)["people"]
    assert [p["name"] for p in people] == ["Fay T.", "Ben T.", "Eve T."]
    assert people[2]["email"] == "e***@example.com"
    code, out, _ = cli(
        "report",
        "drifting",
        "--series",
        "Sunday Service",
        "--to",
        "2026-03-31",
        "--reveal",
        "--station",
        "Office",
        "--json",
    )
    data = json.loads(out)
    assert code == 0 and data["revealed"] is True
    assert data["people"][1]["email"] == "eve@example.com"
    with unit_of_work(sessions) as session:
        (entry,) = audit_rows(session, action="report_reveal")
        assert entry.method == "cli" and entry.station == "Office"


def test_retention_and_loyalty_json_keys(cli, sessions):
    with unit_of_work(sessions) as session:
        services(session)
    code, out, _ = cli(
        "report", "retention", "--from", "2026-01-01", "--to", "2026-01-31", "--json"
    )
    assert code == 0
    (jan,) = json.loads(out)["cohorts"]
    # Ann, Eve, Ben, Dan first came in January to the service, Fay to the Book Club, Gus to
    # the Choir; each came again within a month (Gus to the Choir a week later).
    assert (jan["month"], jan["people"], jan["returned1Month"]) == ("2026-01", 6, 6)
    code, out, _ = cli("report", "loyalty", "--to", "2026-03-31", "--json")
    data = json.loads(out)
    assert code == 0 and set(data) >= {"tiers", "months", "top", "from", "to"}
    assert data["tiers"]["silver"] == 1


@pytest.mark.parametrize(
    "argv, words",
    [
        (("report", "event", "Nope"), "No event is called"),
        (("report", "series", "X", "--from", "31/01/2026"), "not a date"),
        (("report", "retention", "--from", "2026-03-01", "--to", "2026-01-01"), "after it ends"),
        (("report", "loyalty", "--json", "--csv", "x.csv"), "not allowed with"),
        (("report", "loyalty", "--timezone", "Mars/Base"), "unknown time zone"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(cli, argv, words):
    code, out, err = cli(*argv)
    assert code == 2
    if "--json" in argv:  # with --json every error is one JSON object on standard output
        error = json.loads(out)
        assert error["outcome"] == "error" and words in error["message"]
    else:
        assert words in err and len(err.strip().splitlines()) == 1
