"""Row counts that never block: an estimate or a capped count at once, the exact one on request."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import func, literal, select, text
from sqlalchemy.orm import Session

from app.admin.catalogue import sa_table
from app.admin.view import View, select_rows, where_clauses

COUNT_CAP = 10_000
EXACT, AT_LEAST, ESTIMATE = "exact", "at_least", "estimate"


@dataclass(frozen=True)
class RowCount:
    value: int
    kind: str  # exact, at_least or estimate

    @property
    def text(self) -> str:
        if self.kind == AT_LEAST:
            return f"≥ {self.value:,}"
        if self.kind == ESTIMATE:
            return f"≈ {self.value:,}"
        return f"{self.value:,}"


def quick_count(session: Session, table: str, cap: int = COUNT_CAP) -> RowCount:
    """What the table list shows at once.

    PostgreSQL: the planner's estimate (pg_class.reltuples) when it says the table is big; a
    capped count otherwise (small tables, or never analysed). SQLite has no estimate, so it
    counts at most cap+1 rows and reports "≥ cap" beyond that.
    """
    if session.get_bind().dialect.name == "postgresql":
        estimate = session.scalar(
            text("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(:name)"),
            {"name": f'"{table}"'},
        )
        if estimate is not None and estimate > cap:
            return RowCount(int(estimate), ESTIMATE)
    return capped_count(session, View(table), cap)


def capped_count(session: Session, view: View, cap: int = COUNT_CAP) -> RowCount:
    limited = select_rows(view).with_only_columns(literal(1)).limit(cap + 1).subquery()
    found = session.scalar(select(func.count()).select_from(limited))
    return RowCount(cap, AT_LEAST) if found > cap else RowCount(found, EXACT)


def exact_count(session: Session, view: View) -> RowCount:
    query = select(func.count()).select_from(sa_table(view.table))
    return RowCount(session.scalar(query.where(*where_clauses(view))), EXACT)


def view_count(session: Session, view: View, cap: int = COUNT_CAP) -> RowCount:
    """The grid's first row count for a view, never a full count of a big table.

    Unfiltered: `quick_count`. Filtered: a capped count. Beyond the cap, PostgreSQL's planner
    estimate for the query (SQLite has none and reports "≥ cap").
    """
    if not view.filters and not view.search:
        count = quick_count(session, view.table, cap)
    else:
        count = capped_count(session, view, cap)
    if count.kind == AT_LEAST and session.get_bind().dialect.name == "postgresql":
        estimate = planner_estimate(session, view)
        if estimate is not None:
            return RowCount(max(estimate, cap + 1), ESTIMATE)
    return count


def planner_estimate(session: Session, view: View) -> int | None:
    """PostgreSQL's own guess of the rows a filtered view returns (EXPLAIN, nothing is run)."""
    connection = session.connection()
    compiled = select_rows(view).compile(dialect=connection.dialect)
    plan = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params)
    document = plan.scalar()
    if isinstance(document, str):
        document = json.loads(document)
    try:
        return int(document[0]["Plan"]["Plan Rows"])
    except (KeyError, IndexError, TypeError, ValueError):
        return None
