"""SQL pieces the reports share, written once for both backends.

Everything a report computes is an aggregate in the database; these helpers hide the few places
where SQLite and PostgreSQL spell the same thing differently (seconds since the epoch, reading a
JSON field of the audit log) and give the reports one notion of "a visit".
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, and_, case, func, literal, or_, select, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from app.loyalty import TIER_FLOORS
from db.models import Attendance, AuditLog, Event, Loyalty, User

ATTENDANCE = Attendance.__table__
EVENTS = Event.__table__
USERS = User.__table__
LEDGER = Loyalty.__table__
AUDIT = AuditLog.__table__

# A cancelled event did not take place: its rows count nowhere (not as a visit, not as a first
# visit, not as an occurrence of its series).
CANCELLED = "cancelled"


def held(events=EVENTS):
    """The event took place (or will): every status but cancelled."""
    return events.c.status != CANCELLED


def visited(attendance=ATTENDANCE, events=EVENTS):
    """The row is a visit: attended, at an event that was not cancelled."""
    return and_(attendance.c.attended.is_(True), held(events))


class epoch_seconds(FunctionElement):
    """Whole seconds since 1970 of a UTC timestamp column (floored on both backends)."""

    type = Integer()
    inherit_cache = True
    name = "epoch_seconds"


@compiles(epoch_seconds, "postgresql")
def _epoch_pg(element, compiler, **kw):
    return f"CAST(floor(extract(epoch FROM {compiler.process(element.clauses, **kw)})) AS BIGINT)"


@compiles(epoch_seconds)
def _epoch_sqlite(element, compiler, **kw):
    # The column holds the UTC wall time as text; strftime('%s') reads it as UTC and drops
    # the fraction, which is the floor for times after 1970.
    return f"CAST(strftime('%s', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


class json_is_null(FunctionElement):
    """True when the JSON text column holds `key` with the value null (not merely absent)."""

    inherit_cache = True
    name = "json_is_null"

    def __init__(self, column, key: str):
        self.key = key
        super().__init__(column)


@compiles(json_is_null, "postgresql")
def _json_null_pg(element, compiler, **kw):
    column = compiler.process(element.clauses, **kw)
    return f"(jsonb_typeof(CAST({column} AS jsonb) -> '{element.key}') = 'null')"


@compiles(json_is_null)
def _json_null_sqlite(element, compiler, **kw):
    column = compiler.process(element.clauses, **kw)
    return f"(json_type({column}, '$.{element.key}') = 'null')"


def balance_of(patron_id_column, now: datetime):
    """A patron's balance at `now` as a correlated scalar subquery (app.loyalty's rule)."""
    return (
        select(func.coalesce(func.sum(LEDGER.c.points), 0))
        .where(
            LEDGER.c.patronId == patron_id_column,
            or_(LEDGER.c.expiresAt.is_(None), LEDGER.c.expiresAt > now),
        )
        .scalar_subquery()
    )


def tier_case(balance):
    """The tier of a balance in SQL, from app.loyalty's TIER_FLOORS (the one home of the rule)."""
    return case(
        *((balance >= floor, literal(tier)) for floor, tier in TIER_FLOORS if floor > 0),
        else_=literal(TIER_FLOORS[-1][1]),
    )


def bucket_index(column, bounds: list[datetime]):
    """Which [bounds[i], bounds[i+1]) range the timestamp falls in (None outside): one pass over
    the rows instead of a range join against a table of months. The ranges are searched as a
    balanced tree of comparisons (4 for 13 months instead of up to 26: at a million ledger
    rows the flat list of ranges cost more than reading the rows)."""
    if len(bounds) < 2:
        return literal(None)

    def tree(first: int, stop: int):  # the slots first .. stop - 1
        if stop - first == 1:
            return literal(first)
        middle = (first + stop) // 2
        return case((column < bounds[middle], tree(first, middle)), else_=tree(middle, stop))

    inside = and_(column >= bounds[0], column < bounds[-1])
    return case((inside, tree(0, len(bounds) - 1)), else_=None)


def for_reports(session: Session) -> None:
    """Tune the report's transaction: PostgreSQL's JIT compiles every big aggregate for
    seconds (3.7 s of a retention report's 9 s at 100k rows) to save milliseconds."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))
