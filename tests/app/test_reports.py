"""Reports on hand-made data sets, both backends; every expected figure is worked out by hand
in the comments (see tests/app/reports_support.py for the data)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from app.errors import ValidationError
from app.reports import (
    drifting,
    event_summary,
    loyalty_report,
    make_period,
    retention,
    reveal,
    series_names,
    series_trend,
    tables_csv,
)
from tests.app.checkin_support import audit_rows
from tests.app.reports_support import NOW, fair, loyalty_data, retention_data, services

LONDON = ZoneInfo("Europe/London")
Q1 = make_period("2026-01-01", "2026-03-31", tz=LONDON)


def test_event_summary_counts_walk_ins_first_timers_peak_and_median(session):
    event = fair(session)
    summary = event_summary(session, event.id, tz=LONDON).to_json()
    # Rows: Ann, Ben, Cat (registered), Dan (scanned without registering), Eve (walk-in form).
    assert summary["registered"] == 5
    assert summary["attended"] == 4  # Cat never came
    assert summary["noShows"] == 1
    assert summary["walkIns"] == 2  # Dan and Eve: their rows were created at the door
    # Ann came to Prior before; Ben's only earlier row is at a cancelled event.
    assert summary["firstTimers"] == 3
    assert summary["returning"] == 1
    assert summary["capacityUse"] == 50.0  # 4 of 8
    # In: Ann 10:00, Ben 10:05, Dan 10:12; Dan out 10:13; Eve in 10:14: never more than 3.
    # Ann's re-entry keeps her first check-in (10:00) and her last check-out (11:00).
    assert summary["peakInside"] == 3
    # Stays with both times: Dan 1 min, Ann 60 min -> median 30.5.
    assert summary["medianStayMinutes"] == 30.5
    assert summary["arrivalsPer10Min"] == [
        {"start": "2026-03-01T10:00", "arrivals": 2},
        {"start": "2026-03-01T10:10", "arrivals": 2},
    ]


def test_event_summary_of_an_empty_event_and_a_missing_one(session):
    from tests.app.events_support import make_event, make_user

    event = make_event(session, make_user(session), "Empty", capacity=None)
    summary = event_summary(session, event.id, tz=LONDON).to_json()
    assert (summary["registered"], summary["attended"], summary["peakInside"]) == (0, 0, 0)
    assert summary["capacityUse"] is None and summary["medianStayMinutes"] is None
    assert summary["arrivalsPer10Min"] == []
    with pytest.raises(ValidationError):
        event_summary(session, event.host_id, tz=LONDON)


def test_series_trend_per_occurrence(session):
    services(session)
    trend = series_trend(session, "Sunday Service", Q1).to_json()
    rows = trend["occurrences"]
    # S11 was cancelled: 11 occurrences in the quarter.
    assert [r["date"] for r in rows][-3:] == ["2026-03-01", "2026-03-08", "2026-03-22"]
    assert len(rows) == 11
    by_date = {r["date"]: r for r in rows}
    s1, s2, s6 = by_date["2026-01-04"], by_date["2026-01-11"], by_date["2026-02-08"]
    assert (s1["attended"], s1["firstTimers"], s1["noShowRate"]) == (2, 2, 0.0)  # Ann, Eve
    assert (s2["attended"], s2["firstTimers"]) == (3, 1)  # Ben is new
    assert (s6["attended"], s6["firstTimers"]) == (3, 1)  # Cat is new
    s9, s12 = by_date["2026-03-01"], by_date["2026-03-22"]
    assert (s9["registered"], s9["attended"], s9["noShows"], s9["noShowRate"]) == (2, 1, 1, 50.0)
    assert (s12["registered"], s12["attended"], s12["noShowRate"]) == (3, 2, 33.3)


def test_series_trend_keeps_to_the_period(session):
    services(session)
    february = make_period("2026-02-01", "2026-02-28", tz=LONDON)
    dates = [
        r["date"]
        for r in series_trend(session, "Sunday Service", february).to_json()["occurrences"]
    ]
    assert dates == ["2026-02-01", "2026-02-08", "2026-02-15", "2026-02-22"]
    assert series_trend(session, "No Such Thing", february).occurrences == []
    names = [s.name for s in series_names(session)]
    assert set(names) == {"Sunday Service", "Book Club", "Choir"}


def test_drifting_regulars_every_series(session):
    people, _ = services(session)
    report = drifting(session, Q1, now=NOW)
    found = [(p.series, p.first_name, p.times) for p in report.people]
    # Sunday Service, last three held = S12, S10, S9; the eight before = S1..S8.
    # Ben: S2, S5, S7 (S11 cancelled) and none since. Eve: S1-S3; registered for the last
    # three but never came. Cat only 2; Dan came to S12. Book Club has 7: four before its last
    # three; Fay came to three of them. Choir has 5: only two before the last three.
    assert found == [
        ("Book Club", "Fay", 3),
        ("Sunday Service", "Ben", 3),
        ("Sunday Service", "Eve", 3),
    ]
    data = report.to_json()
    ben, eve = data["people"][1], data["people"][2]
    assert ben["lastVisit"] == "2026-02-15" and ben["tier"] == "silver"  # 150 points
    assert eve["tier"] == "bronze" and eve["lastVisit"] == "2026-01-18"
    assert eve["email"] == "e***@example.com" and eve["phone"] == "•••• 0123"
    assert eve["name"] == "Eve T."
    assert data["revealed"] is False


def test_drifting_one_series_and_reveal_is_audited(session):
    services(session)
    report = drifting(session, Q1, series="Sunday Service", now=NOW)
    assert [p.first_name for p in report.people] == ["Ben", "Eve"]
    shown = reveal(session, report, station="Office", method="cli").to_json()
    assert shown["revealed"] is True
    assert shown["people"][1]["email"] == "eve@example.com"
    assert shown["people"][1]["phone"] == "+44 7700 900123"
    (entry,) = audit_rows(session, action="report_reveal")
    assert entry.station == "Office" and '"people": 2' in entry.detail
    csv_text = tables_csv(report.tables())
    assert "e***@example.com" in csv_text and "eve@example.com" not in csv_text


def test_drifting_before_the_last_occurrences_happened(session):
    services(session)
    # Up to 2026-02-28: held S1..S8; last three S8, S7, S6; before: S1..S5 (fewer than 8).
    # Eve came to S1-S3 and not since: drifting. Ben came to S2, S5 only: 2, not enough.
    february = make_period("2026-02-01", "2026-02-28", tz=LONDON)
    report = drifting(session, february, series="Sunday Service", now=NOW)
    assert [(p.first_name, p.times) for p in report.people] == [("Eve", 3)]


def test_retention_cohorts_by_local_month(session):
    retention_data(session)
    berlin = make_period("2026-01-01", "2026-03-31", tz=ZoneInfo("Europe/Berlin"))
    cohorts = retention(session, berlin).to_json()["cohorts"]
    # January: A (again after 15 days), B (41), C (80), D (only a cancelled event, then 95
    # days). "Old" came in December: not a newcomer. G's 23:30 UTC party is 00:30 on
    # 1 February in Berlin. February: E (cancelled event does not count), F, G.
    jan, feb, mar = cohorts
    assert (jan["month"], jan["people"]) == ("2026-01", 4)
    assert (jan["within1Month"], jan["within2Months"], jan["within3Months"]) == (25.0, 50.0, 75.0)
    assert (feb["people"], feb["returned1Month"], feb["returned2Months"]) == (3, 0, 1)
    assert feb["within3Months"] == 33.3
    assert (mar["people"], mar["within1Month"]) == (0, None)


def test_retention_in_london_puts_the_late_party_in_january(session):
    retention_data(session)
    jan = retention(session, Q1).to_json()["cohorts"][0]
    assert jan["people"] == 5 and jan["returned3Months"] == 3


def test_loyalty_report(session):
    loyalty_data(session)
    data = loyalty_report(session, Q1, now=NOW).to_json()
    assert data["tiers"] == {"bronze": 1, "silver": 1, "gold": 1, "platinum": 1}
    assert data["months"] == [
        {"month": "2026-01", "issued": 1800, "redeemed": 0, "expired": 0},
        {"month": "2026-02", "issued": 120, "redeemed": 200, "expired": 600},
        {"month": "2026-03", "issued": 50, "redeemed": 0, "expired": 0},
    ]
    assert [(t["name"], t["balance"], t["tier"]) for t in data["top"]] == [
        ("L1 M.", 1000, "platinum"),
        ("L4 M.", 500, "gold"),
        ("L2 M.", 120, "silver"),
        ("L3 M.", 50, "bronze"),
    ]


def test_period_defaults_and_bad_dates():
    period = make_period(None, "2026-03-31", tz=LONDON)
    assert period.first == date(2026, 1, 7)  # 12 weeks, both ends included
    assert [m for m, _, _ in period.months()] == ["2026-01", "2026-02", "2026-03"]
    with pytest.raises(ValidationError) as bad:
        make_period("31/03/2026", None, tz=LONDON)
    assert "from" in bad.value.errors
    with pytest.raises(ValidationError):
        make_period("2026-04-01", "2026-03-01", tz=LONDON)


def test_loyalty_report_without_any_ledger_row(session):
    data = loyalty_report(session, Q1, now=NOW).to_json()
    assert data["tiers"] == {"bronze": 0, "silver": 0, "gold": 0, "platinum": 0}
    assert data["top"] == [] and [m["issued"] for m in data["months"]] == [0, 0, 0]
