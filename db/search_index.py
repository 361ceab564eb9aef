"""The patron search index: a side table of folded keys, and what keeps it current.

`users` must keep the guide's exact shape, so the keys live beside it in `patron_search`
(kind, key, patronId), one row per way a patron can be found. Its primary key
(kind, key, patronId) is the B-tree a prefix search walks, on SQLite and PostgreSQL alike.

Three things keep it current (see docs/design/search.md):
- an ORM hook (after_flush) rewrites the keys of every User this process inserts or changes,
  in the same transaction, so walk-ins, imports and admin edits are searchable at once;
- database triggers on `users` (both backends) note in `patron_search_stale` every row written
  by anyone else (the original web service, a bulk COPY, the sqlite3 shell); search treats
  those patrons by reading them directly, and `refresh_search_index` rewrites their keys;
- `rebuild_search_index` rewrites everything (after migrating, or from the CLI).
"""

from __future__ import annotations

import uuid
import weakref
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import (
    Column,
    Connection,
    ForeignKey,
    Index,
    PrimaryKeyConstraint,
    Table,
    Text,
    delete,
    event,
    inspect,
    text,
)
from sqlalchemy.orm import Session

from db.models import Base, User
from db.search_fold import MAX_KEY_LENGTH, email_key, patron_keys, phone_digits
from db.types import UUIDType

# Keys compare in code-point order on both backends: SQLite's default BINARY collation does,
# PostgreSQL needs "C" (a language collation would break prefix ranges and ignore punctuation).
KeyText = Text().with_variant(Text(collation="C"), "postgresql")

patron_search = Table(
    "patron_search",
    Base.metadata,
    Column("kind", Text, nullable=False),
    Column("key", KeyText, nullable=False),
    Column(
        "patronId",
        UUIDType,
        ForeignKey("users.id", ondelete="CASCADE"),
        nullable=False,
    ),
    PrimaryKeyConstraint("kind", "key", "patronId"),
    # Deleting a user cascades here; without this index every delete would scan the table.
    Index("idx_patron_search_patronId", "patronId"),
    sqlite_with_rowid=False,
)

patron_search_stale = Table(
    "patron_search_stale",
    Base.metadata,
    Column(
        "patronId",
        UUIDType,
        ForeignKey("users.id", ondelete="CASCADE"),
        primary_key=True,
    ),
)


def contact_key(kind: str, value: str) -> str:
    """`patron_contacts.searchKey` of a secondary contact: an email folded as the email keys
    are, a phone's digits reversed as the phone keys are (members, issue 15)."""
    key = email_key(value) if kind == "email" else phone_digits(value)[::-1]
    return key[:MAX_KEY_LENGTH]


_SEARCHED_ATTRIBUTES = ("first_name", "last_name", "email", "phone")
_BATCH = 5000

# --- triggers (created by migration 0003, the insert function replaced by 0004; here so the
# migrations, rebuilds and tests share one text) ---

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


# --- writing keys ---

PatronRow = tuple[object, str | None, str | None, str | None, str | None]


def _key_tuples(sqlite: bool, patrons: Iterable[PatronRow]) -> list[tuple[str, str, object]]:
    """(kind, key, patronId) rows, the id in the driver's own form (32 hex digits on SQLite)."""
    rows = []
    for patron_id, first, last, email, phone in patrons:
        raw_id = patron_id.hex if sqlite and isinstance(patron_id, uuid.UUID) else patron_id
        rows.extend((kind, key, raw_id) for kind, key in patron_keys(first, last, email, phone))
    return rows


def _write_keys(connection: Connection, rows: list[tuple[str, str, object]], table: str) -> None:
    """Straight to the driver: at a million patrons, SQLAlchemy's per-row parameter handling
    costs more than the database's own work."""
    if not rows:
        return
    driver = connection.connection.driver_connection
    if connection.dialect.name == "sqlite":
        driver.executemany(f'INSERT INTO {table} (kind, key, "patronId") VALUES (?, ?, ?)', rows)
        return
    statement = f'COPY {table} (kind, key, "patronId") FROM STDIN'
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def _driver_ids(sqlite: bool, ids: Iterable[object]) -> list[object]:
    """Ids as the driver stores them: 32 hex digits on SQLite, UUIDs for psycopg."""
    if not sqlite:
        return list(ids)
    return [i.hex if isinstance(i, uuid.UUID) else i for i in ids]


def _delete_by_patron(connection: Connection, table: str, ids: list[object]) -> None:
    """Delete the rows of these patrons (driver ids) from a search table, through the driver:
    SQLAlchemy's expanding IN of thousands of ids costs more to compile than to run."""
    if not ids:
        return
    driver = connection.connection.driver_connection
    if connection.dialect.name == "sqlite":
        driver.executemany(f'DELETE FROM {table} WHERE "patronId" = ?', [(i,) for i in ids])
        return
    with driver.cursor() as cursor:
        cursor.execute(f'DELETE FROM {table} WHERE "patronId" = ANY(%s)', (ids,))


def _replace_keys(connection: Connection, patrons: Sequence[PatronRow]) -> None:
    """Replace the keys of these patrons and clear their stale marks."""
    if not patrons:
        return
    sqlite = connection.dialect.name == "sqlite"
    ids = sorted(_driver_ids(sqlite, (p[0] for p in patrons)))
    _delete_by_patron(connection, "patron_search", ids)
    _delete_by_patron(connection, "patron_search_stale", ids)
    rows = _key_tuples(sqlite, patrons)
    # In key order, the primary key's B-tree is written in one sweep instead of at random pages.
    rows.sort()
    _write_keys(connection, rows, "patron_search")


# On SQLite an AFTER INSERT trigger costs ~11 µs a row even when its body does nothing (measured
# at 1M patrons: 100,000 users in 2.3 s with it, 0.7 s without), and the import only writes
# the marks to delete them again.
_SQLITE_INSERT_TRIGGER = "trg_users_search_insert"
_BULK_CACHE_KIB = 65536  # SQLite page cache while bulk-writing: 64 MB instead of 2 MB


@contextmanager
def bulk_new_patrons(connection: Connection) -> Iterator[None]:
    """Around a bulk insert of new users whose keys the caller then writes itself with
    `add_new_patron_keys`, in the same transaction (the patron import).

    On SQLite the users insert trigger is set aside and the connection gets a 64 MB page
    cache, both restored on the way out. The trigger is dropped inside the caller's
    transaction: other connections keep seeing it (WAL readers see the last commit), no one
    else can write meanwhile (SQLite has one writer), and a rollback brings it back.

    On PostgreSQL dropping the trigger would lock `users` against every reader until the
    commit; instead `KEYS_WRITTEN_SETTING` is on for this transaction until the way out, so
    the trigger leaves the new rows unmarked while other sessions' rows are still noted."""
    if connection.dialect.name != "sqlite":
        with _keys_written(connection):
            yield
        return
    had_trigger = connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?",
        (_SQLITE_INSERT_TRIGGER,),
    ).first()
    cache_size = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{_BULK_CACHE_KIB}")
    if had_trigger:
        connection.exec_driver_sql(f"DROP TRIGGER {_SQLITE_INSERT_TRIGGER}")
    try:
        yield
    finally:
        # Also after an error: a caller that caught it and committed must not lose the trigger.
        if had_trigger:
            connection.exec_driver_sql(
                SQLITE_TRIGGERS[0].replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS", 1)
            )
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(cache_size)}")


_SET_KEYS_WRITTEN = f"SELECT set_config('{KEYS_WRITTEN_SETTING}', %s, true)"


@contextmanager
def _keys_written(connection: Connection) -> Iterator[None]:
    """The setting on for this transaction, then off again, so that later writes in the same
    transaction (the import's updates) are noted as usual."""
    driver = connection.connection.driver_connection
    with driver.cursor() as cursor:
        cursor.execute(_SET_KEYS_WRITTEN, ("on",))
    try:
        yield
    finally:
        # After a failed statement PostgreSQL refuses any other until the rollback, which
        # undoes the setting anyway; resetting it then would hide the real error.
        from psycopg.pq import TransactionStatus  # here: SQLite users never load psycopg

        if driver.info.transaction_status != TransactionStatus.INERROR:
            with driver.cursor() as cursor:
                cursor.execute(_SET_KEYS_WRITTEN, ("off",))


class NewPatronKeys:
    """The search keys of patrons about to be inserted, built without the database (pure
    Python), so that a caller can build them while the database is busy taking the users rows.

    Order matters at a million patrons: on SQLite the keys go in the order of the patrons' ids
    (pass them in ascending id order), so the patronId index grows in one run; on PostgreSQL
    in primary-key order, so the larger primary-key index is written in one sweep (each order
    measured fastest on its backend)."""

    def __init__(self, dialect_name: str, patrons: Sequence[PatronRow]):
        self.sqlite = dialect_name == "sqlite"
        self.rows: list = _key_tuples(True, patrons) if self.sqlite else sorted(_key_lines(patrons))
        self.ids = _driver_ids(self.sqlite, (p[0] for p in patrons))


def add_new_patron_keys(connection: Connection, keys: NewPatronKeys) -> None:
    """Write the keys of patrons inserted in this transaction by Core statements or COPY (the
    import) and clear any stale marks the users triggers gave them. New patrons have no keys
    yet, so nothing is deleted or read back."""
    if not keys.ids:
        return
    if keys.sqlite:
        _write_keys(connection, keys.rows, "patron_search")
    else:
        _copy_key_lines(connection, keys.rows)
    has_marks = connection.exec_driver_sql("SELECT 1 FROM patron_search_stale LIMIT 1").first()
    if has_marks:
        _delete_by_patron(connection, "patron_search_stale", sorted(keys.ids))


def _key_lines(patrons: Iterable[PatronRow]) -> list[str]:
    """Keys as lines of PostgreSQL's COPY text format. Sorting these strings puts them in
    primary-key order (a tab sorts before any character a key can hold) several times faster
    than sorting tuples, whose UUIDs compare in Python."""
    lines = []
    for patron_id, first, last, email, phone in patrons:
        tail = f"\t{patron_id}\n"
        for kind, key in patron_keys(first, last, email, phone):
            # Keys hold no control characters (fold drops them); only a backslash needs escaping.
            if "\\" in key:
                key = key.replace("\\", "\\\\")
            lines.append(f"{kind}\t{key}{tail}")
    return lines


def _copy_key_lines(connection: Connection, lines: list[str], chunk: int = 10000) -> None:
    driver = connection.connection.driver_connection
    statement = 'COPY patron_search (kind, key, "patronId") FROM STDIN'
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for start in range(0, len(lines), chunk):
            copy.write("".join(lines[start : start + chunk]))


def _patron_row(user: User) -> PatronRow:
    return (user.id, user.first_name, user.last_name, user.email, user.phone)


def sync_patron_keys(session: Session, user: User) -> None:
    """Rewrite one patron's search keys now. The ORM hook below does this on every flush, so
    callers only need it for rows changed behind the ORM's back (Core statements)."""
    session.flush()
    _replace_keys(session.connection(), [_patron_row(user)])


_STALE_PATRONS = (
    'SELECT s."patronId", u."firstName", u."lastName", u.email, u.phone '
    'FROM patron_search_stale s LEFT JOIN users u ON u.id = s."patronId" '
    'ORDER BY s."patronId" LIMIT :n'
)


def refresh_search_index(
    session: Session, *, batch_size: int = 20000, max_patrons: int | None = None
) -> int:
    """Rewrite the keys of the patrons noted stale by the triggers (all of them, or at most
    `max_patrons`); returns how many.

    Call it after writing users with Core statements or COPY (an import's updates, the
    generator); the app calls it with a limit now and then. Cheap when nothing is stale.
    Values are read and written as the driver has them (no per-value type processing)."""
    connection = session.connection()
    statement = text(_STALE_PATRONS)
    done = 0
    while max_patrons is None or done < max_patrons:
        wanted = batch_size if max_patrons is None else min(batch_size, max_patrons - done)
        rows = connection.execute(statement, {"n": wanted}).all()
        if not rows:
            return done
        patrons = [tuple(row) for row in rows if row[1] is not None]
        _replace_keys(connection, patrons)
        # A mark without its user (only possible with foreign keys off) would be read forever.
        orphans = [row[0] for row in rows if row[1] is None]
        _delete_by_patron(connection, "patron_search_stale", orphans)
        done += len(rows)
    return done


_RAW_PATRONS = 'SELECT id, "firstName", "lastName", email, phone FROM users'


def _raw_patron_batches(connection: Connection, batch_size: int):
    """Users in id order, batch by batch, as the driver returns them (no type processing)."""
    last_id = None
    while True:
        if last_id is None:
            statement = text(f"{_RAW_PATRONS} ORDER BY id LIMIT {int(batch_size)}")
            batch = connection.execute(statement).all()
        else:
            statement = text(f"{_RAW_PATRONS} WHERE id > :last ORDER BY id LIMIT {int(batch_size)}")
            batch = connection.execute(statement, {"last": last_id}).all()
        if not batch:
            return
        yield batch
        last_id = batch[-1][0]


_PATRON_ID_INDEX = next(iter(patron_search.indexes))


def rebuild_search_index(session: Session, *, batch_size: int = 20000) -> int:
    """Rebuild every key from `users`; returns the number of patrons indexed.

    Run by migration 0003 and after bulk loads (the generator); safe to run any time (one
    transaction; it locks the search tables until it commits). Memory stays bounded: users are
    read in id order, batch by batch. The indexes are dropped and built again at the end,
    which is several times faster than keeping them up to date row by row."""
    connection = session.connection()
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.execute(delete(patron_search))
        connection.execute(delete(patron_search_stale))
        # The primary key is the table's own order (WITHOUT ROWID): fill an unindexed scratch
        # table first, then copy it over sorted, so the B-tree is written front to back.
        connection.exec_driver_sql("DROP TABLE IF EXISTS temp.patron_search_load")
        connection.exec_driver_sql(
            'CREATE TEMP TABLE patron_search_load (kind TEXT, key TEXT, "patronId" TEXT)'
        )
        target = "temp.patron_search_load"
        # Sorting half a million keys in SQLite's default 2 MB cache spills to disk; 64 MB
        # for this connection while rebuilding makes the sort and the index build several
        # times faster. Restored below.
        cache_size = connection.exec_driver_sql("PRAGMA cache_size").scalar()
        connection.exec_driver_sql("PRAGMA cache_size = -65536")
    else:
        connection.exec_driver_sql("TRUNCATE patron_search, patron_search_stale")
        connection.exec_driver_sql("ALTER TABLE patron_search DROP CONSTRAINT patron_search_pkey")
        target = "patron_search"
    _PATRON_ID_INDEX.drop(connection)
    total = 0
    for batch in _raw_patron_batches(connection, batch_size):
        _write_keys(connection, _key_tuples(sqlite, batch), target)
        total += len(batch)
    if sqlite:
        connection.exec_driver_sql(
            'INSERT INTO patron_search (kind, key, "patronId") SELECT kind, key, "patronId" '
            'FROM temp.patron_search_load ORDER BY kind, key, "patronId"'
        )
        connection.exec_driver_sql("DROP TABLE temp.patron_search_load")
        _PATRON_ID_INDEX.create(connection)
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(cache_size)}")
    else:
        connection.exec_driver_sql(
            "ALTER TABLE patron_search ADD CONSTRAINT patron_search_pkey "
            'PRIMARY KEY (kind, key, "patronId")'
        )
        _PATRON_ID_INDEX.create(connection)
        connection.exec_driver_sql("ANALYZE patron_search")  # fresh statistics for the planner
    return total


# --- the ORM hook ---

# Engines known to have the search tables. Checked once per engine; a database that is not
# migrated yet (tables missing) is simply skipped, and looked at again on the next flush.
_ready_engines: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _has_search_tables(connection: Connection) -> bool:
    engine = connection.engine
    if _ready_engines.get(engine):
        return True
    ready = inspect(connection).has_table("patron_search_stale")
    if ready:
        _ready_engines[engine] = True
    return ready


def _searched_values_changed(user: User) -> bool:
    state = inspect(user)
    return any(state.attrs[name].history.has_changes() for name in _SEARCHED_ATTRIBUTES)


@event.listens_for(Session, "after_flush")
def _sync_flushed_patrons(session: Session, _flush_context) -> None:
    changed = [obj for obj in session.new if isinstance(obj, User)]
    changed += [
        obj
        for obj in session.dirty
        if isinstance(obj, User) and obj not in session.deleted and _searched_values_changed(obj)
    ]
    if not changed:
        return
    connection = session.connection()
    if not _has_search_tables(connection):
        return
    _replace_keys(connection, [_patron_row(user) for user in changed])
