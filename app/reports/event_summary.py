"""Event summary: who registered, who came, who was new, how full, how long people stayed.

Definitions (the README's "Reports" section says the same):
- registered: attendance rows of the event (a registration, or a row made at the door);
- attended: rows marked attended; no-shows: rows not attended;
- walk-ins: attended rows that a door check-in created, i.e. whose `check_in` audit row
  (outcome `checked_in`) records `"previous": null` - there was no registration to update;
- first-timers: attendees with no visit (attended, event not cancelled) that started earlier;
  returning: the other attendees;
- capacity use: attended / capacity, in %; none without a capacity;
- peak inside: most people inside at once, from check-in and check-out times (no check-out =
  inside until the end; a re-entry keeps its first check-in, so the row counts once);
- median stay: check-out - check-in in minutes, over the rows with both;
- arrivals per 10 local minutes, by check-in time.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from sqlalchemy import and_, case, func, literal, select, union_all
from sqlalchemy.orm import Session, aliased

from app.checkin.outcomes import Outcome
from app.errors import ValidationError
from app.events.localtime import format_local, zone
from app.reports.sql import (
    ATTENDANCE,
    AUDIT,
    EVENTS,
    epoch_seconds,
    for_reports,
    json_is_null,
    visited,
)
from app.reports.tables import ReportDocument, Table, percent

BUCKET_SECONDS = 600
_A = ATTENDANCE
_HERE = _A.c.attended.is_(True)


@dataclass(frozen=True)
class EventSummary:
    event_id: uuid.UUID
    name: str
    status: str
    start_time: datetime
    capacity: int | None
    registered: int
    attended: int
    no_shows: int
    walk_ins: int
    first_timers: int
    peak_inside: int
    median_stay_minutes: float | None
    arrivals: list[tuple[datetime, int]]  # (UTC start of the local 10-minute slot, arrivals)
    tz: tzinfo

    @property
    def returning(self) -> int:
        return self.attended - self.first_timers

    @property
    def capacity_use(self) -> float | None:
        return percent(self.attended, self.capacity)

    def to_json(self) -> dict:
        return {
            "event": {
                "id": str(self.event_id),
                "name": self.name,
                "status": self.status,
                "startTime": self.start_time.isoformat(),
                "capacity": self.capacity,
            },
            "registered": self.registered,
            "attended": self.attended,
            "noShows": self.no_shows,
            "walkIns": self.walk_ins,
            "firstTimers": self.first_timers,
            "returning": self.returning,
            "capacityUse": self.capacity_use,
            "peakInside": self.peak_inside,
            "medianStayMinutes": self.median_stay_minutes,
            "arrivalsPer10Min": [
                {"start": format_local(t, self.tz, "%Y-%m-%dT%H:%M"), "arrivals": n}
                for t, n in self.arrivals
            ],
        }

    def figures(self) -> list[tuple[str, object]]:
        use = self.capacity_use
        stay = self.median_stay_minutes
        return [
            ("Registered", self.registered),
            ("Attended", self.attended),
            ("No-shows", self.no_shows),
            ("Walk-ins", self.walk_ins),
            ("First-timers", self.first_timers),
            ("Returning", self.returning),
            ("Capacity use", "no limit" if use is None else f"{use:.1f} %"),
            ("Peak inside", self.peak_inside),
            ("Median stay", "–" if stay is None else f"{stay:.0f} min"),
        ]

    def tables(self) -> list[Table]:
        return [
            Table("Figures", ["Figure", "Value"], [[k, v] for k, v in self.figures()]),
            Table(
                "Arrivals per 10 minutes",
                ["From", "Arrivals"],
                [[format_local(t, self.tz, "%H:%M"), n] for t, n in self.arrivals],
            ),
        ]

    def document(self) -> ReportDocument:
        when = format_local(self.start_time, self.tz)
        return ReportDocument(
            f"Event summary: {self.name}", [f"{when} ({self.status})"], self.tables()
        )


def event_summary(session: Session, event_id: uuid.UUID, *, tz: tzinfo | None = None):
    for_reports(session)
    tz = zone(tz)
    event = session.execute(
        select(
            EVENTS.c.id, EVENTS.c.name, EVENTS.c.status, EVENTS.c.startTime, EVENTS.c.capacity
        ).where(EVENTS.c.id == event_id)
    ).first()
    if event is None:
        raise ValidationError({"event": "That event does not exist (any more)."})
    registered, attended, walk_ins, first_timers = session.execute(
        _counts(event.id, event.startTime)
    ).one()
    return EventSummary(
        event_id=event.id,
        name=event.name,
        status=event.status,
        start_time=event.startTime,
        capacity=event.capacity,
        registered=int(registered or 0),
        attended=int(attended or 0),
        no_shows=int(registered or 0) - int(attended or 0),
        walk_ins=int(walk_ins or 0),
        first_timers=int(first_timers or 0),
        peak_inside=int(session.execute(_peak_inside(event.id)).scalar() or 0),
        median_stay_minutes=_round(session.execute(_median_stay(event.id)).scalar()),
        arrivals=_arrivals(session, event.id, event.startTime, tz),
        tz=tz,
    )


def _round(value) -> float | None:
    return None if value is None else round(float(value), 1)


def walked_in(event_id, patron_id_column):
    """The patron's row at the event was created by a door check-in (no registration before)."""
    return (
        select(literal(1))
        .where(
            AUDIT.c.eventId == event_id,
            AUDIT.c.patronId == patron_id_column,
            AUDIT.c.action == "check_in",
            AUDIT.c.outcome == str(Outcome.CHECKED_IN),
            json_is_null(AUDIT.c.detail, "previous"),
        )
        .exists()
    )


def visited_before(patron_id_column, start: datetime | object):
    """The patron has a visit at an event that started before `start`."""
    a, e = aliased(ATTENDANCE), aliased(EVENTS)
    return (
        select(literal(1))
        .select_from(a.join(e, e.c.id == a.c.eventId))
        .where(a.c.patronId == patron_id_column, visited(a, e), e.c.startTime < start)
        .exists()
    )


def _counts(event_id, start):
    def when(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    return select(
        func.count(),
        when(_HERE),
        when(and_(_HERE, walked_in(event_id, _A.c.patronId))),
        when(and_(_HERE, ~visited_before(_A.c.patronId, start))),
    ).where(_A.c.eventId == event_id)


def _peak_inside(event_id):
    """Running sum of +1 at each check-in and -1 at each check-out; at equal times the
    departure counts first, so one person leaving as another arrives is not a peak."""
    mine = and_(_A.c.eventId == event_id, _HERE, _A.c.checkInTime.is_not(None))
    moves = union_all(
        select(_A.c.checkInTime.label("t"), literal(1).label("d")).where(mine),
        select(_A.c.checkOutTime.label("t"), literal(-1).label("d")).where(
            mine, _A.c.checkOutTime.is_not(None)
        ),
    ).subquery()
    inside = select(
        func.sum(moves.c.d).over(order_by=(moves.c.t, moves.c.d), rows=(None, 0)).label("n")
    ).subquery()
    return select(func.max(inside.c.n))


def _median_stay(event_id):
    stay = (epoch_seconds(_A.c.checkOutTime) - epoch_seconds(_A.c.checkInTime)) / 60.0
    stays = (
        select(stay.label("m"))
        .where(
            _A.c.eventId == event_id,
            _HERE,
            _A.c.checkInTime.is_not(None),
            _A.c.checkOutTime.is_not(None),
        )
        .subquery()
    )
    ranked = select(
        stays.c.m,
        func.row_number().over(order_by=stays.c.m).label("rn"),
        func.count().over().label("n"),
    ).subquery()
    # The middle one, or the mean of the middle two (integer division on both backends).
    middle = ranked.c.rn.in_([(ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2])
    return select(func.avg(ranked.c.m)).where(middle)


def _arrivals(
    session: Session, event_id, start: datetime, tz: tzinfo
) -> list[tuple[datetime, int]]:
    """Check-ins per local 10-minute slot, grouped in SQL; the slots between are filled with 0."""
    offset = int((start.astimezone(tz).utcoffset() or timedelta()).total_seconds())
    slot = ((epoch_seconds(_A.c.checkInTime) + offset) // BUCKET_SECONDS).label("slot")
    rows = session.execute(
        select(slot, func.count())
        .where(_A.c.eventId == event_id, _HERE, _A.c.checkInTime.is_not(None))
        .group_by(slot)
        .order_by(slot)
    ).all()
    if not rows:
        return []
    counts = {int(s): int(n) for s, n in rows}
    first, last = min(counts), max(counts)
    return [
        (datetime.fromtimestamp(s * BUCKET_SECONDS - offset, UTC), counts.get(s, 0))
        for s in range(first, last + 1)
    ]
