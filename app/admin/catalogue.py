"""What the data studio knows about each table, read from the models' metadata.

Columns are described by kind (text, integer, boolean, datetime, uuid, enum) so that the UI can
pick an editor and the query builder a filter, without either of them touching SQLAlchemy types.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Boolean, Integer, Table

from db.models import (
    CONTACT_KINDS,
    CONTACT_LABELS,
    EVENT_STATUSES,
    LOYALTY_TIERS,
    Attendance,
    AuditLog,
    Base,
    Event,
    Loyalty,
    PatronContact,
    PatronPass,
    Setting,
    User,
)
from db.types import UTCDateTime

TEXT, INTEGER, BOOLEAN, DATETIME, UUID, ENUM = (
    "text",
    "integer",
    "boolean",
    "datetime",
    "uuid",
    "enum",
)

# Columns the database fills in by itself; shown, never typed by hand. A contact's searchKey is
# worked out from its kind and value on every write (app.admin.validate).
_AUTOMATIC = {"createdAt", "updatedAt", "searchKey"}
_ENUMS = {
    ("events", "status"): EVENT_STATUSES,
    ("loyalty", "tier"): LOYALTY_TIERS,
    ("patron_contacts", "kind"): CONTACT_KINDS,
    ("patron_contacts", "label"): CONTACT_LABELS,
}
# The audit log is evidence: it is browsed and queried here, never edited or deleted. Passes
# are browsed only: a pass is reissued with `credopass pass reissue` (or the Pass dialog), which
# keeps the old code's row to say "replaced on …" at the door and audits the change.
_READ_ONLY_TABLES = {"audit_log", "patron_passes"}
# Secrets in the settings table (the admin PIN hash): the value is never shown nor searchable.
SECRET_MARKER = "pin"
HIDDEN_TEXT = "(hidden)"

_MODELS = {
    m.__tablename__: m
    for m in (User, Event, Attendance, Loyalty, AuditLog, Setting, PatronContact, PatronPass)
}
TABLE_ORDER = (
    "users",
    "events",
    "attendance",
    "loyalty",
    "audit_log",
    "settings",
    "patron_contacts",
    "patron_passes",
)
TITLES = {
    "users": "Users",
    "events": "Events",
    "attendance": "Attendance",
    "loyalty": "Loyalty",
    "audit_log": "Audit log",
    "settings": "Settings",
    "patron_contacts": "Contacts",
    "patron_passes": "Passes",
}


@dataclass(frozen=True)
class ColumnInfo:
    name: str  # the database column name (camelCase, as in the guide)
    kind: str
    nullable: bool
    primary_key: bool = False
    references: str | None = None  # referenced table name for foreign keys
    choices: tuple[str, ...] = ()
    editable: bool = True

    @property
    def is_text(self) -> bool:
        return self.kind in (TEXT, ENUM)


@dataclass(frozen=True)
class TableInfo:
    name: str
    title: str
    columns: tuple[ColumnInfo, ...]
    primary_key: str
    read_only: bool = False

    def column(self, name: str) -> ColumnInfo:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def index_of(self, name: str) -> int:
        return self.column_names.index(name)


def _kind(table_name: str, column) -> str:
    if (table_name, column.name) in _ENUMS:
        return ENUM
    if isinstance(column.type, UTCDateTime):
        return DATETIME
    if isinstance(column.type, Boolean):
        return BOOLEAN
    if isinstance(column.type, Integer):
        return INTEGER
    if column.type.__class__.__name__ == "Uuid":
        return UUID
    return TEXT


def _describe(table: Table) -> TableInfo:
    columns = []
    for column in table.columns:
        fk = next(iter(column.foreign_keys), None)
        columns.append(
            ColumnInfo(
                name=column.name,
                kind=_kind(table.name, column),
                nullable=bool(column.nullable),
                primary_key=column.primary_key,
                references=fk.column.table.name if fk is not None else None,
                choices=_ENUMS.get((table.name, column.name), ()),
                editable=not column.primary_key and column.name not in _AUTOMATIC,
            )
        )
    (pk,) = [c.name for c in table.primary_key.columns]
    return TableInfo(
        name=table.name,
        title=TITLES[table.name],
        columns=tuple(columns),
        primary_key=pk,
        read_only=table.name in _READ_ONLY_TABLES,
    )


_CATALOGUE = {name: _describe(Base.metadata.tables[name]) for name in TABLE_ORDER}


def tables() -> tuple[TableInfo, ...]:
    return tuple(_CATALOGUE[name] for name in TABLE_ORDER)


def table_info(name: str) -> TableInfo:
    try:
        return _CATALOGUE[name]
    except KeyError:
        raise KeyError(f"unknown table {name!r}") from None


def sa_table(name: str) -> Table:
    return Base.metadata.tables[table_info(name).name]


def sa_column(table_name: str, column_name: str):
    for column in sa_table(table_name).columns:
        if column.name == column_name:
            return column
    raise KeyError(f"{table_name} has no column {column_name!r}")


def is_secret_setting(key: str) -> bool:
    return SECRET_MARKER in key.lower()
