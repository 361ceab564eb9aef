"""The demo data offer: an empty database is offered the guide's seed rows."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from db.models import Event, User
from db.seed import SeedReport, seed_guide_data


def database_is_empty(session: Session) -> bool:
    """True when there is no one and nothing to check in to (a first start)."""
    return not session.scalar(select(exists().where(User.id.isnot(None)))) and not session.scalar(
        select(exists().where(Event.id.isnot(None)))
    )


def load_demo_data(session: Session) -> SeedReport:
    return seed_guide_data(session)
