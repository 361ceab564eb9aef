"""Series trend: for each occurrence of a series (events with the same name) in the period,
attended, first-timers and the no-show rate. Cancelled occurrences are left out (nobody could
come); an occurrence with no attendance rows is kept, with a no-show rate of none."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from app.errors import ValidationError
from app.events.localtime import format_local
from app.reports.event_summary import visited_before
from app.reports.period import Period
from app.reports.sql import ATTENDANCE, EVENTS, for_reports, held
from app.reports.tables import ReportDocument, Table, percent

_A = ATTENDANCE


@dataclass(frozen=True)
class Occurrence:
    event_id: uuid.UUID
    start_time: datetime
    registered: int
    attended: int
    first_timers: int

    @property
    def no_shows(self) -> int:
        return self.registered - self.attended

    @property
    def no_show_rate(self) -> float | None:
        return percent(self.no_shows, self.registered)


@dataclass(frozen=True)
class SeriesTrend:
    name: str
    period: Period
    occurrences: list[Occurrence]

    def to_json(self) -> dict:
        tz = self.period.tz
        return {
            "series": self.name,
            **self.period.as_json(),
            "occurrences": [
                {
                    "eventId": str(o.event_id),
                    "date": format_local(o.start_time, tz, "%Y-%m-%d"),
                    "startTime": o.start_time.isoformat(),
                    "registered": o.registered,
                    "attended": o.attended,
                    "firstTimers": o.first_timers,
                    "noShows": o.no_shows,
                    "noShowRate": o.no_show_rate,
                }
                for o in self.occurrences
            ],
        }

    def tables(self) -> list[Table]:
        tz = self.period.tz
        rows = [
            [
                format_local(o.start_time, tz, "%Y-%m-%d %H:%M"),
                o.registered,
                o.attended,
                o.first_timers,
                o.no_shows,
                o.no_show_rate,
            ]
            for o in self.occurrences
        ]
        headers = ["Date", "Registered", "Attended", "First-timers", "No-shows", "No-show %"]
        return [Table(f"{self.name}: occurrences", headers, rows)]

    def document(self) -> ReportDocument:
        p = self.period
        return ReportDocument(
            f"Series trend: {self.name}", [f"{p.first} to {p.last}"], self.tables()
        )


def series_trend(session: Session, name: str, period: Period) -> SeriesTrend:
    for_reports(session)
    name = " ".join(str(name or "").split())
    if not name:
        raise ValidationError({"series": "Name the series (the events' name)."})

    def when(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    here = _A.c.attended.is_(True)
    query = (
        select(
            EVENTS.c.id,
            EVENTS.c.startTime,
            func.count(_A.c.id),
            when(here),
            when(and_(here, ~visited_before(_A.c.patronId, EVENTS.c.startTime))),
        )
        .select_from(EVENTS.outerjoin(_A, _A.c.eventId == EVENTS.c.id))
        .where(
            EVENTS.c.name == name,
            held(),
            EVENTS.c.startTime >= period.start,
            EVENTS.c.startTime < period.end,
        )
        .group_by(EVENTS.c.id, EVENTS.c.startTime)
        .order_by(EVENTS.c.startTime, EVENTS.c.id)
    )
    rows = session.execute(query).all()
    return SeriesTrend(
        name,
        period,
        [Occurrence(r[0], r[1], int(r[2]), int(r[3]), int(r[4])) for r in rows],
    )


@dataclass(frozen=True)
class SeriesName:
    name: str
    occurrences: int
    latest: datetime


def series_names(session: Session, *, limit: int = 500) -> list[SeriesName]:
    """The series to pick from, most recently held first (one grouped query over events)."""
    rows = session.execute(
        select(EVENTS.c.name, func.count(), func.max(EVENTS.c.startTime))
        .where(held())
        .group_by(EVENTS.c.name)
        .order_by(func.max(EVENTS.c.startTime).desc(), EVENTS.c.name)
        .limit(limit)
    ).all()
    return [SeriesName(n, int(c), latest) for n, c, latest in rows]
