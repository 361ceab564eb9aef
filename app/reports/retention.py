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
    firsts = _first_and_next(session, period)
    gap = (epoch_seconds(firsts.c.next) - epoch_seconds(firsts.c.first)).label("gap")
    cohort = bucket_index(firsts.c.first, [lo for _, lo, _ in months] + [months[-1][2]])
    # MATERIALIZED: computed once per person. Inlined, both planners copied the next-visit
    # expression into each of the three sums.
    members = select(cohort.label("cohort"), gap).cte("members").prefix_with("MATERIALIZED")

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


def _visits():
    a, e = aliased(ATTENDANCE), aliased(EVENTS)
    return (
        select(a.c.patronId.label("pid"), e.c.startTime.label("t"))
        .select_from(a.join(e, e.c.id == a.c.eventId))
        .where(visited(a, e))
    )


def _first_and_next(session: Session, period: Period):
    """(pid, first, next) of everyone whose first visit ever falls in the period: one grouped
    pass over all visits (no sort: no window over a million rows), then the next visit only
    for people with two or more. SQLite looks it up per person through the covering index on
    (patronId, attended, eventId); PostgreSQL hash-joins the visits back once (a sub-plan per
    person cost it 0.13 ms each)."""
    v = _visits().subquery()
    firsts = (
        select(v.c.pid, func.min(v.c.t).label("first"), func.count().label("n"))
        .group_by(v.c.pid)
        .having(func.min(v.c.t) >= period.start, func.min(v.c.t) < period.end)
        .cte("firsts")
        .prefix_with("MATERIALIZED")
    )
    if session.get_bind().dialect.name == "sqlite":
        v2 = _visits().subquery()
        following = (
            select(func.min(v2.c.t))
            .where(v2.c.pid == firsts.c.pid, v2.c.t > firsts.c.first)
            .scalar_subquery()
        )
        nxt = case((firsts.c.n >= 2, following))
        return select(firsts.c.pid, firsts.c.first, nxt.label("next")).subquery()
    v2 = _visits().subquery()
    following = (
        select(v2.c.pid, func.min(v2.c.t).label("next"))
        .select_from(v2.join(firsts, firsts.c.pid == v2.c.pid))
        .where(firsts.c.n >= 2, v2.c.t > firsts.c.first)
        .group_by(v2.c.pid)
        .subquery()
    )
    return (
        select(firsts.c.pid, firsts.c.first, following.c.next)
        .select_from(firsts.outerjoin(following, following.c.pid == firsts.c.pid))
        .subquery()
    )
