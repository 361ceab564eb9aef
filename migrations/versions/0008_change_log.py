"""Change log for the station copies (issue 11): which rows changed, in which transaction.

PostgreSQL only fills it: statement-level triggers with transition tables note, for each
statement that inserts, updates or deletes rows of a table a station copies, one row per
changed row (table, row key as text) with the writing transaction's id. A station remembers
the snapshot it last copied and asks for the rows whose transaction that snapshot did not see
(`pg_visible_in_snapshot`), so a transaction that commits late is never skipped (a plain
sequence number would be: numbers are taken at write time, not at commit). Writes by any
program are seen, the web service's included; TRUNCATE is not (no station-side recovery but a
new first copy). On SQLite the table exists (same schema everywhere) but nothing fills it: a
SQLite database is never a station's server.

`station_copy_state` is the copy's own bookmark (one row, in copies only): the snapshot last
copied, when, and from which database.

Revision ID: 0008_change_log
Revises: 0007_report_indexes
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.types import UTCDateTime

revision = "0008_change_log"
down_revision = "0007_report_indexes"
branch_labels = None
depends_on = None

# (table, key expression as text): what a station copies, as of this revision. Not
# `patron_search`: its rows are written in the same transaction as the `users` row they come
# from (the app's own writes, the import), or when stale keys are rebuilt, which deletes the
# `patron_search_stale` row; a copy re-reads a patron's keys on either. Leaving it out halves
# what an import of new patrons writes into the log (four or five keys per patron).
TRACKED = (
    ("users", "id"),
    ("events", "id"),
    ("attendance", "id"),
    ("loyalty", "id"),
    ("patron_contacts", "id"),
    ("patron_passes", "id"),
    ("patron_search_stale", '"patronId"'),
    ("settings", "key"),
)
# %% doubled: the driver reads the text for placeholders.
_FUNCTION = """CREATE OR REPLACE FUNCTION credopass_change_log_note()
    RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        EXECUTE format(
            'INSERT INTO change_log ("table", "rowId") '
            'SELECT %%L, (%%s)::text FROM credopass_changed_rows',
            TG_TABLE_NAME, TG_ARGV[0]);
        RETURN NULL;
    END $$"""
_EVENTS = (("insert", "INSERT", "NEW"), ("update", "UPDATE", "NEW"), ("delete", "DELETE", "OLD"))


def upgrade() -> None:
    op.create_table(
        "change_log",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
        # The writing transaction's id (xid8 as a number; filled by PostgreSQL's default).
        sa.Column("xid", sa.BigInteger, nullable=False),
        sa.Column("table", sa.Text, nullable=False),
        sa.Column("rowId", sa.Text, nullable=False),
        # When the statement ran: rows older than the retention are pruned by the refreshes.
        sa.Column("changedAt", UTCDateTime, nullable=False, server_default=sa.func.now()),
    )
    op.create_index("idx_change_log_xid", "change_log", ["xid"])
    op.create_table(
        "station_copy_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("snapshot", sa.Text, nullable=True),
        sa.Column("source", sa.Text, nullable=True),
        sa.Column("syncedAt", UTCDateTime, nullable=True),
    )
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        return
    connection.exec_driver_sql(
        "ALTER TABLE change_log ALTER COLUMN xid SET DEFAULT (pg_current_xact_id()::text)::bigint"
    )
    connection.exec_driver_sql(_FUNCTION)
    for table, key in TRACKED:
        for suffix, verb, side in _EVENTS:
            connection.exec_driver_sql(
                f"CREATE TRIGGER trg_{table}_change_{suffix} AFTER {verb} ON {table} "
                f"REFERENCING {side} TABLE AS credopass_changed_rows "
                f"FOR EACH STATEMENT EXECUTE FUNCTION credopass_change_log_note('{key}')"
            )


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        for table, _key in TRACKED:
            for suffix, _verb, _side in _EVENTS:
                connection.exec_driver_sql(
                    f"DROP TRIGGER IF EXISTS trg_{table}_change_{suffix} ON {table}"
                )
        connection.exec_driver_sql("DROP FUNCTION IF EXISTS credopass_change_log_note()")
    op.drop_table("station_copy_state")
    op.drop_index("idx_change_log_xid", table_name="change_log")
    op.drop_table("change_log")
