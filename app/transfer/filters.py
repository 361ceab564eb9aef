"""A safe filter syntax for exports from the command line: `column OP value`, never raw SQL.

Each filter names a real column of the table (camelCase as in the database, or the Python
snake_case name, any case) and an operator; the value is converted to the column's type and
bound as a parameter, so nothing typed on the command line ever becomes SQL text.

    column=value    equals            column!=value   differs (NULLs excluded)
    column~text     contains, any case (text columns only)
    column>value    column>=value     column<value    column<=value   (numbers and times)
    column:null     column:notnull
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Boolean, ColumnElement, Integer, Table, Uuid

from app.errors import ValidationError
from db.types import UTCDateTime

# Longest operators first so that ">=" is not read as ">" followed by "=value".
_FILTER_RE = re.compile(
    r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(!=|>=|<=|=|~|>|<|:null|:notnull)(.*)$", re.S
)
_ORDERED_OPS = (">", ">=", "<", "<=")
_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}


@dataclass(frozen=True)
class ColumnFilter:
    """One validated condition; `value` already has the column's Python type."""

    column: str  # the database column name
    op: str
    value: object = None

    def clause(self, table: Table) -> ColumnElement[bool]:
        col = table.c[self.column]
        if self.op == "=":
            return col == self.value
        if self.op == "!=":
            return col != self.value
        if self.op == "~":
            return col.icontains(self.value, autoescape=True)
        if self.op == ">":
            return col > self.value
        if self.op == ">=":
            return col >= self.value
        if self.op == "<":
            return col < self.value
        if self.op == "<=":
            return col <= self.value
        if self.op == ":null":
            return col.is_(None)
        return col.is_not(None)


def column_lookup(table: Table) -> dict[str, str]:
    """Every accepted spelling of a column name (lower-cased) -> the database column name."""
    names: dict[str, str] = {}
    for column in table.columns:
        names[column.name.lower()] = column.name
        names[_snake(column.name)] = column.name
    return names


def parse_filters(table: Table, expressions: list[str] | None) -> list[ColumnFilter]:
    """Turn `--where` strings into filters; raises ValidationError (field "where") in words."""
    filters = []
    for expression in expressions or []:
        filters.append(parse_filter(table, expression))
    return filters


def parse_filter(table: Table, expression: str) -> ColumnFilter:
    match = _FILTER_RE.match(expression or "")
    if not match:
        raise _bad(
            f"{expression!r} is not a filter; write column=value, column~text, column>value, "
            "column<value, column!=value, column:null or column:notnull"
        )
    name, op, raw = match.group(1), match.group(2), match.group(3)
    known = column_lookup(table)
    column_name = known.get(name.lower())
    if column_name is None:
        columns = ", ".join(c.name for c in table.columns)
        raise _bad(f"{table.name} has no column {name!r}; its columns are: {columns}")
    column = table.c[column_name]
    if op in (":null", ":notnull"):
        if raw.strip():
            raise _bad(f"{expression!r}: nothing may follow {op}")
        return ColumnFilter(column_name, op)
    kind = column_kind(column.type)
    if op == "~" and kind != "text":
        raise _bad(f"{column_name} is not a text column; '~' (contains) works on text only")
    if op in _ORDERED_OPS and kind not in ("int", "datetime", "text"):
        raise _bad(f"{column_name} cannot be compared with {op}; use = or !=")
    return ColumnFilter(column_name, op, _convert(column_name, kind, raw))


def column_kind(sa_type) -> str:
    """A coarse kind used to convert filter values and to format exported values."""
    if isinstance(sa_type, UTCDateTime):
        return "datetime"
    if isinstance(sa_type, Boolean):
        return "bool"
    if isinstance(sa_type, Integer):
        return "int"
    if isinstance(sa_type, Uuid):
        return "uuid"
    return "text"


def _convert(column: str, kind: str, raw: str) -> object:
    value = raw.strip() if kind != "text" else raw
    if kind == "text":
        return value
    if kind == "int":
        try:
            return int(value)
        except ValueError:
            raise _bad(f"{column} holds whole numbers; {raw!r} is not one") from None
    if kind == "bool":
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise _bad(f"{column} is true or false; {raw!r} is neither")
    if kind == "uuid":
        try:
            return uuid.UUID(value)
        except ValueError:
            raise _bad(f"{column} holds ids; {raw!r} is not a valid id") from None
    return _parse_time(column, value)


def _parse_time(column: str, value: str) -> datetime:
    """ISO 8601 date or date-time; without an offset it is taken as UTC (and said so in help)."""
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise _bad(
            f"{column} holds times; {value!r} is not an ISO date such as 2026-05-01 or "
            "2026-05-01T18:30+02:00"
        ) from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def _bad(message: str) -> ValidationError:
    return ValidationError({"where": message})
