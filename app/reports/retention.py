"""Retention: of the people whose first visit fell in each local month of the period, the share
who came again within 1, 2 and 3 months (30, 60 and 90 days after the start of that first
visit). A visit is an attended row at an event that was not cancelled. Shares of recent
cohorts are "so far": their 90 days may not be over yet."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, aliased

from app.reports.period import Period
from app.reports.sql import ATTENDANCE, EVENTS, bucket_index, epoch_seconds, for_reports, visited
from app.reports.tables import ReportDocument, Table, percent

WINDOWS_DAYS = (30, 60, 90)
_DAY = 86_400


@dataclass(frozen=True)
class Cohort:
    month: str  # YYYY-MM, local
    people: int
    returned: tuple[int, int, int]  # came again within 1, 2, 3 months

    @property
    def shares(self) -> tuple[float | None, ...]:
        return tuple(percent(n, self.people) for n in self.returned)


@dataclass(frozen=True)
class Retention:
    period: Period
    cohorts: list[Cohort]

    def to_json(self) -> dict:
        return {
            **self.period.as_json(),
            "cohorts": [
                {
                    "month": c.month,
                    "people": c.people,
                    "returned1Month": c.returned[0],
                    "returned2Months": c.returned[1],
                    "returned3Months": c.returned[2],
                    "within1Month": c.shares[0],
                    "within2Months": c.shares[1],
                    "within3Months": c.shares[2],
                }
                for c in self.cohorts
            ],
        }

    def tables(self) -> list[Table]:
        headers = [
            "First visit in",
            "People",
            "Within 1 month %",
            "Within 2 months %",
            "Within 3 months %",
        ]
        rows = [[c.month, c.people, *c.shares] for c in self.cohorts]
        return [Table("Retention by month of first visit", headers, rows)]

    def document(self) -> ReportDocument:
        p = self.period
        return ReportDocument("Retention", [f"First visits {p.first} to {p.last}"], self.tables())


def retention(session: Session, period: Period) -> Retention:
    for_reports(session)
    months = period.months()
    a, e = ATTENDANCE, EVENTS
    # Everyone with a visit in the period, then all their visits in one join: the first ever
    # and the earliest after it. (A correlated "next visit" subquery per person cost 0.2 ms
    # each on PostgreSQL: 5 s at 100k rows.)
    in_period = (
        select(a.c.patronId.label("pid"))
        .select_from(e.join(a, a.c.eventId == e.c.id))
        .where(visited(a, e), e.c.startTime >= period.start, e.c.startTime < period.end)
        .group_by(a.c.patronId)
        .subquery()
    )
    a2, e2 = aliased(ATTENDANCE), aliased(EVENTS)
    visits = (
        select(
            in_period.c.pid,
            e2.c.startTime.label("t"),
            func.min(e2.c.startTime).over(partition_by=in_period.c.pid).label("first"),
        )
        .select_from(
            in_period.join(a2, a2.c.patronId == in_period.c.pid).join(e2, e2.c.id == a2.c.eventId)
        )
        .where(visited(a2, e2))
        .subquery()
    )
    firsts = (
        select(
            func.max(visits.c.first).label("first"),
            func.min(case((visits.c.t > visits.c.first, visits.c.t))).label("next"),
        )
        .group_by(visits.c.pid)
        .subquery()
    )
    next_visit = firsts.c.next
    gap = (epoch_seconds(next_visit) - epoch_seconds(firsts.c.first)).label("gap")
    cohort = bucket_index(firsts.c.first, [lo for _, lo, _ in months] + [months[-1][2]])
    # MATERIALIZED: computed once per person. Inlined, both planners copied the next-visit
    # subquery into each of the three sums (six sub-plans per person on PostgreSQL).
    members = (
        select(cohort.label("cohort"), gap)
        .select_from(firsts)
        .where(firsts.c.first >= period.start)  # no visit before the period
        .cte("members")
        .prefix_with("MATERIALIZED")
    )

    def within(days):
        return func.coalesce(
            func.sum(
                case((and_(members.c.gap.is_not(None), members.c.gap <= days * _DAY), 1), else_=0)
            ),
            0,
        )

    rows = session.execute(
        select(members.c.cohort, func.count(), *(within(d) for d in WINDOWS_DAYS)).group_by(
            members.c.cohort
        )
    ).all()
    found = {int(r[0]): r for r in rows if r[0] is not None}
    cohorts = []
    for i, (month, _lo, _hi) in enumerate(months):
        r = found.get(i)
        cohorts.append(
            Cohort(month, int(r[1]), (int(r[2]), int(r[3]), int(r[4])))
            if r
            else Cohort(month, 0, (0, 0, 0))
        )
    return Retention(period, cohorts)
