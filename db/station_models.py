"""The offline door's tables (migration 0009_station_sync): outbox, receipts, conflicts.

`station_outbox` lives in station copies only; `station_receipts` and `sync_conflicts` are
written on the server by the upload (app.station.upload). See docs/design/offline-sync.md.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, Index, Integer, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from db.models import Base, _in_list
from db.types import UTCDateTime, UUIDType, new_id, utcnow

CONFLICT_KINDS = (
    "double_admission",
    "over_capacity",
    "event_closed",
    "event_deleted",
    "patron_deleted",
    "walk_in_merged",
    "unknown_check_in",
    "refused",
)


class OutboxEntry(Base):
    """A door action taken on the station copy, waiting for (or done with) its upload."""

    __tablename__ = "station_outbox"
    __table_args__ = (
        UniqueConstraint("nonce"),
        Index("idx_station_outbox_sentAt_seq", "sentAt", "seq"),
    )

    seq: Mapped[int] = mapped_column("seq", Integer, primary_key=True, autoincrement=True)
    nonce: Mapped[uuid.UUID] = mapped_column("nonce", UUIDType, nullable=False)
    station: Mapped[str] = mapped_column("station", Text, nullable=False)
    method: Mapped[str] = mapped_column("method", Text, nullable=False)
    payload: Mapped[str] = mapped_column("payload", Text, nullable=False)  # JSON
    scanned_at: Mapped[datetime] = mapped_column("scannedAt", UTCDateTime, nullable=False)
    outcome: Mapped[str] = mapped_column("outcome", Text, nullable=False)  # on the copy
    sent_at: Mapped[datetime | None] = mapped_column("sentAt", UTCDateTime, nullable=True)
    result: Mapped[str | None] = mapped_column("result", Text, nullable=True)  # JSON


class StationReceipt(Base):
    """The server's proof that the action with this nonce was applied (same transaction)."""

    __tablename__ = "station_receipts"

    nonce: Mapped[uuid.UUID] = mapped_column("nonce", UUIDType, primary_key=True)
    station: Mapped[str] = mapped_column("station", Text, nullable=False)
    method: Mapped[str] = mapped_column("method", Text, nullable=False)
    scanned_at: Mapped[datetime] = mapped_column("scannedAt", UTCDateTime, nullable=False)
    applied_at: Mapped[datetime] = mapped_column("appliedAt", UTCDateTime, nullable=False)
    outcome: Mapped[str] = mapped_column("outcome", Text, nullable=False)  # JSON


class SyncConflict(Base):
    """One thing the time apart made wrong, and what the upload did about it."""

    __tablename__ = "sync_conflicts"
    __table_args__ = (
        CheckConstraint(_in_list("kind", CONFLICT_KINDS), name="kind"),
        Index("idx_sync_conflicts_createdAt", "createdAt"),
    )

    id: Mapped[uuid.UUID] = mapped_column("id", UUIDType, primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column("kind", Text, nullable=False)
    patron_id: Mapped[uuid.UUID | None] = mapped_column("patronId", UUIDType, nullable=True)
    patron_name: Mapped[str | None] = mapped_column("patronName", Text, nullable=True)
    event_id: Mapped[uuid.UUID | None] = mapped_column("eventId", UUIDType, nullable=True)
    event_name: Mapped[str | None] = mapped_column("eventName", Text, nullable=True)
    stations: Mapped[str] = mapped_column("stations", Text, nullable=False)  # JSON list
    times: Mapped[str] = mapped_column("times", Text, nullable=False)  # JSON list, ISO 8601
    resolution: Mapped[str] = mapped_column("resolution", Text, nullable=False)
    nonce: Mapped[uuid.UUID | None] = mapped_column("nonce", UUIDType, nullable=True)
    created_at: Mapped[datetime] = mapped_column(
        "createdAt", UTCDateTime, nullable=False, default=utcnow, server_default=func.now()
    )
    seen_at: Mapped[datetime | None] = mapped_column("seenAt", UTCDateTime, nullable=True)
