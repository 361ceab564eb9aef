"""Patron search: the users insert trigger leaves alone the rows whose keys their writer wrote.

PostgreSQL only: the insert trigger's function skips the stale marks while the
transaction-local setting `credopass.keys_written` is 'on', which the patron import sets
around its COPY of new patrons (it writes their keys itself, in the same transaction). Every
other writer still gets its rows noted. SQLite needs nothing: the import sets its trigger
aside inside its own transaction (see db/search_index.py, `bulk_new_patrons`).

Revision ID: 0004_search_keys_written
Revises: 0003_patron_search
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0004_search_keys_written"
down_revision = "0003_patron_search"
branch_labels = None
depends_on = None

# Frozen history: the function's text as of this revision (db/search_index.py keeps the live
# copy for rebuilds; a later revision that changes it gets its own text).
_INSERT_FUNCTION_0004 = """CREATE OR REPLACE FUNCTION credopass_search_note_inserted()
    RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF current_setting('credopass.keys_written', true) = 'on' THEN
            RETURN NULL;
        END IF;
        INSERT INTO patron_search_stale ("patronId")
        SELECT id FROM credopass_new_users ON CONFLICT DO NOTHING;
        RETURN NULL;
    END $$"""

# The function as migration 0003 created it, for the downgrade.
_INSERT_FUNCTION_0003 = """CREATE OR REPLACE FUNCTION credopass_search_note_inserted()
    RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO patron_search_stale ("patronId")
        SELECT id FROM credopass_new_users ON CONFLICT DO NOTHING;
        RETURN NULL;
    END $$"""


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(_INSERT_FUNCTION_0004)


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(_INSERT_FUNCTION_0003)
