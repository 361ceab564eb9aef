"""The demo data offer: an empty database is offered the guide's seed rows."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Event, User
from db.seed import SeedReport, seed_guide_data


def database_is_empty(session: Session) -> bool:
    """True when there is no one and nothing to check in to (a first start)."""
    return bool(session.scalar(select(~select(User.id).exists() & ~select(Event.id).exists())))


def load_demo_data(session: Session) -> SeedReport:
    return seed_guide_data(session)
