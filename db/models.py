"""The CredoPass schema: the database guide's four tables, column for column, plus our own.

Python attributes are snake_case; the database columns keep the guide's camelCase names.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Text,
    UniqueConstraint,
    false,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, validates

from db.types import UTCDateTime, UUIDType, new_id, random_uuid, utcnow

# Matches the names Drizzle gave the original database, so an adopted database and a fresh one
# carry the same constraint names.
NAMING_CONVENTION = {
    "pk": "%(table_name)s_pkey",
    "uq": "%(table_name)s_%(column_0_name)s_unique",
    "fk": "%(table_name)s_%(column_0_name)s_%(referred_table_name)s_%(referred_column_0_name)s_fk",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "ix": "ix_%(table_name)s_%(column_0_name)s",
}

EVENT_STATUSES = ("draft", "scheduled", "ongoing", "completed", "cancelled")
LOYALTY_TIERS = ("bronze", "silver", "gold", "platinum")
AUDIT_METHODS = ("scan", "search", "walk_in", "admin", "cli", "system")


def _in_list(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f'"{column}" IN ({quoted})'


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _id_column() -> Mapped[uuid.UUID]:
    return mapped_column(
        "id", UUIDType, primary_key=True, default=new_id, server_default=random_uuid()
    )


def _created_at_column() -> Mapped[datetime]:
    # The app's clock on insert; the database's for rows written by plain SQL (the migrations,
    # an administrator).
    return mapped_column(
        "createdAt", UTCDateTime, nullable=False, default=utcnow, server_default=func.now()
    )


class CreatedAt:
    """A `createdAt` column, set once on insert. Mixin columns come after the table's own."""

    created_at: Mapped[datetime] = _created_at_column()


class UpdatedAt:
    """An `updatedAt` column, set on insert and on every ORM update."""

    updated_at: Mapped[datetime] = mapped_column(
        "updatedAt",
        UTCDateTime,
        nullable=False,
        default=utcnow,
        onupdate=utcnow,
        server_default=func.now(),
    )


class Timestamps(CreatedAt, UpdatedAt):
    """`createdAt` then `updatedAt`, last in the table (the guide's users and events)."""


def normalize_email(value: str) -> str:
    """Emails are trimmed and lower-cased on write so that UNIQUE means what people expect."""
    return value.strip().lower()


class User(Timestamps, Base):
    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("email"),
        Index("idx_users_email", "email"),
        Index("idx_users_createdAt", "createdAt"),
    )

    id: Mapped[uuid.UUID] = _id_column()
    email: Mapped[str] = mapped_column("email", Text, nullable=False)
    first_name: Mapped[str] = mapped_column("firstName", Text, nullable=False)
    last_name: Mapped[str] = mapped_column("lastName", Text, nullable=False)
    phone: Mapped[str | None] = mapped_column("phone", Text, nullable=True)

    @validates("email")
    def _normalize_email(self, _key, value):
        return normalize_email(value) if isinstance(value, str) else value

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.full_name!r}>"


class Event(Timestamps, Base):
    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint(_in_list("status", EVENT_STATUSES), name="status"),
        Index("idx_events_status", "status"),
        Index("idx_events_hostId", "hostId"),
        Index("idx_events_startTime", "startTime"),
    )

    id: Mapped[uuid.UUID] = _id_column()
    name: Mapped[str] = mapped_column("name", Text, nullable=False)
    description: Mapped[str | None] = mapped_column("description", Text, nullable=True)
    status: Mapped[str] = mapped_column("status", Text, nullable=False)
    start_time: Mapped[datetime] = mapped_column("startTime", UTCDateTime, nullable=False)
    end_time: Mapped[datetime] = mapped_column("endTime", UTCDateTime, nullable=False)
    location: Mapped[str] = mapped_column("location", Text, nullable=False)
    capacity: Mapped[int | None] = mapped_column("capacity", Integer, nullable=True)
    host_id: Mapped[uuid.UUID] = mapped_column(
        "hostId", UUIDType, ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.name!r} {self.status}>"


class Attendance(Base):
    __tablename__ = "attendance"
    __table_args__ = (
        Index("idx_attendance_eventId", "eventId"),
        Index("idx_attendance_patronId", "patronId"),
        Index("idx_attendance_attended", "attended"),
        Index("idx_attendance_unique", "eventId", "patronId", unique=True),
        # Not in the guide: covering indexes for the reports (migration 0007_report_indexes).
        Index("idx_attendance_patronId_visits", "patronId", "attended", "eventId"),
        Index("idx_attendance_eventId_visits", "eventId", "attended", "patronId"),
    )

    id: Mapped[uuid.UUID] = _id_column()
    event_id: Mapped[uuid.UUID] = mapped_column(
        "eventId", UUIDType, ForeignKey("events.id", ondelete="CASCADE"), nullable=False
    )
    patron_id: Mapped[uuid.UUID] = mapped_column(
        "patronId", UUIDType, ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    attended: Mapped[bool] = mapped_column(
        "attended", Boolean, nullable=False, default=False, server_default=false()
    )
    check_in_time: Mapped[datetime | None] = mapped_column(
        "checkInTime", UTCDateTime, nullable=True
    )
    check_out_time: Mapped[datetime | None] = mapped_column(
        "checkOutTime", UTCDateTime, nullable=True
    )

    def __repr__(self) -> str:
        return (
            f"<Attendance event={self.event_id} patron={self.patron_id} attended={self.attended}>"
        )


class Loyalty(Base):
    __tablename__ = "loyalty"
    __table_args__ = (
        CheckConstraint(_in_list("tier", LOYALTY_TIERS), name="tier"),
        Index("idx_loyalty_patronId", "patronId"),
        Index("idx_loyalty_tier", "tier"),
        # Not in the guide: the reports' balance per patron (migration 0007_report_indexes).
        Index("idx_loyalty_patronId_balance", "patronId", "expiresAt", "points"),
    )

    id: Mapped[uuid.UUID] = _id_column()
    patron_id: Mapped[uuid.UUID] = mapped_column(
        "patronId", UUIDType, ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    description: Mapped[str] = mapped_column("description", Text, nullable=False)
    tier: Mapped[str | None] = mapped_column("tier", Text, nullable=True)
    points: Mapped[int | None] = mapped_column(
        "points", Integer, nullable=True, default=0, server_default=text("0")
    )
    reward: Mapped[str | None] = mapped_column("reward", Text, nullable=True)
    issued_at: Mapped[datetime] = mapped_column(
        "issuedAt", UTCDateTime, nullable=False, default=utcnow, server_default=func.now()
    )
    expires_at: Mapped[datetime | None] = mapped_column("expiresAt", UTCDateTime, nullable=True)

    def __repr__(self) -> str:
        return f"<Loyalty patron={self.patron_id} points={self.points} tier={self.tier}>"


class AuditLog(Base):
    """Every action and every refusal: the failed-scan log and "who checked this person in".

    Our own table (not in the guide). Event and patron links survive deletion of the row they
    point at as NULL, so the history of a deleted event still says what happened at the door.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        CheckConstraint(_in_list("method", AUDIT_METHODS), name="method"),
        Index("idx_audit_log_createdAt", "createdAt"),
        Index("idx_audit_log_eventId_patronId", "eventId", "patronId"),
        Index("idx_audit_log_station_createdAt", "station", "createdAt"),
    )

    id: Mapped[uuid.UUID] = _id_column()
    # Its own column, not the CreatedAt mixin: second in the table, as the guide's log reads.
    created_at: Mapped[datetime] = _created_at_column()
    station: Mapped[str] = mapped_column("station", Text, nullable=False)
    method: Mapped[str] = mapped_column("method", Text, nullable=False)
    action: Mapped[str] = mapped_column("action", Text, nullable=False)
    outcome: Mapped[str] = mapped_column("outcome", Text, nullable=False)
    event_id: Mapped[uuid.UUID | None] = mapped_column(
        "eventId", UUIDType, ForeignKey("events.id", ondelete="SET NULL"), nullable=True
    )
    patron_id: Mapped[uuid.UUID | None] = mapped_column(
        "patronId", UUIDType, ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    code: Mapped[str | None] = mapped_column("code", Text, nullable=True)
    detail: Mapped[str | None] = mapped_column("detail", Text, nullable=True)


class Setting(UpdatedAt, Base):
    """Shared settings (points per visit, undo window, PIN hash...), one row per key."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column("key", Text, primary_key=True)
    value: Mapped[str] = mapped_column("value", Text, nullable=False)


CONTACT_KINDS = ("email", "phone")
CONTACT_LABELS = ("home", "work", "mobile", "household", "other")


class PatronContact(CreatedAt, Base):
    """A patron's other emails and phones (issue 15): the second address of a Planning Center
    export, a work phone, the household address a child shares with a parent. Our own table
    (migration 0005); `users` keeps the guide's shape. `searchKey` is the value folded as the
    search folds it (email folded, phone digits reversed), so the door finds a patron by any
    of their contacts with the same range scans as `patron_search`.
    """

    __tablename__ = "patron_contacts"
    __table_args__ = (
        CheckConstraint(_in_list("kind", CONTACT_KINDS), name="kind"),
        CheckConstraint(_in_list("label", CONTACT_LABELS), name="label"),
        UniqueConstraint("patronId", "kind", "value"),
        Index("idx_patron_contacts_search", "kind", "searchKey", "patronId"),
    )

    id: Mapped[uuid.UUID] = _id_column()
    patron_id: Mapped[uuid.UUID] = mapped_column(
        "patronId", UUIDType, ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    kind: Mapped[str] = mapped_column("kind", Text, nullable=False)
    label: Mapped[str] = mapped_column("label", Text, nullable=False)
    value: Mapped[str] = mapped_column("value", Text, nullable=False)
    # "C" collation on PostgreSQL: prefix ranges compare in code-point order (see search.md).
    search_key: Mapped[str] = mapped_column(
        "searchKey", Text().with_variant(Text(collation="C"), "postgresql"), nullable=False
    )


class PatronPass(Base):
    """A patron's scannable pass code (issue 13), our own table. The current pass has no
    `replacedAt`; a reissued one keeps its row so the door can say when it was replaced."""

    __tablename__ = "patron_passes"
    __table_args__ = (
        UniqueConstraint("code"),
        Index("idx_patron_passes_patronId", "patronId"),
        # One current pass per patron, whichever writer races to issue it.
        Index(
            "uq_patron_passes_current",
            "patronId",
            unique=True,
            sqlite_where=text('"replacedAt" IS NULL'),
            postgresql_where=text('"replacedAt" IS NULL'),
        ),
    )

    id: Mapped[uuid.UUID] = _id_column()
    patron_id: Mapped[uuid.UUID] = mapped_column(
        "patronId", UUIDType, ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    code: Mapped[str] = mapped_column("code", Text, nullable=False)
    issued_at: Mapped[datetime] = mapped_column(
        "issuedAt", UTCDateTime, nullable=False, default=utcnow, server_default=func.now()
    )
    replaced_at: Mapped[datetime | None] = mapped_column("replacedAt", UTCDateTime, nullable=True)


# The patron search tables and the hook that keeps them current belong to every session that
# writes users, so they load with the models (imported last: they build on User); so do the
# station copies' change log and bookmark tables (migration 0008).
import db.change_log  # noqa: E402, F401
import db.search_index  # noqa: E402, F401
import db.station_models  # noqa: E402, F401
