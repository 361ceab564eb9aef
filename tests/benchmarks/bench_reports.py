"""Every report at scale: event summary, series trend, retention, drifting regulars, loyalty.
Target (issue 14): each <= 1 s at 1M patrons / 1M attendance rows, on both backends.

The generated events are all named "<kind> <date>", so none forms a series. For the series
reports the run first renames every event to its kind (about 2,000 / 12 occurrences per
series at full scale) inside the benchmark's own transaction, measures, and rolls back: the
cached data set is left as it was.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime

from sqlalchemy import func, select, text

from db.models import Attendance, Event
from tests.benchmarks.harness import Result, Skip, summary

TARGET_MS = 1000
REPEATS = 5
# "Sunday Service 06 Dec 2026" -> "Sunday Service": the date is the last 12 characters.
_SERIES_NAMES = text("UPDATE events SET name = substr(name, 1, length(name) - 12)")


def run(dataset) -> list[Result]:
    try:
        from app.reports import (
            drifting,
            event_summary,
            loyalty_report,
            make_period,
            retention,
            series_trend,
        )
    except ImportError as exc:
        raise Skip(f"reports are not there yet ({exc})") from None
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Europe/London")
    session = dataset.sessions()
    try:
        biggest = session.execute(
            select(Attendance.event_id, func.count())
            .group_by(Attendance.event_id)
            .order_by(func.count().desc())
            .limit(1)
        ).first()
        session.execute(_SERIES_NAMES)
        series = session.execute(
            select(Event.name, func.count()).group_by(Event.name).order_by(func.count().desc())
        ).first()[0]
        now = datetime.now(UTC)
        quarter = make_period(tz=tz, now=now)  # the default: the last 12 weeks
        year = make_period(f"{now.year - 1}-{now:%m}-01", None, tz=tz, now=now)
        cases = [
            (
                f"report event ({biggest[1]:,} rows)",
                lambda: event_summary(session, biggest[0], tz=tz),
            ),
            ("report series, 12 weeks", lambda: series_trend(session, series, quarter)),
            ("report series, 13 months", lambda: series_trend(session, series, year)),
            ("report retention, 13 months", lambda: retention(session, year)),
            ("report drifting, every series", lambda: drifting(session, quarter, now=now)),
            (
                "report drifting, one series",
                lambda: drifting(session, quarter, series=series, now=now),
            ),
            ("report loyalty, 13 months", lambda: loyalty_report(session, year, now=now)),
        ]
        results = []
        for name, action in cases:
            action()  # warm the caches once, as a second look at the tab would
            samples = []
            for _ in range(REPEATS):
                started = time.perf_counter()
                action()
                samples.append((time.perf_counter() - started) * 1000)
            note = f"load {os.getloadavg()[0]:.2f}"
            results.append(summary(name, dataset.backend, samples, p99_target=TARGET_MS, note=note))
        return results
    finally:
        session.rollback()
        session.close()
