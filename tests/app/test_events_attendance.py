"""The attendance list, the live figures and the chart's data, and the CSV export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.events import arrivals_per_bucket, attendance_csv, attendance_list, live_figures
from tests.app.events_support import attend, make_event, make_user

TZ = ZoneInfo("Europe/London")


@pytest.fixture
def event(session):
    host = make_user(session, "John", "Doe", "john@example.com")
    event = make_event(session, host, status="ongoing", capacity=10)
    attend(session, event, make_user(session, "Ann", "Early"), minutes=-12)
    attend(session, event, make_user(session, "Bob", "Bright"), minutes=3, out_minutes=50)
    attend(session, event, make_user(session, "Cy", "Cole"), minutes=7)
    attend(session, event, make_user(session, "Di", "Dane"), minutes=31)
    attend(session, event, make_user(session, "Ed", "Absent"), attended=False)
    attend(session, event, make_user(session, "=cmd", "Zed"), attended=False)
    return event


def test_list_contents_and_counts(session, event):
    listing = attendance_list(session, event.id)
    assert [r.name for r in listing.rows] == [
        "Ann Early",
        "Bob Bright",
        "Cy Cole",
        "Di Dane",
        "Ed Absent",
        "=cmd Zed",
    ]
    assert [r.state for r in listing.rows] == [
        "inside",
        "left",
        "inside",
        "inside",
        "registered",
        "registered",
    ]
    assert (listing.checked_in, listing.inside, listing.not_come, listing.total) == (4, 3, 2, 6)
    assert listing.rows[1].check_out_time == event.start_time + timedelta(minutes=50)


def test_search_filters_rows_but_not_counts(session, event):
    listing = attendance_list(session, event.id, search="  DANE ")
    assert [r.name for r in listing.rows] == ["Di Dane"]
    assert listing.checked_in == 4
    assert attendance_list(session, event.id, search="example.com b").rows[0].name == "Bob Bright"
    attend(session, event, make_user(session, "José", "Núñez", "jn@example.com"), attended=False)
    assert [r.name for r in attendance_list(session, event.id, search="jose NUN").rows] == [
        "José Núñez"
    ]


def test_live_figures_and_chart_match_the_rows(session, event):
    now = event.start_time + timedelta(minutes=45)
    figures = live_figures(session, event.id, now=now, tz=TZ)
    assert (figures.checked_in, figures.inside, figures.places_left) == (4, 3, 6)
    listing = attendance_list(session, event.id)
    assert sum(n for _, n in figures.arrivals) == listing.checked_in
    bars = {start: n for start, n in figures.arrivals}
    # 15:00 UTC start: arrivals at 14:48, 15:03, 15:07, 15:31; bars every 10 minutes, gaps at 0
    assert bars == {
        datetime(2026, 12, 6, 14, 40, tzinfo=UTC): 1,
        datetime(2026, 12, 6, 14, 50, tzinfo=UTC): 0,
        datetime(2026, 12, 6, 15, 0, tzinfo=UTC): 2,
        datetime(2026, 12, 6, 15, 10, tzinfo=UTC): 0,
        datetime(2026, 12, 6, 15, 20, tzinfo=UTC): 0,
        datetime(2026, 12, 6, 15, 30, tzinfo=UTC): 1,
        datetime(2026, 12, 6, 15, 40, tzinfo=UTC): 0,
    }
    for row in listing.rows:
        if row.attended:
            slot = row.check_in_time.replace(minute=row.check_in_time.minute // 10 * 10)
            assert bars[slot] >= 1


def test_buckets_follow_local_slots_in_a_quarter_hour_zone():
    kathmandu = ZoneInfo("Asia/Kathmandu")  # UTC+05:45
    t = datetime(2026, 12, 6, 4, 20, tzinfo=UTC)  # 10:05 local
    bars = arrivals_per_bucket([t], start=t, until=t, tz=kathmandu)
    assert [(s.astimezone(kathmandu).strftime("%H:%M"), n) for s, n in bars] == [("10:00", 1)]


def test_buckets_across_the_autumn_night_keep_both_hours():
    first = datetime(2026, 10, 25, 0, 55, tzinfo=UTC)  # 01:55 BST, then 01:05 GMT
    second = datetime(2026, 10, 25, 1, 5, tzinfo=UTC)
    bars = arrivals_per_bucket([first, second], start=first, until=second, tz=TZ)
    assert [n for _, n in bars] == [1, 1]


def test_figures_for_an_event_with_no_capacity_and_nobody(session):
    host = make_user(session, "Solo", "Host")
    event = make_event(session, host, capacity=None)
    figures = live_figures(session, event.id, now=event.start_time - timedelta(hours=1), tz=TZ)
    assert (figures.checked_in, figures.inside, figures.places_left) == (0, 0, None)
    assert sum(n for _, n in figures.arrivals) == 0


def test_csv_export(session, event):
    text = attendance_csv(attendance_list(session, event.id).rows, tz=TZ)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["First name", "Last name", "Email"]
    assert rows[1] == [
        "Ann",
        "Early",
        "ann.early@example.com",
        "",
        "Inside",
        "2026-12-06 14:48:00",
        "",
    ]
    assert rows[2][4:] == ["Left", "2026-12-06 15:03:00", "2026-12-06 15:50:00"]
    assert rows[6][0] == "'=cmd"  # no formula injection into spreadsheets
    assert len(rows) == 7
