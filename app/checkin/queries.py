"""Small read-only queries the check-in screen needs: which events to offer, and the headcount.

Everything returned is a plain value (no ORM objects), so the GUI thread can hold it safely.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app import settings
from app.door_window import OPEN_STATUSES, DoorWindow
from app.loyalty import tier_for
from app.masking import display_name, mask_email, mask_phone
from app.search import search_patrons
from db.models import Attendance, Event, Loyalty, User, normalize_email
from db.types import utcnow

# The picker offers the events open at the door now and those opening within these hours (a
# greeter setting up early sees the evening's event), nothing further away.
PICKER_AHEAD = timedelta(hours=12)


@dataclass(frozen=True)
class KioskEvent:
    id: uuid.UUID
    name: str
    status: str
    start_time: datetime
    end_time: datetime
    location: str
    capacity: int | None
    today: bool  # happens (at least partly) on the station's local today
    opens_at: datetime | None = None  # the door window (app.door_window)
    closes_at: datetime | None = None

    def is_open(self, now: datetime) -> bool:
        """Open at the door at `now` (the window as loaded; the engine decides at each scan)."""
        if self.closes_at is None or now > self.closes_at:
            return False
        return self.status == "ongoing" or self.opens_at is None or now >= self.opens_at

    def is_running(self, now: datetime) -> bool:
        return self.status == "ongoing" or self.start_time <= now < self.end_time


@dataclass(frozen=True)
class Headcount:
    checked_in: int  # attended rows, whether or not they left since
    inside: int  # checked in and not checked out
    capacity: int | None

    @property
    def places_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.checked_in, 0)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.checked_in >= self.capacity

    def summary(self) -> str:
        """ "312 checked in · 188 places left · 240 inside now", "Full", or without capacity."""
        parts = [f"{self.checked_in} checked in"]
        if self.is_full:
            parts.append("Full")
        elif self.places_left is not None:
            parts.append(f"{self.places_left} place{'' if self.places_left == 1 else 's'} left")
        parts.append(f"{self.inside} inside now")
        return " · ".join(parts)


def local_day_bounds(now: datetime, zone: tzinfo | None = None) -> tuple[datetime, datetime]:
    """Start and end of the local calendar day containing `now` (aware datetimes)."""
    local = now.astimezone(zone)
    start = datetime.combine(local.date(), time.min, tzinfo=local.tzinfo)
    return start, start + timedelta(days=1)


def open_events(
    session: Session, *, now: datetime | None = None, zone: tzinfo | None = None
) -> list[KioskEvent]:
    """The events the kiosk's picker offers: open at the door now, or opening within
    PICKER_AHEAD; today's first (by start time), then the others.

    `zone` is the station's time zone (default: the computer's); "today" is its calendar day.
    """
    now = now or utcnow()
    day_start, day_end = local_day_bounds(now, zone)
    before, after = settings.door_margins(session)
    # A coarse filter in SQL (the start-time index), the exact window rule below.
    reach = timedelta(minutes=before) + PICKER_AHEAD
    rows = session.scalars(
        select(Event)
        .where(
            Event.status.in_(OPEN_STATUSES),
            Event.end_time >= now - timedelta(minutes=after),
            or_(Event.status == "ongoing", Event.start_time <= now + reach),
        )
        .order_by(Event.start_time, Event.name)
    ).all()
    events = []
    for e in rows:
        window = DoorWindow(e.name, e.status, e.start_time, e.end_time, before, after)
        if not (window.is_open(now) or now < window.opens_at <= now + PICKER_AHEAD):
            continue
        events.append(
            KioskEvent(
                id=e.id,
                name=e.name,
                status=e.status,
                start_time=e.start_time,
                end_time=e.end_time,
                location=e.location,
                capacity=e.capacity,
                today=e.start_time < day_end and e.end_time > day_start,
                opens_at=window.opens_at,
                closes_at=window.closes_at,
            )
        )
    return [e for e in events if e.today] + [e for e in events if not e.today]


def default_event(events: list[KioskEvent], now: datetime | None = None) -> KioskEvent | None:
    """The event running now, else the next one today that has not ended, else None."""
    now = now or utcnow()
    today = [e for e in events if e.today and e.is_open(now)] or [e for e in events if e.today]
    running = [e for e in today if e.is_running(now)]
    if running:
        return min(running, key=lambda e: e.start_time)
    upcoming = [e for e in today if e.end_time > now]
    if upcoming:
        return min(upcoming, key=lambda e: e.start_time)
    return None


def headcount(session: Session, event_id: uuid.UUID) -> Headcount:
    capacity = session.scalar(select(Event.capacity).where(Event.id == event_id))
    checked_in, inside = session.execute(
        select(
            func.count(Attendance.id),
            func.count(Attendance.id).filter(Attendance.check_out_time.is_(None)),
        ).where(Attendance.event_id == event_id, Attendance.attended.is_(True))
    ).one()
    return Headcount(checked_in=int(checked_in), inside=int(inside), capacity=capacity)


@dataclass(frozen=True)
class PatronCard:
    """What a public screen may show of one patron: never a full email or phone."""

    id: uuid.UUID
    name: str  # "Jane S."
    email: str  # "j***@example.com"
    phone: str | None  # "•••• 7890"
    tier: str  # "gold"


def tiers_for(
    session: Session, patron_ids: list[uuid.UUID], now: datetime | None = None
) -> dict[uuid.UUID, str]:
    """Each patron's tier from the unexpired balance, in one query (the loyalty rules' sum)."""
    if not patron_ids:
        return {}
    now = now or utcnow()
    rows = session.execute(
        select(Loyalty.patron_id, func.coalesce(func.sum(Loyalty.points), 0))
        .where(
            Loyalty.patron_id.in_(patron_ids),
            or_(Loyalty.expires_at.is_(None), Loyalty.expires_at > now),
        )
        .group_by(Loyalty.patron_id)
    ).all()
    balances = {patron_id: int(total) for patron_id, total in rows}
    return {patron_id: tier_for(balances.get(patron_id, 0)) for patron_id in patron_ids}


def search_cards(session: Session, query: str, *, limit: int = 20) -> list[PatronCard]:
    """The kiosk's search: masked matches (exact first, as the search orders them) with tiers."""
    matches = search_patrons(session, query, limit=limit)
    tiers = tiers_for(session, [m.id for m in matches])
    return [
        PatronCard(
            id=m.id,
            name=m.display_name,
            email=m.masked_email,
            phone=m.masked_phone,
            tier=tiers.get(m.id, "bronze"),
        )
        for m in matches
    ]


def patron_with_email(session: Session, email: str) -> PatronCard | None:
    """The patron an email (any case, trimmed) belongs to, in public form; None if nobody."""
    if not isinstance(email, str) or "@" not in email:
        return None
    user = session.scalars(select(User).where(User.email == normalize_email(email))).first()
    if user is None:
        return None
    return PatronCard(
        id=user.id,
        name=display_name(user.first_name, user.last_name),
        email=mask_email(user.email),
        phone=mask_phone(user.phone),
        tier=tiers_for(session, [user.id])[user.id],
    )
