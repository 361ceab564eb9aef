"""What a door action returns: an outcome the view maps to a colour, plus what the banner shows.

Expected refusals (full, not open, unknown code...) are values of `Outcome`, never exceptions.
Results are frozen plain values so they can cross from the DB worker to the GUI thread safely.

    CheckInResult   returned by check_in, walk_in, check_out, register and undo_check_in
    RedeemResult    returned by loyalty.redeem
    PatronStatus    returned by loyalty.patron_status
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Outcome(StrEnum):
    # check-in / walk-in
    CHECKED_IN = "checked_in"
    ALREADY_CHECKED_IN = "already_checked_in"
    RE_ENTERED = "re_entered"
    EVENT_FULL = "event_full"
    EVENT_NOT_OPEN = "event_not_open"
    EVENT_NOT_FOUND = "event_not_found"
    NOT_FOUND = "not_found"
    # check-out
    CHECKED_OUT = "checked_out"
    NOT_CHECKED_IN = "not_checked_in"
    ALREADY_CHECKED_OUT = "already_checked_out"
    # registration (RSVP)
    REGISTERED = "registered"
    ALREADY_REGISTERED = "already_registered"
    # undo
    UNDONE = "undone"
    UNDO_NOT_ALLOWED = "undo_not_allowed"
    # loyalty
    REDEEMED = "redeemed"
    INSUFFICIENT_POINTS = "insufficient_points"

    @property
    def is_refusal(self) -> bool:
        """True when nothing was done and the person at the door needs help (CLI exit 3)."""
        return self in REFUSALS

    @property
    def is_repeat(self) -> bool:
        """True for an idempotent repeat: nothing changed, but nothing is wrong either."""
        return self in REPEATS


REFUSALS = frozenset(
    {
        Outcome.EVENT_FULL,
        Outcome.EVENT_NOT_OPEN,
        Outcome.EVENT_NOT_FOUND,
        Outcome.NOT_FOUND,
        Outcome.NOT_CHECKED_IN,
        Outcome.UNDO_NOT_ALLOWED,
        Outcome.INSUFFICIENT_POINTS,
    }
)
REPEATS = frozenset(
    {Outcome.ALREADY_CHECKED_IN, Outcome.ALREADY_CHECKED_OUT, Outcome.ALREADY_REGISTERED}
)


@dataclass(frozen=True)
class PatronRef:
    id: uuid.UUID
    first_name: str
    last_name: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def to_json(self) -> dict:
        return {"id": str(self.id), "firstName": self.first_name, "lastName": self.last_name}


@dataclass(frozen=True)
class EventRef:
    id: uuid.UUID
    name: str

    def to_json(self) -> dict:
        return {"id": str(self.id), "name": self.name}


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with its offset (our datetimes are always aware UTC)."""
    return value.isoformat() if value is not None else None


@dataclass(frozen=True)
class CheckInResult:
    """One door action's result, with everything the kiosk banner needs.

    `points` is what this action changed (10 for an award, -10 for an undo, 0 otherwise);
    `balance` and `tier` are the patron's standing after it (None when the patron is unknown).
    `existing_patron` is True when a walk-in's email matched a patron we already had.
    """

    outcome: Outcome
    message: str
    patron: PatronRef | None = None
    event: EventRef | None = None
    check_in_time: datetime | None = None
    check_out_time: datetime | None = None
    points: int = 0
    balance: int | None = None
    tier: str | None = None
    existing_patron: bool = False

    @property
    def ok(self) -> bool:
        return not self.outcome.is_refusal

    def to_json(self) -> dict:
        return {
            "outcome": self.outcome.value,
            "message": self.message,
            "patron": self.patron.to_json() if self.patron else None,
            "event": self.event.to_json() if self.event else None,
            "checkInTime": iso(self.check_in_time),
            "checkOutTime": iso(self.check_out_time),
            "points": self.points,
            "balance": self.balance,
            "tier": self.tier,
        }


@dataclass(frozen=True)
class RedeemResult:
    outcome: Outcome
    message: str
    patron: PatronRef
    points: int
    balance: int
    tier: str
    reward: str

    @property
    def ok(self) -> bool:
        return not self.outcome.is_refusal

    def to_json(self) -> dict:
        return {
            "outcome": self.outcome.value,
            "message": self.message,
            "patron": self.patron.to_json(),
            "points": self.points,
            "balance": self.balance,
            "tier": self.tier,
            "reward": self.reward,
        }


@dataclass(frozen=True)
class Visit:
    event: EventRef
    event_start: datetime
    check_in_time: datetime | None
    check_out_time: datetime | None

    def to_json(self) -> dict:
        return {
            "event": self.event.to_json(),
            "eventStart": iso(self.event_start),
            "checkInTime": iso(self.check_in_time),
            "checkOutTime": iso(self.check_out_time),
        }


@dataclass(frozen=True)
class PatronStatus:
    """Balance of unexpired points, tier, how far to the next tier, and the latest visits."""

    patron: PatronRef
    balance: int
    tier: str
    next_tier: str | None
    points_to_next_tier: int | None
    visits: tuple[Visit, ...] = field(default_factory=tuple)

    def to_json(self) -> dict:
        return {
            "patron": self.patron.to_json(),
            "balance": self.balance,
            "tier": self.tier,
            "nextTier": self.next_tier,
            "pointsToNextTier": self.points_to_next_tier,
            "visits": [visit.to_json() for visit in self.visits],
        }
