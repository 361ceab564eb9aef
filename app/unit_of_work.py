"""The unit of work the GUI's worker runs, so that `ui` needs nothing from `db`.

One action = one transaction (`db.session.run_in_transaction`, which retries transient
concurrency failures); a door action runs with the door's deadlines (`door_options`): on
PostgreSQL its statements are cut after a few seconds, so a frozen server cannot hold the
door (issue 12, failure 6).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session, sessionmaker

from db.engine import door_options
from db.session import run_in_transaction

T = TypeVar("T")

__all__ = ["door_options", "run_in_transaction", "run_unit"]


def run_unit(
    sessions: sessionmaker[Session],
    action: Callable[[Session], T],
    *,
    write: bool = True,
    door: bool = False,
) -> T:
    """Run `action(session)` in one transaction; `door=True` applies the door deadlines."""
    options = door_options() if door else None
    return run_in_transaction(sessions, action, write=write, options=options)
