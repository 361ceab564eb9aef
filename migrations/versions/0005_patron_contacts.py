"""Secondary contacts: a patron's other emails and phones, each with a label (issue 15).

The guide's four tables keep their shape; this table sits beside `users`. `searchKey` is
written by the app (the value folded as the door's search folds it), and the index on
(kind, searchKey, patronId) is the B-tree the door's prefix search walks.

Revision ID: 0005_patron_contacts
Revises: 0004_search_keys_written
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.types import UTCDateTime, UUIDType, random_uuid

revision = "0005_patron_contacts"
down_revision = "0004_search_keys_written"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "patron_contacts",
        sa.Column("id", UUIDType, primary_key=True, server_default=random_uuid()),
        sa.Column(
            "patronId",
            UUIDType,
            sa.ForeignKey(
                "users.id", ondelete="CASCADE", name=op.f("patron_contacts_patronId_users_id_fk")
            ),
            nullable=False,
        ),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column(
            "searchKey",
            sa.Text().with_variant(sa.Text(collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("createdAt", UTCDateTime, nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("\"kind\" IN ('email', 'phone')", name=op.f("ck_patron_contacts_kind")),
        sa.CheckConstraint(
            "\"label\" IN ('home', 'work', 'mobile', 'household', 'other')",
            name=op.f("ck_patron_contacts_label"),
        ),
        sa.UniqueConstraint(
            "patronId", "kind", "value", name=op.f("patron_contacts_patronId_unique")
        ),
    )
    op.create_index(
        "idx_patron_contacts_search", "patron_contacts", ["kind", "searchKey", "patronId"]
    )


def downgrade() -> None:
    op.drop_index("idx_patron_contacts_search", table_name="patron_contacts")
    op.drop_table("patron_contacts")
