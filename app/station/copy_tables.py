"""What a station copy holds, table by table, and the SQL that moves each table's rows.

Rows travel as plain tuples in SQLite's own storage form, converted by PostgreSQL while it
reads them (UUIDs as 32 hex characters, times as UTC text), so that no Python object is built
per value and SQLite's executemany takes them as they come.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Table, Uuid

import db.change_log  # noqa: F401 - the copy's bookmark table, on the models' metadata
from db.models import Base
from db.types import UTCDateTime

# Where the rows of a table come from (see `TableSpec.scope`).
ALL_ROWS = "all"
WINDOW_EVENTS = "window_events"  # events whose door window meets the copy's period
WINDOW_ATTENDANCE = "window_attendance"  # attendance of those events
DOOR_SETTINGS = "door_settings"  # the organization settings the door rules read (no PIN)
BY_PATRON = "by_patron"  # derived rows keyed by patron: replaced as a whole per patron


@dataclass(frozen=True)
class TableSpec:
    name: str
    scope: str = ALL_ROWS

    @property
    def table(self) -> Table:
        return Base.metadata.tables[self.name]

    @property
    def columns(self) -> list[str]:
        return [c.name for c in self.table.columns]

    @property
    def key(self) -> list[str]:
        return [c.name for c in self.table.primary_key.columns]

    @property
    def row_key(self) -> str:
        """The column the change log names rows by (migration 0008's TRACKED)."""
        return "patronId" if self.scope == BY_PATRON else self.key[0]

    def is_uuid(self, column: str) -> bool:
        return isinstance(self.table.columns[column].type, Uuid)

    def pg_select(self) -> str:
        """The select list, converted to SQLite's storage form by the server."""
        return ", ".join(_pg_value(self.table, name) for name in self.columns)

    def pg_cast(self, column: str) -> str:
        return "::uuid" if self.is_uuid(column) else ""

    def sqlite_insert(self) -> str:
        names = ", ".join(_q(c) for c in self.columns)
        marks = ", ".join("?" for _ in self.columns)
        return f"INSERT INTO {_q(self.name)} ({names}) VALUES ({marks})"

    def sqlite_upsert(self) -> str:
        if self.scope == BY_PATRON:  # replaced per patron: deleted first, then inserted
            return self.sqlite_insert()
        others = [c for c in self.columns if c not in self.key]
        updates = ", ".join(f"{_q(c)} = excluded.{_q(c)}" for c in others)
        conflict = ", ".join(_q(c) for c in self.key)
        return f"{self.sqlite_insert()} ON CONFLICT ({conflict}) DO UPDATE SET {updates}"

    def unique_sets(self) -> list[list[str]]:
        """Column sets that must be unique besides the key (partial indexes left out: their
        rows are ordered instead, see `order_for_upsert`)."""
        found = [[c.name for c in u.columns] for u in self.table.constraints if _is_unique(u)]
        for index in self.table.indexes:
            if index.unique and index.dialect_options["sqlite"].get("where") is None:
                found.append([c.name for c in index.columns])
        return [cols for cols in found if cols != self.key]


def _is_unique(constraint) -> bool:
    return type(constraint).__name__ == "UniqueConstraint"


def _q(name: str) -> str:
    return f'"{name}"'


def _pg_value(table: Table, name: str) -> str:
    column_type = table.columns[name].type
    if isinstance(column_type, Uuid):
        return f"replace({_q(name)}::text, '-', '')"
    if isinstance(column_type, UTCDateTime):
        # SQLAlchemy's SQLite DateTime text: always with microseconds.
        return f"to_char({_q(name)} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
    return _q(name)


# Parents before children: the order rows are written in (deletions cascade the other way).
COPIED = (
    TableSpec("users"),
    TableSpec("events", WINDOW_EVENTS),
    TableSpec("attendance", WINDOW_ATTENDANCE),
    TableSpec("loyalty"),
    TableSpec("patron_contacts"),
    TableSpec("patron_passes"),
    TableSpec("patron_search", BY_PATRON),
    TableSpec("patron_search_stale", BY_PATRON),
    TableSpec("settings", DOOR_SETTINGS),
)
SPECS = {spec.name: spec for spec in COPIED}


def order_for_upsert(spec: TableSpec, rows: list[tuple]) -> list[tuple]:
    """A reissued pass: the replaced one is written first, so that the new current pass never
    meets the old one still current (one current pass per patron, a partial unique index)."""
    if spec.name != "patron_passes":
        return rows
    replaced = spec.columns.index("replacedAt")
    return sorted(rows, key=lambda row: row[replaced] is None)
