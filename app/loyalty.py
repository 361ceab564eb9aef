"""The loyalty ledger: awards for attendance, reversals, redemptions, balances and tiers.

Balance = sum of `points` over the patron's rows that have not expired (`expiresAt` null or in
the future). Tiers are the database guide's: bronze 0-99, silver 100-499, gold 500-999,
platinum 1000+. Every row records the tier of the balance right after it.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import bindparam, func, insert, or_, select
from sqlalchemy.orm import Session

from app import audit, settings
from app.checkin.outcomes import EventRef, Outcome, PatronRef, PatronStatus, RedeemResult, Visit
from app.errors import ValidationError
from db.loyalty_rules import TIER_FLOORS, tier_for
from db.models import Attendance, Event, Loyalty, User
from db.types import new_id, utcnow

MAX_REWARD_LENGTH = 200
RECENT_VISITS = 5

# Built once: every check-in reads a balance and writes a row (see app.checkin.door on why Core).
_LEDGER = Loyalty.__table__
_BALANCE = select(func.coalesce(func.sum(_LEDGER.c.points), 0)).where(
    _LEDGER.c.patronId == bindparam("patron_id"),
    or_(_LEDGER.c.expiresAt.is_(None), _LEDGER.c.expiresAt > bindparam("now")),
)
_INSERT = insert(_LEDGER)
# The points settings ride along with the balance: one statement per award instead of three,
# and still read afresh each time (another kiosk may change them; a cache would need a query
# of its own to notice).
_AWARD_INPUTS = select(
    settings.stored_value(settings.POINTS_PER_VISIT),
    settings.stored_value(settings.POINTS_EXPIRY_DAYS),
    _BALANCE.scalar_subquery(),
)


class LedgerRow(NamedTuple):
    """A row just written: its id, its points, and the balance its tier was computed from
    (the balance before it plus its points)."""

    id: uuid.UUID
    points: int
    balance_after: int


def next_tier(balance: int) -> tuple[str | None, int | None]:
    """(the next tier up, points still needed), or (None, None) at the top."""
    for floor, tier in reversed(TIER_FLOORS):
        if balance < floor:
            return tier, floor - balance
    return None, None


def balance(session: Session, patron_id: uuid.UUID, now: datetime | None = None) -> int:
    session.flush()  # rows the caller added through the ORM count too
    params = {"patron_id": patron_id, "now": now or utcnow()}
    return int(session.execute(_BALANCE, params).scalar() or 0)


def attendance_description(event_name: str) -> str:
    return f"Attendance at {event_name}"


def award_attendance(
    session: Session, patron_id: uuid.UUID, event_name: str, now: datetime
) -> LedgerRow | None:
    """Add the award for one transition to attended; None when the setting awards 0 points.

    An award never starts expired, so its `balance_after` is the patron's balance after it.
    """
    session.flush()  # a setting or ledger row the caller changed through the ORM counts
    params = {"patron_id": patron_id, "now": now}
    stored_points, stored_days, before = session.execute(_AWARD_INPUTS, params).one()
    points = settings.typed_value(settings.POINTS_PER_VISIT, stored_points)
    if points <= 0:
        return None
    days = settings.typed_value(settings.POINTS_EXPIRY_DAYS, stored_days)
    expires = now + timedelta(days=days) if days is not None else None
    description = attendance_description(event_name)
    return _add_row(session, patron_id, description, points, now, expires, before=int(before))


def reverse(session: Session, award: Loyalty, description: str, now: datetime) -> LedgerRow:
    """A negative row cancelling `award`; it expires with the award so balances stay even."""
    return _add_row(
        session, award.patron_id, description, -(award.points or 0), now, award.expires_at
    )


def _add_row(
    session: Session,
    patron_id: uuid.UUID,
    description: str,
    points: int,
    now: datetime,
    expires: datetime | None,
    reward: str | None = None,
    *,
    before: int | None = None,
) -> LedgerRow:
    """Add a ledger row; `before` is the patron's balance when the caller has just read it."""
    after = (balance(session, patron_id, now) if before is None else before) + points
    row = LedgerRow(new_id(), points, after)
    session.execute(
        _INSERT,
        {
            "id": row.id,
            "patronId": patron_id,
            "description": description,
            "points": points,
            "tier": tier_for(after),
            "reward": reward,
            "issuedAt": now,
            "expiresAt": expires,
        },
    )
    return row


def redeem(
    session: Session,
    patron_id: uuid.UUID,
    points: int,
    reward: str,
    *,
    station: str,
    method: str = "admin",
    now: datetime | None = None,
) -> RedeemResult:
    """Spend `points` on `reward` with negative rows; refused when the balance is short.

    Points are spent first-to-expire first. Each negative row carries the expiry of the points
    it spends, so that "balance = sum of unexpired rows" stays true after those points would
    have expired (a redemption that never expired would drive the balance below zero a year
    later). Usually that is one row; spending points from several awards makes one per award.
    """
    now = now or utcnow()
    reward_text = " ".join(str(reward or "").split())
    errors = {}
    if not isinstance(points, int) or isinstance(points, bool) or points <= 0:
        errors["points"] = "Points to redeem must be a whole number above zero."
    if not reward_text:
        errors["reward"] = "Say what the reward is."
    elif not reward_text.isprintable():  # NUL would reach PostgreSQL as a database error
        errors["reward"] = "The reward contains characters that cannot be printed."
    elif len(reward_text) > MAX_REWARD_LENGTH:
        errors["reward"] = f"Keep the reward under {MAX_REWARD_LENGTH} characters."
    if errors:
        raise ValidationError(errors)
    # Locking the patron row makes two simultaneous redemptions take turns (PostgreSQL). NO KEY
    # UPDATE (key_share) does not block the key-share locks check-ins take when they insert rows
    # pointing at this patron, so a redemption never holds up the door.
    query = select(User).where(User.id == patron_id).with_for_update(key_share=True)
    patron = session.scalars(query).first()
    if patron is None:
        raise ValidationError({"patron": "No such patron."})
    ref = patron_ref(patron)
    current = balance(session, patron.id, now)
    if current < points:
        audit.write(
            session,
            station=station,
            method=method,
            action="redeem",
            outcome=Outcome.INSUFFICIENT_POINTS,
            patron_id=patron.id,
            detail={"points": points, "reward": reward_text, "balance": current},
            now=now,
        )
        return RedeemResult(
            Outcome.INSUFFICIENT_POINTS,
            f"{patron.first_name} has {current} points; {reward_text} needs {points}",
            ref,
            0,
            current,
            tier_for(current),
            reward_text,
        )
    rows = _spend(session, patron.id, points, f"Redeemed: {reward_text}", reward_text, now)
    audit.write(
        session,
        station=station,
        method=method,
        action="redeem",
        outcome=Outcome.REDEEMED,
        patron_id=patron.id,
        detail={"points": points, "reward": reward_text, "loyalty_ids": [str(r.id) for r in rows]},
        now=now,
    )
    after = current - points
    return RedeemResult(
        Outcome.REDEEMED,
        f"{patron.first_name} redeemed {reward_text} for {points} points",
        ref,
        -points,
        after,
        tier_for(after),
        reward_text,
    )


def _spend(
    session: Session, patron_id: uuid.UUID, points: int, description: str, reward: str, now
) -> list[LedgerRow]:
    # Rows sharing an expiry form one lot: awards and the negative rows that already spent them.
    lots = session.execute(
        select(Loyalty.expires_at, func.sum(Loyalty.points))
        .where(
            Loyalty.patron_id == patron_id,
            or_(Loyalty.expires_at.is_(None), Loyalty.expires_at > now),
        )
        .group_by(Loyalty.expires_at)
    ).all()
    unspent = sorted(
        ((expires, int(left)) for expires, left in lots if left and left > 0),
        key=lambda lot: (lot[0] is None, lot[0] or now),
    )
    rows, left = [], points
    for expires, available in unspent:
        if left == 0:
            break
        take = min(available, left)
        rows.append(_add_row(session, patron_id, description, -take, now, expires, reward=reward))
        left -= take
    return rows


def patron_ref(patron: User) -> PatronRef:
    return PatronRef(patron.id, patron.first_name, patron.last_name)


def patron_status(
    session: Session, patron_id: uuid.UUID, now: datetime | None = None
) -> PatronStatus:
    """Balance, tier, points to the next tier and the latest visits of one patron."""
    now = now or utcnow()
    patron = session.get(User, patron_id)
    if patron is None:
        raise ValidationError({"patron": "No such patron."})
    current = balance(session, patron.id, now)
    upcoming, needed = next_tier(current)
    rows = session.execute(
        select(Attendance, Event)
        .join(Event, Event.id == Attendance.event_id)
        .where(Attendance.patron_id == patron.id, Attendance.attended.is_(True))
        .order_by(Attendance.check_in_time.desc().nulls_last(), Event.start_time.desc())
        .limit(RECENT_VISITS)
    ).all()
    visits = tuple(
        Visit(
            EventRef(event.id, event.name), event.start_time, row.check_in_time, row.check_out_time
        )
        for row, event in rows
    )
    return PatronStatus(patron_ref(patron), current, tier_for(current), upcoming, needed, visits)
