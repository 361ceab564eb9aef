"""Patron search index: folded keys beside `users`, stale marks, and the triggers that set them.

`users` keeps the guide's exact shape; see docs/design/search.md for why a side table.
Every patron already in the database is marked stale here; the keys themselves are built by
live code after the upgrade (`db.migrate.upgrade` rebuilds them when it created these tables,
and the app re-keys stale patrons by itself), so an adopted database of the web service is
searchable right after `credopass db upgrade`. This file is frozen history: the DDL below is
the text as it was at this revision, not imported from `db/`.

Revision ID: 0003_patron_search
Revises: 0002_audit_log_settings
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.types import UUIDType

revision = "0003_patron_search"
down_revision = "0002_audit_log_settings"
branch_labels = None
depends_on = None

_SQLITE_TRIGGERS = (
    """CREATE TRIGGER trg_users_search_insert AFTER INSERT ON users
    BEGIN INSERT OR IGNORE INTO patron_search_stale ("patronId") VALUES (NEW.id); END""",
    """CREATE TRIGGER trg_users_search_update
    AFTER UPDATE OF "firstName", "lastName", "email", "phone" ON users
    BEGIN INSERT OR IGNORE INTO patron_search_stale ("patronId") VALUES (NEW.id); END""",
)
_SQLITE_DROP_TRIGGERS = (
    "DROP TRIGGER IF EXISTS trg_users_search_update",
    "DROP TRIGGER IF EXISTS trg_users_search_insert",
)
_POSTGRES_TRIGGERS = (
    """CREATE OR REPLACE FUNCTION credopass_search_note_inserted()
    RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO patron_search_stale ("patronId")
        SELECT id FROM credopass_new_users ON CONFLICT DO NOTHING;
        RETURN NULL;
    END $$""",
    """CREATE OR REPLACE FUNCTION credopass_search_note_updated() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO patron_search_stale ("patronId") VALUES (NEW.id) ON CONFLICT DO NOTHING;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER trg_users_search_insert AFTER INSERT ON users
    REFERENCING NEW TABLE AS credopass_new_users
    FOR EACH STATEMENT EXECUTE FUNCTION credopass_search_note_inserted()""",
    """CREATE TRIGGER trg_users_search_update AFTER UPDATE ON users FOR EACH ROW
    WHEN (OLD."firstName" IS DISTINCT FROM NEW."firstName"
          OR OLD."lastName" IS DISTINCT FROM NEW."lastName"
          OR OLD.email IS DISTINCT FROM NEW.email
          OR OLD.phone IS DISTINCT FROM NEW.phone
          OR OLD.id IS DISTINCT FROM NEW.id)
    EXECUTE FUNCTION credopass_search_note_updated()""",
)
_POSTGRES_DROP_TRIGGERS = (
    "DROP TRIGGER IF EXISTS trg_users_search_update ON users",
    "DROP TRIGGER IF EXISTS trg_users_search_insert ON users",
    "DROP FUNCTION IF EXISTS credopass_search_note_updated()",
    "DROP FUNCTION IF EXISTS credopass_search_note_inserted()",
)


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
    sqlite = connection.dialect.name == "sqlite"
    for statement in _SQLITE_TRIGGERS if sqlite else _POSTGRES_TRIGGERS:
        connection.exec_driver_sql(statement)
    connection.exec_driver_sql('INSERT INTO patron_search_stale ("patronId") SELECT id FROM users')


def downgrade() -> None:
    connection = op.get_bind()
    sqlite = connection.dialect.name == "sqlite"
    for statement in _SQLITE_DROP_TRIGGERS if sqlite else _POSTGRES_DROP_TRIGGERS:
        connection.exec_driver_sql(statement)
    op.drop_table("patron_search_stale")
    op.drop_index("idx_patron_search_patronId", table_name="patron_search")
    op.drop_table("patron_search")
