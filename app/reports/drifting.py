"""Drifting regulars: people who came to at least 3 of the 8 occurrences of a series before its
last 3, and to none of those last 3. Occurrences are the series' events (same name) that were
not cancelled and started by the end of the period; a series with fewer than 11 has fewer than
8 before its last 3 (and with 3 or fewer, nobody can drift).

Contact details are masked (app.masking) unless a supervisor reveals them; every reveal writes
an audit row saying who asked, where, and for which list.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from app import audit
from app.events.localtime import format_local
from app.masking import display_name, mask_email, mask_phone
from app.reports.period import Period
from app.reports.sql import ATTENDANCE, EVENTS, USERS, balance_of, for_reports, held, tier_case
from app.reports.tables import ReportDocument, Table
from db.types import utcnow

RECENT = 3
BEFORE = 8
MIN_VISITS = 3
ACTION_REVEAL = "report_reveal"


@dataclass(frozen=True)
class Drifter:
    patron_id: uuid.UUID
    first_name: str
    last_name: str
    email: str
    phone: str | None
    series: str
    last_visit: datetime
    times: int
    tier: str


@dataclass(frozen=True)
class Drifting:
    series: str | None  # None: every series
    period: Period
    people: list[Drifter]
    revealed: bool = False

    def contact(self, person: Drifter) -> tuple[str, str]:
        if self.revealed:
            return person.email, person.phone or ""
        return mask_email(person.email), mask_phone(person.phone) or ""

    def name_of(self, person: Drifter) -> str:
        if self.revealed:
            return f"{person.first_name} {person.last_name}"
        return display_name(person.first_name, person.last_name)

    def to_json(self) -> dict:
        tz = self.period.tz
        people = []
        for p in self.people:
            email, phone = self.contact(p)
            people.append(
                {
                    "patronId": str(p.patron_id),
                    "name": self.name_of(p),
                    "email": email,
                    "phone": phone or None,
                    "series": p.series,
                    "lastVisit": format_local(p.last_visit, tz, "%Y-%m-%d"),
                    "times": p.times,
                    "tier": p.tier,
                }
            )
        return {
            "series": self.series,
            "to": self.period.last.isoformat(),
            "revealed": self.revealed,
            "people": people,
        }

    def tables(self) -> list[Table]:
        tz = self.period.tz
        rows = [
            [
                self.name_of(p),
                *self.contact(p),
                p.series,
                format_local(p.last_visit, tz, "%Y-%m-%d"),
                p.times,
                p.tier,
            ]
            for p in self.people
        ]
        headers = ["Name", "Email", "Phone", "Series", "Last visit", "Times", "Tier"]
        return [Table("People to call", headers, rows)]

    def document(self) -> ReportDocument:
        which = self.series or "every series"
        return ReportDocument(
            f"Drifting regulars: {which}", [f"Up to {self.period.last}"], self.tables()
        )


def drifting(
    session: Session, period: Period, *, series: str | None = None, now: datetime | None = None
) -> Drifting:
    for_reports(session)
    now = now or utcnow()
    series = " ".join(series.split()) if series else None
    until = min(period.end, now)
    conditions = [held(), EVENTS.c.startTime <= until]
    if series:
        conditions.append(EVENTS.c.name == series)
    rank = func.row_number().over(
        partition_by=EVENTS.c.name, order_by=(EVENTS.c.startTime.desc(), EVENTS.c.id)
    )
    occ = (
        select(EVENTS.c.id, EVENTS.c.name, EVENTS.c.startTime, rank.label("rn"))
        .where(*conditions)
        .cte("occ")
    )
    a = ATTENDANCE
    here = a.c.attended.is_(True)
    regulars = (
        select(
            occ.c.name,
            a.c.patronId,
            func.count().label("times"),
            func.max(occ.c.startTime).label("last"),
        )
        .select_from(occ.join(a, a.c.eventId == occ.c.id))
        .where(here, occ.c.rn > RECENT, occ.c.rn <= RECENT + BEFORE)
        .group_by(occ.c.name, a.c.patronId)
        .having(func.count() >= MIN_VISITS)
        .subquery()
    )
    recent = (
        select(literal(1))
        .select_from(occ.join(a, a.c.eventId == occ.c.id))
        .where(
            occ.c.name == regulars.c.name,
            occ.c.rn <= RECENT,
            a.c.patronId == regulars.c.patronId,
            here,
        )
        .exists()
    )
    balance = balance_of(USERS.c.id, now)
    rows = session.execute(
        select(
            USERS.c.id,
            USERS.c.firstName,
            USERS.c.lastName,
            USERS.c.email,
            USERS.c.phone,
            regulars.c.name,
            regulars.c.last,
            regulars.c.times,
            tier_case(balance),
        )
        .select_from(regulars.join(USERS, USERS.c.id == regulars.c.patronId))
        .where(~recent)
        .order_by(
            regulars.c.name, regulars.c.last.desc(), USERS.c.lastName, USERS.c.firstName, USERS.c.id
        )
    ).all()
    people = [Drifter(*r[:7], int(r[7]), r[8]) for r in rows]
    return Drifting(series, period, people)


def reveal(session: Session, report: Drifting, *, station: str, method: str) -> Drifting:
    """The same list with contact details shown; audited (who, where, which list, how many)."""
    audit.write(
        session,
        station=station,
        method=method,
        action=ACTION_REVEAL,
        outcome="revealed",
        detail={
            "report": "drifting",
            "series": report.series,
            "to": report.period.last,
            "people": len(report.people),
        },
    )
    return replace(report, revealed=True)
