"""Local wall-clock time: the machine's zone (injectable), parsing what people type."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from app.events import local_to_utc, local_zone, parse_local
from app.events.localtime import local_day_bounds

LONDON = ZoneInfo("Europe/London")


def test_zone_comes_from_tz_when_set(monkeypatch):
    monkeypatch.setenv("TZ", "America/New_York")
    assert local_zone() == ZoneInfo("America/New_York")
    monkeypatch.setenv("TZ", ":Europe/London")
    assert local_zone() == LONDON
    monkeypatch.setenv("TZ", "Not/AZone")
    assert local_zone() is not None  # falls back to the machine's, never fails


def test_local_to_utc_gap_and_fold():
    assert local_to_utc(datetime(2027, 7, 1, 10, 0), LONDON) == datetime(
        2027, 7, 1, 9, 0, tzinfo=UTC
    )
    # 01:30 on 28 March 2027 does not exist in London: it reads as 02:30 BST
    assert local_to_utc(datetime(2027, 3, 28, 1, 30), LONDON) == datetime(
        2027, 3, 28, 1, 30, tzinfo=UTC
    )
    # 01:30 on 31 October 2027 happens twice: the first (BST) is taken
    assert local_to_utc(datetime(2027, 10, 31, 1, 30), LONDON) == datetime(
        2027, 10, 31, 0, 30, tzinfo=UTC
    )
    aware = datetime(2027, 1, 1, 12, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert local_to_utc(aware, LONDON) == datetime(2027, 1, 1, 3, 0, tzinfo=UTC)


def test_change_days_are_23_and_25_hours():
    start, end = local_day_bounds(date(2027, 3, 28), LONDON)
    assert (end - start).total_seconds() == 23 * 3600
    start, end = local_day_bounds(date(2027, 10, 31), LONDON)
    assert (end - start).total_seconds() == 25 * 3600


def test_parse_local_forms():
    assert parse_local("2027-07-01 10:00", LONDON) == datetime(2027, 7, 1, 9, 0, tzinfo=UTC)
    assert parse_local("2027-07-01T10:00+02:00", LONDON) == datetime(2027, 7, 1, 8, 0, tzinfo=UTC)
    assert parse_local("9:30", LONDON, base=date(2027, 1, 5)) == datetime(
        2027, 1, 5, 9, 30, tzinfo=UTC
    )
    for bad in ("", "tomorrow", "31/12/2027", "25:00"):
        with pytest.raises(ValueError):
            parse_local(bad, LONDON, base=date(2027, 1, 5))
