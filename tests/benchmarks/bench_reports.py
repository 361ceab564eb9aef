"""Every report at scale: event summary, series trend, retention, drifting regulars, loyalty.
Target (issue 14): each <= 1 s at 1M patrons / 1M attendance rows, on both backends.

The generated events are all named "<kind> <date>", so none forms a series. For the series
reports the run first renames every event to its kind (about 2,000 / 12 occurrences per
series at full scale) inside the benchmark's own transaction, measures, and rolls back: the
cached data set is left as it was.

Every figure carries a ratio to a bare reference measured in the same run, so a figure taken
on a loaded machine can be read against the machine's speed at that moment: `count(*)` over
attendance, and one grouped pass over every visit (attended rows joined to their events,
per patron), the least any report over all visits has to read. On SQLite the note also gives
the CPU time of the run (the database works in this process); wall time on a shared two-core
machine under load is several times that.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime

from sqlalchemy import func, select, text

from db.models import Attendance, Event
from tests.benchmarks.harness import Result, Skip, percentile, summary

TARGET_MS = 1000
REPEATS = 5
REPEATS_AT_FULL_SCALE = 3  # the slowest report at 1M takes seconds: keep the run to minutes
_BARE_COUNT = text("SELECT count(*) FROM attendance")
_BARE_VISITS = text(
    'SELECT count(*) FROM (SELECT a."patronId", min(e."startTime") FROM attendance a '
    'JOIN events e ON e.id = a."eventId" WHERE a.attended GROUP BY a."patronId") AS v'
)
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
        from app.reports.sql import for_reports
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
        repeats = REPEATS if dataset.scale < 1_000_000 else REPEATS_AT_FULL_SCALE
        sqlite = dataset.backend == "sqlite"
        results = []
        references = {}
        for_reports(session)  # the references run with the reports' settings (no JIT)
        for name, query in (
            ("count(*) over attendance", _BARE_COUNT),
            ("visits per patron", _BARE_VISITS),
        ):
            samples, _cpu = _measure(lambda q=query: session.execute(q).scalar(), repeats)
            references[name] = percentile(samples, 0.5)
            note = f"reference; load {os.getloadavg()[0]:.2f}"
            results.append(
                summary(f"bare {name}", dataset.backend, samples, p99_target=None, note=note)
            )
        floor = references["visits per patron"]
        for name, action in cases:
            samples, cpu = _measure(action, repeats)
            p50 = percentile(samples, 0.5)
            note = f"load {os.getloadavg()[0]:.2f}"
            if sqlite:
                note += f", cpu {percentile(cpu, 0.5):.0f} ms"
            note += f", {p50 / references['count(*) over attendance']:.0f}x count(*)"
            results.append(
                summary(
                    name,
                    dataset.backend,
                    samples,
                    p99_target=TARGET_MS,
                    ratio=p50 / floor,
                    note=note,
                )
            )
        return results
    finally:
        session.rollback()
        session.close()


def _measure(action, repeats: int) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of `repeats` runs, after one untimed run that warms the caches
    (as a second look at the tab would)."""
    action()
    wall, cpu = [], []
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        action()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return wall, cpu
