"""Column types and SQL functions that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator, Uuid


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> uuid.UUID:
    return uuid.uuid4()


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend.

    PostgreSQL stores `timestamp with time zone` natively. SQLite has no such type: we store the
    UTC wall time as text (which also sorts correctly) and attach UTC again when reading. Naive
    datetimes are refused on the way in, because guessing their zone is how check-in times end up
    an hour off after a daylight-saving change.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetimes are not accepted: attach a time zone first")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, str):  # raw SQLite text, e.g. from a server default
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# One UUID type for both backends: native `uuid` on PostgreSQL, 32 hex characters on SQLite.
UUIDType = Uuid(as_uuid=True)


class random_uuid(FunctionElement):
    """Server-side UUID default: the guide's `gen_random_uuid()` on PostgreSQL.

    SQLite gets random hex in the same 32-character form SQLAlchemy's Uuid type stores there, so
    a row inserted by another tool without an id still reads back as a UUID.
    """

    type = Uuid()
    inherit_cache = True
    name = "random_uuid"


@compiles(random_uuid, "postgresql")
def _random_uuid_pg(element, compiler, **kw):
    return "gen_random_uuid()"


@compiles(random_uuid)
def _random_uuid_default(element, compiler, **kw):
    return "(lower(hex(randomblob(16))))"
