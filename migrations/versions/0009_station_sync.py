"""Offline door (issue 11): the station outbox, the server's receipts and the conflict report.

- `station_outbox` is filled only in a station copy: every door action taken offline, written
  in the same SQLite transaction as the action itself, uploaded in `seq` order.
- `station_receipts` is written on the server in the same transaction as the applied action:
  a nonce the server already holds is acknowledged without effect (idempotent upload).
- `sync_conflicts` is what the time apart made wrong, for a supervisor to read. No foreign
  keys: a conflict about a deleted patron or event must outlive them.

Revision ID: 0009_station_sync
Revises: 0007_report_indexes
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.types import UTCDateTime, UUIDType

revision = "0009_station_sync"
down_revision = "0008_change_log"
branch_labels = None
depends_on = None

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


def upgrade() -> None:
    op.create_table(
        "station_outbox",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("nonce", UUIDType, nullable=False),
        sa.Column("station", sa.Text, nullable=False),
        sa.Column("method", sa.Text, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("scannedAt", UTCDateTime, nullable=False),
        sa.Column("outcome", sa.Text, nullable=False),
        sa.Column("sentAt", UTCDateTime, nullable=True),
        sa.Column("result", sa.Text, nullable=True),
        sa.UniqueConstraint("nonce", name=op.f("station_outbox_nonce_unique")),
    )
    op.create_index("idx_station_outbox_sentAt_seq", "station_outbox", ["sentAt", "seq"])
    op.create_table(
        "station_receipts",
        sa.Column("nonce", UUIDType, primary_key=True),
        sa.Column("station", sa.Text, nullable=False),
        sa.Column("method", sa.Text, nullable=False),
        sa.Column("scannedAt", UTCDateTime, nullable=False),
        sa.Column("appliedAt", UTCDateTime, nullable=False),
        sa.Column("outcome", sa.Text, nullable=False),
    )
    kinds = ", ".join(f"'{k}'" for k in CONFLICT_KINDS)
    op.create_table(
        "sync_conflicts",
        sa.Column("id", UUIDType, primary_key=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("patronId", UUIDType, nullable=True),
        sa.Column("patronName", sa.Text, nullable=True),
        sa.Column("eventId", UUIDType, nullable=True),
        sa.Column("eventName", sa.Text, nullable=True),
        sa.Column("stations", sa.Text, nullable=False),
        sa.Column("times", sa.Text, nullable=False),
        sa.Column("resolution", sa.Text, nullable=False),
        sa.Column("nonce", UUIDType, nullable=True),
        sa.Column("createdAt", UTCDateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("seenAt", UTCDateTime, nullable=True),
        sa.CheckConstraint(f'"kind" IN ({kinds})', name=op.f("ck_sync_conflicts_kind")),
    )
    op.create_index("idx_sync_conflicts_createdAt", "sync_conflicts", ["createdAt"])


def downgrade() -> None:
    op.drop_index("idx_sync_conflicts_createdAt", table_name="sync_conflicts")
    op.drop_table("sync_conflicts")
    op.drop_table("station_receipts")
    op.drop_index("idx_station_outbox_sentAt_seq", table_name="station_outbox")
    op.drop_table("station_outbox")
