"""Our own tables beside the guide's: the audit log and shared settings.

Revision ID: 0002_audit_log_settings
Revises: 0001_initial
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.types import UTCDateTime, UUIDType, random_uuid

revision = "0002_audit_log_settings"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", UUIDType, primary_key=True, server_default=random_uuid()),
        sa.Column("createdAt", UTCDateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("station", sa.Text, nullable=False),
        sa.Column("method", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("outcome", sa.Text, nullable=False),
        sa.Column(
            "eventId",
            UUIDType,
            sa.ForeignKey(
                "events.id", ondelete="SET NULL", name=op.f("audit_log_eventId_events_id_fk")
            ),
            nullable=True,
        ),
        sa.Column(
            "patronId",
            UUIDType,
            sa.ForeignKey(
                "users.id", ondelete="SET NULL", name=op.f("audit_log_patronId_users_id_fk")
            ),
            nullable=True,
        ),
        sa.Column("code", sa.Text, nullable=True),
        sa.Column("detail", sa.Text, nullable=True),
        sa.CheckConstraint(
            "\"method\" IN ('scan', 'search', 'walk_in', 'admin', 'cli', 'system')",
            name=op.f("ck_audit_log_method"),
        ),
    )
    op.create_index("idx_audit_log_createdAt", "audit_log", ["createdAt"])
    op.create_index("idx_audit_log_eventId_patronId", "audit_log", ["eventId", "patronId"])
    op.create_index("idx_audit_log_station_createdAt", "audit_log", ["station", "createdAt"])

    op.create_table(
        "settings",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("updatedAt", UTCDateTime, nullable=False, server_default=sa.func.now()),
    )


def downgrade() -> None:
    op.drop_table("settings")
    op.drop_table("audit_log")
