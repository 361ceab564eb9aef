"""Loyalty: members per tier, points issued / redeemed / expired per local month, and the top 20
by balance. A member is a patron with at least one ledger row; balances and tiers follow
app.loyalty (rows not yet expired). Issued = points of rows without a reward (attendance awards,
less the reversals an undo wrote); redeemed = points spent on rewards; expired = points of rows
whose expiry fell in the month (and has passed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from app.loyalty import TIER_FLOORS
from app.masking import display_name, mask_email
from app.reports.period import Period
from app.reports.sql import LEDGER, USERS, bucket_index, for_reports, tier_case
from app.reports.tables import ReportDocument, Table
from db.types import utcnow

TOP = 20
TIERS = tuple(tier for _floor, tier in reversed(TIER_FLOORS))  # bronze first


@dataclass(frozen=True)
class LoyaltyReport:
    period: Period
    tiers: dict[str, int]
    months: list[tuple[str, int, int, int]]  # (YYYY-MM, issued, redeemed, expired)
    top: list[tuple]  # (patron id, first, last, email, balance, tier)

    def to_json(self) -> dict:
        return {
            **self.period.as_json(),
            "tiers": self.tiers,
            "months": [
                {"month": m, "issued": i, "redeemed": r, "expired": x} for m, i, r, x in self.months
            ],
            "top": [
                {
                    "patronId": str(pid),
                    "name": display_name(first, last),
                    "email": mask_email(email),
                    "balance": balance,
                    "tier": tier,
                }
                for pid, first, last, email, balance, tier in self.top
            ],
        }

    def tables(self) -> list[Table]:
        return [
            Table("Members per tier", ["Tier", "Members"], [[t, n] for t, n in self.tiers.items()]),
            Table(
                "Points per month",
                ["Month", "Issued", "Redeemed", "Expired"],
                [list(m) for m in self.months],
            ),
            Table(
                f"Top {TOP} by balance",
                ["Name", "Email", "Balance", "Tier"],
                [[display_name(f, la), mask_email(e), b, t] for _p, f, la, e, b, t in self.top],
            ),
        ]

    def document(self) -> ReportDocument:
        p = self.period
        return ReportDocument("Loyalty", [f"{p.first} to {p.last}"], self.tables())


def loyalty_report(session: Session, period: Period, *, now: datetime | None = None):
    for_reports(session)
    now = now or utcnow()
    live = or_(LEDGER.c.expiresAt.is_(None), LEDGER.c.expiresAt > now)
    # One pass over the ledger for both the tiers and the top 20: the balances are
    # materialized once, counted per tier (uncorrelated, so computed once) and ranked.
    balances = (
        select(
            LEDGER.c.patronId.label("pid"),
            func.coalesce(func.sum(case((live, LEDGER.c.points), else_=0)), 0).label("balance"),
        )
        .group_by(LEDGER.c.patronId)
        .cte("balances")
        .prefix_with("MATERIALIZED")
    )
    counts = [
        select(func.count())
        .select_from(balances)
        .where(tier_case(balances.c.balance) == tier)
        .scalar_subquery()
        .label(tier)
        for tier in TIERS
    ]
    ranked = (
        select(balances.c.pid, balances.c.balance)
        .order_by(balances.c.balance.desc(), balances.c.pid)
        .limit(TOP)
        .subquery()
    )
    rows = session.execute(
        select(
            USERS.c.id,
            USERS.c.firstName,
            USERS.c.lastName,
            USERS.c.email,
            ranked.c.balance,
            tier_case(ranked.c.balance),
            *counts,
        )
        .select_from(ranked.join(USERS, USERS.c.id == ranked.c.pid))
        .order_by(ranked.c.balance.desc(), USERS.c.id)
    ).all()
    # No ledger rows at all: no top, and every tier has 0 members.
    tiers = {t: int(rows[0][6 + i]) if rows else 0 for i, t in enumerate(TIERS)}
    top = [r[:6] for r in rows]
    return LoyaltyReport(
        period,
        tiers,
        _months(session, period, now),
        [(r[0], r[1], r[2], r[3], int(r[4]), r[5]) for r in top],
    )


def _months(session: Session, period: Period, now: datetime) -> list[tuple[str, int, int, int]]:
    months = period.months()
    bounds = [lo for _, lo, _ in months] + [months[-1][2]]
    points = func.coalesce(LEDGER.c.points, 0)

    def monthly(column, amounts, *where) -> dict[int, list[int]]:
        """Sums per month slot of `column`, all `amounts` in one pass over the ledger."""
        slot = bucket_index(column, bounds).label("slot")
        sums = [func.coalesce(func.sum(amount), 0) for amount in amounts]
        rows = session.execute(
            select(slot, *sums)
            .where(column >= period.start, column < period.end, *where)
            .group_by(slot)
        ).all()
        return {int(r[0]): [int(v) for v in r[1:]] for r in rows if r[0] is not None}

    rewarded = LEDGER.c.reward.is_not(None)
    spent = monthly(
        LEDGER.c.issuedAt, [case((rewarded, 0), else_=points), case((rewarded, -points), else_=0)]
    )
    gone = monthly(LEDGER.c.expiresAt, [points], LEDGER.c.expiresAt <= now)
    issued = {i: v[0] for i, v in spent.items()}
    redeemed = {i: v[1] for i, v in spent.items()}
    expired = {i: v[0] for i, v in gone.items()}
    return [
        (m, issued.get(i, 0), redeemed.get(i, 0), expired.get(i, 0))
        for i, (m, _lo, _hi) in enumerate(months)
    ]
