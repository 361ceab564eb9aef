"""Name badges printed at check-in: what is on them, their three layouts, and pickup codes.

A children's event (listed in the setting `badge_pickup_events`) gets a pickup/security code
printed twice, on the child's badge and on the parent's stub; a person never gets the same
code twice on one day, so yesterday's stub cannot collect a child today. Each printed badge
is an audit row (action `badge`), which is also where the day's used codes are read from.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import audit, loyalty, settings
from app.checkin.identify import identify
from app.errors import ValidationError
from app.passes.cards import PAPER
from app.passes.layout import CutLine, Page
from db.models import AuditLog, Event
from db.types import utcnow

ACTION_BADGE = "badge"
LAYOUT_A6, LAYOUT_LABEL, LAYOUT_SHEET = "A6 badge", "62 mm label", "Letter/A4 sheet of 8"
LAYOUTS = (LAYOUT_A6, LAYOUT_LABEL, LAYOUT_SHEET)
LAYOUT_KEY, PAPER_KEY, PICKUP_EVENTS_KEY = "badge_layout", "badge_paper", "badge_pickup_events"
PICKUP_DIGITS = 4


@dataclass(frozen=True)
class Badge:
    first_name: str
    last_name: str
    event_name: str
    event_date: str
    tier: str
    pickup_code: str | None = None


# -- settings -------------------------------------------------------------------------------------


def badge_layout(session: Session) -> str:
    value = settings.get_text(session, LAYOUT_KEY)
    return value if value in LAYOUTS else LAYOUT_A6


def badge_paper(session: Session) -> str:
    value = settings.get_text(session, PAPER_KEY)
    return value if value in PAPER else "A4"


def set_badge_layout(session: Session, layout: str, paper: str = "A4") -> None:
    if layout not in LAYOUTS:
        raise ValidationError({"layout": f"Choose one of: {', '.join(LAYOUTS)}."})
    if paper not in PAPER:
        raise ValidationError({"paper": f"Choose one of: {', '.join(PAPER)}."})
    settings.set_text(session, LAYOUT_KEY, layout)
    settings.set_text(session, PAPER_KEY, paper)


def pickup_events(session: Session) -> set[str]:
    return {v for v in (settings.get_text(session, PICKUP_EVENTS_KEY) or "").split(",") if v}


def set_pickup_event(session: Session, event_id: uuid.UUID, on: bool) -> None:
    """Mark (or unmark) an event as a children's event whose badges carry a pickup code."""
    events = pickup_events(session)
    (events.add if on else events.discard)(str(event_id))
    settings.set_text(session, PICKUP_EVENTS_KEY, ",".join(sorted(events)))


# -- a badge for one check-in ---------------------------------------------------------------------


def badge_for(
    session: Session,
    event_id: uuid.UUID,
    patron_id: uuid.UUID,
    *,
    station: str,
    method: str,
    now: datetime | None = None,
) -> Badge:
    """The badge for a patron at an event, its pickup code chosen now (and audited)."""
    now = now or utcnow()
    event = session.get(Event, event_id)
    patron = identify(session, patron_id) if event is not None else None
    if event is None or patron is None:
        raise ValidationError({"badge": "That patron or event no longer exists."})
    pickup = None
    if str(event.id) in pickup_events(session):
        pickup = _fresh_pickup_code(session, patron.id, now)
    tier = loyalty.tier_for(loyalty.balance(session, patron.id, now))
    audit.write(
        session,
        station=station,
        method=method,
        action=ACTION_BADGE,
        outcome="printed",
        event_id=event.id,
        patron_id=patron.id,
        detail={"pickup": pickup} if pickup else None,
        now=now,
    )
    start = event.start_time.astimezone()
    return Badge(
        patron.first_name, patron.last_name, event.name, f"{start:%a %d %b %Y}", tier, pickup
    )


def _fresh_pickup_code(session: Session, patron_id: uuid.UUID, now: datetime) -> str:
    day_start = now.astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
    rows = session.scalars(
        select(AuditLog.detail).where(
            AuditLog.patron_id == patron_id,
            AuditLog.action == ACTION_BADGE,
            AuditLog.created_at >= day_start,
            AuditLog.created_at < day_start + timedelta(days=1),
        )
    )
    used = {audit.detail_of(AuditLog(detail=d)).get("pickup") for d in rows}
    while True:
        code = f"{secrets.randbelow(10**PICKUP_DIGITS):0{PICKUP_DIGITS}d}"
        if code not in used:
            return code


# -- layouts --------------------------------------------------------------------------------------


def badge_page(badge: Badge, layout: str = LAYOUT_A6, paper: str = "A4", slot: int = 0) -> Page:
    """One page holding `badge`: an A6 card, a 62 mm label, or slot `slot` of a sheet of 8.
    With a pickup code, the bottom part is the parent's stub, behind a cut line."""
    if layout == LAYOUT_LABEL:
        page = Page(62, 100 if badge.pickup_code else 70)
        _draw_badge(page, 0, 0, 62, page.height, badge, scale=0.7, stub=30)
    elif layout == LAYOUT_SHEET:
        width, height = PAPER[paper]
        cell_w, cell_h = (width - 20) / 2, (height - 20) / 4
        page = Page(width, height)
        x, y = 10 + (slot % 2) * cell_w, 10 + (slot // 2 % 4) * cell_h
        page.items.append(CutLine(x, y, cell_w, cell_h))
        _draw_badge(page, x, y, cell_w, cell_h, badge, scale=0.75, stub=cell_h * 0.28)
    else:
        page = Page(105, 148)
        _draw_badge(page, 0, 0, 105, 148, badge, scale=1.0, stub=40)
    return page


def _draw_badge(page: Page, x, y, width, height, badge: Badge, *, scale: float, stub: float):
    m = 5 * scale
    inner = width - 2 * m
    body = height - stub if badge.pickup_code else height
    pickup = f"Pickup code {badge.pickup_code}"
    lines = [
        (0.30, badge.first_name, 44, True),
        (0.15, badge.last_name, 20, False),
        (0.13, badge.event_name, 12, True),
        (0.10, badge.event_date, 11, False),
        (0.10, badge.tier.capitalize(), 11, False),
    ]
    if badge.pickup_code:
        lines.append((0.15, pickup, 14, True))
    top = y + m
    for share, text, size, bold in lines:
        h = (body - 2 * m) * share
        page.text(x + m, top, inner, h, text, size * scale, bold=bold)
        top += h
    if not badge.pickup_code:
        return
    stub_top = y + body
    page.items.append(CutLine(x, stub_top, width, stub))
    name = f"Parent's stub: {badge.first_name} {badge.last_name}"
    page.text(x + m, stub_top + m / 2, inner, stub / 2 - m / 2, name, 10 * scale)
    page.text(x + m, stub_top + stub / 2, inner, stub / 2 - m / 2, pickup, 16 * scale, bold=True)
