"""Patron search index: folded keys beside `users`, stale marks, and the triggers that set them.

`users` keeps the guide's exact shape; see docs/design/search.md for why a side table.
The keys of the patrons already in the database are built here, so an adopted database of the
web service is searchable right after `credopass db upgrade`.

Revision ID: 0003_patron_search
Revises: 0002_audit_log_settings
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

from db.search_index import create_triggers, drop_triggers, rebuild_search_index
from db.types import UUIDType

revision = "0003_patron_search"
down_revision = "0002_audit_log_settings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "patron_search",
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column(
            "key", sa.Text().with_variant(sa.Text(collation="C"), "postgresql"), nullable=False
        ),
        sa.Column(
            "patronId",
            UUIDType,
            sa.ForeignKey(
                "users.id", ondelete="CASCADE", name=op.f("patron_search_patronId_users_id_fk")
            ),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("kind", "key", "patronId", name=op.f("patron_search_pkey")),
        sqlite_with_rowid=False,
    )
    op.create_index("idx_patron_search_patronId", "patron_search", ["patronId"])
    op.create_table(
        "patron_search_stale",
        sa.Column(
            "patronId",
            UUIDType,
            sa.ForeignKey(
                "users.id",
                ondelete="CASCADE",
                name=op.f("patron_search_stale_patronId_users_id_fk"),
            ),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("patronId", name=op.f("patron_search_stale_pkey")),
    )
    connection = op.get_bind()
    create_triggers(connection)
    rebuild_search_index(Session(bind=connection))


def downgrade() -> None:
    drop_triggers(op.get_bind())
    op.drop_table("patron_search_stale")
    op.drop_index("idx_patron_search_patronId", table_name="patron_search")
    op.drop_table("patron_search")
