"""Synthetic data at scale: `generate(engine, Sizes(...))` fills a migrated, empty database.

Used by `credopass db generate` and the benchmarks. See plan.py for what the rows look like and
load.py for how they are written.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import TextIO

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.orm import Session

from db.gc_pause import gc_paused
from db.models import Attendance, AuditLog, Event, Loyalty, User
from db.search_index import (
    create_triggers,
    drop_triggers,
    rebuild_search_index,
    refresh_search_index,
)
from db.synthetic.load import load
from db.synthetic.plan import (
    ATTENDANCE_COLUMNS,
    EVENT_COLUMNS,
    LOYALTY_COLUMNS,
    USER_COLUMNS,
    Plan,
    PlanError,
    Sizes,
)
from db.synthetic.progress import Progress
from db.types import utcnow

__all__ = ["DatabaseNotEmpty", "GenerateReport", "PlanError", "Sizes", "generate"]


class DatabaseNotEmpty(Exception):
    """Generating into a database that already holds data needs an explicit --append."""


@dataclass(frozen=True)
class GenerateReport:
    patrons: int
    events: int
    attendance: int
    awards: int
    seconds: float  # everything, search keys included
    cpu_seconds: float  # of this process (a PostgreSQL server's work is not in it)
    search_seconds: float  # building the patrons' search keys after the load

    @property
    def message(self) -> str:
        return (
            f"Generated {self.patrons:,} patrons, {self.events:,} events, "
            f"{self.attendance:,} attendance rows and {self.awards:,} loyalty awards "
            f"in {self.seconds:.1f} s (search keys {self.search_seconds:.1f} s of it; "
            f"{self.cpu_seconds:.1f} s of CPU here)."
        )


def existing_rows(engine: Engine) -> dict[str, int]:
    """Rows already in the tables the generator writes to (and the check-in log)."""
    with engine.connect() as connection:
        return {
            model.__tablename__: connection.scalar(select(func.count()).select_from(model))
            for model in (User, Event, Attendance, Loyalty, AuditLog)
        }


def generate(
    engine: Engine,
    sizes: Sizes,
    *,
    now: datetime | None = None,
    append: bool = False,
    progress_stream: TextIO | None = None,
) -> GenerateReport:
    """Write the data set for `sizes` (see Plan) in one transaction; refuse a non-empty database
    unless `append`. Raises PlanError for sizes that cannot be satisfied, before writing."""
    started, cpu_started = time.perf_counter(), time.process_time()
    counts = existing_rows(engine)
    if any(counts.values()) and not append:
        held = ", ".join(f"{n:,} {table}" for table, n in counts.items() if n)
        raise DatabaseNotEmpty(
            f"the database already holds data ({held}); add --append to add to it, "
            "or empty it first with `credopass db reset --yes`"
        )
    salt = ",".join(str(n) for n in counts.values()) if any(counts.values()) else ""
    plan = Plan(sizes, now or utcnow(), email_offset=counts["users"], salt=salt)
    awards = 0

    def award_batches():
        nonlocal awards
        progress.total = progress.done + plan.award_count  # now known exactly
        for batch in plan.loyalty_batches():
            awards += len(batch)
            yield batch

    # The number of awards (one per attended row) is known once attendance is generated.
    progress = Progress(sizes.patrons + sizes.events + 2 * sizes.attendance, progress_stream)
    tables = [
        ("users", USER_COLUMNS, plan.patron_batches),
        ("events", EVENT_COLUMNS, lambda: [plan.event_rows()]),
        ("attendance", ATTENDANCE_COLUMNS, plan.attendance_batches),
        ("loyalty", LOYALTY_COLUMNS, award_batches),
    ]
    empty = not any(counts.values())
    search_seconds = 0.0

    def without_triggers(connection: Connection) -> None:
        # Into empty tables the keys are built from scratch below, in the same transaction:
        # the triggers' stale marks for a million new patrons would only be written to be
        # deleted again. They are back before the commit.
        drop_triggers(connection)

    def build_keys(connection: Connection) -> None:
        nonlocal search_seconds
        progress.phase("search keys")
        started_keys = time.perf_counter()
        session = Session(bind=connection)
        try:
            if empty:
                rebuild_search_index(session)
                create_triggers(connection)
            else:  # the triggers noted the new patrons as stale
                refresh_search_index(session)
        finally:
            session.close()
        search_seconds = time.perf_counter() - started_keys

    with gc_paused():
        load(
            engine,
            tables,
            progress,
            empty=empty,
            before=without_triggers if empty else None,
            after=build_keys,
        )
    progress.finish()
    return GenerateReport(
        sizes.patrons,
        sizes.events,
        sizes.attendance,
        awards,
        time.perf_counter() - started,
        time.process_time() - cpu_started,
        search_seconds,
    )
