"""Patron passes (issue 13): the short code on a patron's QR pass, and the codes it replaced.

Revision ID: 0006_patron_passes
Revises: 0005_patron_contacts
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.types import UTCDateTime, UUIDType, random_uuid

revision = "0006_patron_passes"
down_revision = "0005_patron_contacts"
branch_labels = None
depends_on = None

_CURRENT = sa.text('"replacedAt" IS NULL')


def upgrade() -> None:
    op.create_table(
        "patron_passes",
        sa.Column("id", UUIDType, primary_key=True, server_default=random_uuid()),
        sa.Column(
            "patronId",
            UUIDType,
            sa.ForeignKey(
                "users.id", ondelete="CASCADE", name=op.f("patron_passes_patronId_users_id_fk")
            ),
            nullable=False,
        ),
        sa.Column("code", sa.Text, nullable=False),
        sa.Column("issuedAt", UTCDateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("replacedAt", UTCDateTime, nullable=True),
        sa.UniqueConstraint("code", name=op.f("patron_passes_code_unique")),
    )
    op.create_index("idx_patron_passes_patronId", "patron_passes", ["patronId"])
    op.create_index(
        "uq_patron_passes_current",
        "patron_passes",
        ["patronId"],
        unique=True,
        sqlite_where=_CURRENT,
        postgresql_where=_CURRENT,
    )


def downgrade() -> None:
    op.drop_index("uq_patron_passes_current", table_name="patron_passes")
    op.drop_index("idx_patron_passes_patronId", table_name="patron_passes")
    op.drop_table("patron_passes")
