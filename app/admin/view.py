"""A view of one table: sort, filters and search, turned into SQL with bound parameters only."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import Text, and_, case, cast, false, func, literal, or_, select, true
from sqlalchemy.sql import ColumnElement, Select

from app.admin.catalogue import (
    BOOLEAN,
    DATETIME,
    ENUM,
    HIDDEN_TEXT,
    INTEGER,
    SECRET_MARKER,
    UUID,
    ColumnInfo,
    TableInfo,
    sa_column,
    sa_table,
    table_info,
)
from app.errors import ValidationError

CONTAINS, EQUALS, RANGE, IS_NULL, NOT_NULL = "contains", "equals", "range", "is_null", "not_null"


@dataclass(frozen=True)
class Filter:
    column: str
    op: str
    value: object = None
    upper: object = None  # the upper bound of a RANGE (either bound may be None)


@dataclass(frozen=True)
class View:
    """What the grid shows: a table, one sort column, filters and a search text."""

    table: str
    sort: str | None = None  # None: the primary key
    descending: bool = False
    filters: tuple[Filter, ...] = field(default_factory=tuple)
    search: str = ""

    @property
    def info(self) -> TableInfo:
        return table_info(self.table)

    @property
    def sort_column(self) -> str:
        return self.sort or self.info.primary_key

    def sorted_by(self, column: str | None, descending: bool = False) -> View:
        return replace(self, sort=column, descending=descending)

    def searching(self, text: str) -> View:
        return replace(self, search=text.strip())

    def key_of(self, row: tuple) -> tuple:
        """The keyset position of a row: (sort value, primary key value)."""
        info = self.info
        return (row[info.index_of(self.sort_column)], row[info.index_of(info.primary_key)])


# What a table opens on: newest first where an index makes that as cheap as the primary key.
DEFAULT_SORT = {
    "users": ("createdAt", True),
    "events": ("startTime", True),
    "audit_log": ("createdAt", True),
}


def default_view(table: str) -> View:
    sort, descending = DEFAULT_SORT.get(table, (None, False))
    return View(table, sort=sort, descending=descending)


def column_expr(table_name: str, column_name: str) -> ColumnElement:
    """The column as the grid sees it; secret settings read as "(hidden)" even to filters."""
    column = sa_column(table_name, column_name)
    if table_name == "settings" and column_name == "value":
        key = sa_column("settings", "key")
        hidden = func.lower(key).contains(SECRET_MARKER, autoescape=True)
        return case((hidden, literal(HIDDEN_TEXT, Text)), else_=column)
    return column


def select_rows(view: View) -> Select:
    """SELECT every column of the view's table, filtered (not ordered, not limited)."""
    info = view.info
    columns = [column_expr(view.table, name).label(name) for name in info.column_names]
    return select(*columns).select_from(sa_table(view.table)).where(*where_clauses(view))


def rows_in_view_order(view: View) -> Select:
    """`select_rows` in the grid's order: what exporting the view as shown writes. Unsorted
    (the primary key) needs no ORDER BY; the grid's keyset paging does not apply here."""
    statement = select_rows(view)
    if view.sort is not None:
        order = column_expr(view.table, view.sort)
        statement = statement.order_by(order.desc() if view.descending else order)
    return statement


def where_clauses(view: View) -> list[ColumnElement]:
    clauses = [_filter_clause(view.table, flt) for flt in view.filters]
    if view.search:
        clauses.append(_search_clause(view))
    return clauses


def _like_pattern_clause(expr, text: str) -> ColumnElement:
    return expr.icontains(text, autoescape=True)


def _filter_clause(table_name: str, flt: Filter) -> ColumnElement:
    info = table_info(table_name).column(flt.column)
    expr = column_expr(table_name, flt.column)
    if flt.op == IS_NULL:
        return expr.is_(None)
    if flt.op == NOT_NULL:
        return expr.isnot(None)
    if flt.op == CONTAINS:
        if info.kind == UUID:
            return expr == coerce_value(info, flt.value)
        return _like_pattern_clause(cast(expr, Text), str(flt.value))
    if flt.op == EQUALS:
        value = coerce_value(info, flt.value)
        if info.is_text:
            return func.lower(expr) == str(value).lower()
        return expr == value
    if flt.op == RANGE:
        parts = []
        if flt.value not in (None, ""):
            parts.append(expr >= coerce_value(info, flt.value))
        if flt.upper not in (None, ""):
            parts.append(expr <= coerce_value(info, flt.upper))
        return and_(true(), *parts)
    raise ValidationError({flt.column: f"unknown filter {flt.op!r}"})


def _search_clause(view: View) -> ColumnElement:
    text = view.search
    exprs = [
        column_expr(view.table, c.name) for c in view.info.columns if c.is_text and c.kind != UUID
    ]
    if view.table == "users":
        first, last = sa_column("users", "firstName"), sa_column("users", "lastName")
        exprs.append(first + literal(" ") + last)
    return or_(false(), *(_like_pattern_clause(e, text) for e in exprs))


def coerce_value(column: ColumnInfo, value: object) -> object:
    """A typed value from what a person typed; ValidationError with a plain message if not."""
    if value is None or not isinstance(value, str):
        return value
    text = value.strip()
    try:
        if column.kind == INTEGER:
            return int(text)
        if column.kind == BOOLEAN:
            lowered = text.lower()
            if lowered in ("1", "true", "yes", "y", "t"):
                return True
            if lowered in ("0", "false", "no", "n", "f"):
                return False
            raise ValueError(text)
        if column.kind == UUID:
            return uuid.UUID(text)
        if column.kind == DATETIME:
            moment = datetime.fromisoformat(text)
            return moment if moment.tzinfo else moment.astimezone()  # typed in local time
        if column.kind == ENUM and text not in column.choices:
            raise ValueError(text)
    except ValueError:
        raise ValidationError({column.name: _expected(column)}) from None
    return value


def _expected(column: ColumnInfo) -> str:
    return {
        INTEGER: "expected a whole number",
        BOOLEAN: "expected yes or no",
        UUID: "expected an id like 123e4567-e89b-12d3-a456-426614174000",
        DATETIME: "expected a date and time like 2026-05-01 18:30",
        ENUM: "expected one of: " + ", ".join(column.choices),
    }.get(column.kind, "invalid value")
