"""The triggers on `users` that note in `patron_search_stale` every row written behind the
ORM's back (created by migration 0003, the insert function replaced by 0004; here so the
migrations, rebuilds and tests share one text).
"""

from __future__ import annotations

from sqlalchemy import Connection

SQLITE_TRIGGERS = (
    """CREATE TRIGGER trg_users_search_insert AFTER INSERT ON users
    BEGIN INSERT OR IGNORE INTO patron_search_stale ("patronId") VALUES (NEW.id); END""",
    """CREATE TRIGGER trg_users_search_update
    AFTER UPDATE OF "firstName", "lastName", "email", "phone" ON users
    BEGIN INSERT OR IGNORE INTO patron_search_stale ("patronId") VALUES (NEW.id); END""",
)
SQLITE_DROP_TRIGGERS = (
    "DROP TRIGGER IF EXISTS trg_users_search_update",
    "DROP TRIGGER IF EXISTS trg_users_search_insert",
)

# Set to 'on' for the rest of a transaction (set_config(..., true), i.e. SET LOCAL) by a
# writer that writes the keys of the users it inserts itself (the import, `bulk_new_patrons`):
# the insert trigger then leaves those rows unmarked. Other writers (the web service, psql)
# never set it, so their rows are still noted. At 1M patrons on file, marking 100,000 imported
# patrons and deleting the marks again cost the import 1.1-1.4 s.
KEYS_WRITTEN_SETTING = "credopass.keys_written"

# Inserts are noted once per statement through a transition table, so a COPY of a million
# users costs one INSERT ... SELECT, not a million trigger calls. Migration 0004 added the
# setting check; this text is what it leaves, so a rebuild and a migrated database agree.
POSTGRES_INSERT_FUNCTION = f"""CREATE OR REPLACE FUNCTION credopass_search_note_inserted()
    RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF current_setting('{KEYS_WRITTEN_SETTING}', true) = 'on' THEN
            RETURN NULL;
        END IF;
        INSERT INTO patron_search_stale ("patronId")
        SELECT id FROM credopass_new_users ON CONFLICT DO NOTHING;
        RETURN NULL;
    END $$"""

# Updates are per row, and only when a searched value really changed.
POSTGRES_TRIGGERS = (
    POSTGRES_INSERT_FUNCTION,
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
POSTGRES_DROP_TRIGGERS = (
    "DROP TRIGGER IF EXISTS trg_users_search_update ON users",
    "DROP TRIGGER IF EXISTS trg_users_search_insert ON users",
    "DROP FUNCTION IF EXISTS credopass_search_note_updated()",
    "DROP FUNCTION IF EXISTS credopass_search_note_inserted()",
)


def create_triggers(connection: Connection) -> None:
    statements = SQLITE_TRIGGERS if connection.dialect.name == "sqlite" else POSTGRES_TRIGGERS
    for statement in statements:
        connection.exec_driver_sql(statement)


def drop_triggers(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        statements = SQLITE_DROP_TRIGGERS
    else:
        statements = POSTGRES_DROP_TRIGGERS
    for statement in statements:
        connection.exec_driver_sql(statement)
