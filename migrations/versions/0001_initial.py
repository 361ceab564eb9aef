"""The CredoPass database guide's schema: users, events, attendance, loyalty.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.types import UTCDateTime, UUIDType, random_uuid

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def _id() -> sa.Column:
    return sa.Column("id", UUIDType, primary_key=True, server_default=random_uuid())


def _stamp(name: str) -> sa.Column:
    return sa.Column(name, UTCDateTime, nullable=False, server_default=sa.func.now())


def upgrade() -> None:
    op.create_table(
        "users",
        _id(),
        sa.Column("email", sa.Text, nullable=False),
        sa.Column("firstName", sa.Text, nullable=False),
        sa.Column("lastName", sa.Text, nullable=False),
        sa.Column("phone", sa.Text, nullable=True),
        _stamp("createdAt"),
        _stamp("updatedAt"),
        sa.UniqueConstraint("email", name=op.f("users_email_unique")),
    )
    op.create_index("idx_users_email", "users", ["email"])
    op.create_index("idx_users_createdAt", "users", ["createdAt"])

    op.create_table(
        "events",
        _id(),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=True),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("startTime", UTCDateTime, nullable=False),
        sa.Column("endTime", UTCDateTime, nullable=False),
        sa.Column("location", sa.Text, nullable=False),
        sa.Column("capacity", sa.Integer, nullable=True),
        sa.Column(
            "hostId",
            UUIDType,
            sa.ForeignKey("users.id", ondelete="CASCADE", name=op.f("events_hostId_users_id_fk")),
            nullable=False,
        ),
        _stamp("createdAt"),
        _stamp("updatedAt"),
        sa.CheckConstraint(
            "\"status\" IN ('draft', 'scheduled', 'ongoing', 'completed', 'cancelled')",
            name=op.f("ck_events_status"),
        ),
    )
    op.create_index("idx_events_status", "events", ["status"])
    op.create_index("idx_events_hostId", "events", ["hostId"])
    op.create_index("idx_events_startTime", "events", ["startTime"])

    op.create_table(
        "attendance",
        _id(),
        sa.Column(
            "eventId",
            UUIDType,
            sa.ForeignKey(
                "events.id", ondelete="CASCADE", name=op.f("attendance_eventId_events_id_fk")
            ),
            nullable=False,
        ),
        sa.Column(
            "patronId",
            UUIDType,
            sa.ForeignKey(
                "users.id", ondelete="CASCADE", name=op.f("attendance_patronId_users_id_fk")
            ),
            nullable=False,
        ),
        sa.Column("attended", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("checkInTime", UTCDateTime, nullable=True),
        sa.Column("checkOutTime", UTCDateTime, nullable=True),
    )
    op.create_index("idx_attendance_eventId", "attendance", ["eventId"])
    op.create_index("idx_attendance_patronId", "attendance", ["patronId"])
    op.create_index("idx_attendance_attended", "attendance", ["attended"])
    op.create_index("idx_attendance_unique", "attendance", ["eventId", "patronId"], unique=True)

    op.create_table(
        "loyalty",
        _id(),
        sa.Column(
            "patronId",
            UUIDType,
            sa.ForeignKey(
                "users.id", ondelete="CASCADE", name=op.f("loyalty_patronId_users_id_fk")
            ),
            nullable=False,
        ),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("tier", sa.Text, nullable=True),
        sa.Column("points", sa.Integer, nullable=True, server_default=sa.text("0")),
        sa.Column("reward", sa.Text, nullable=True),
        _stamp("issuedAt"),
        sa.Column("expiresAt", UTCDateTime, nullable=True),
        sa.CheckConstraint(
            "\"tier\" IN ('bronze', 'silver', 'gold', 'platinum')", name=op.f("ck_loyalty_tier")
        ),
    )
    op.create_index("idx_loyalty_patronId", "loyalty", ["patronId"])
    op.create_index("idx_loyalty_tier", "loyalty", ["tier"])


def downgrade() -> None:
    op.drop_table("loyalty")
    op.drop_table("attendance")
    op.drop_table("events")
    op.drop_table("users")
