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

The trigger texts are in db/search_triggers.py, the driver-level key writing in
db/search_writes.py.
"""

from __future__ import annotations

import weakref

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
from db.search_fold import MAX_KEY_LENGTH, email_key, phone_digits
from db.search_triggers import (
    KEYS_WRITTEN_SETTING,
    POSTGRES_DROP_TRIGGERS,
    POSTGRES_INSERT_FUNCTION,
    POSTGRES_TRIGGERS,
    SQLITE_DROP_TRIGGERS,
    SQLITE_TRIGGERS,
    create_triggers,
    drop_triggers,
)
from db.search_writes import (
    NewPatronKeys,
    PatronRow,
    add_new_patron_keys,
    bulk_new_patrons,
    delete_by_patron,
    key_tuples,
    replace_keys,
    write_keys,
)
from db.types import UUIDType

# The triggers and the key writing live in their own modules; their public names stay
# importable from here, where the search index's callers have always found them.
__all__ = [
    "KEYS_WRITTEN_SETTING",
    "POSTGRES_DROP_TRIGGERS",
    "POSTGRES_INSERT_FUNCTION",
    "POSTGRES_TRIGGERS",
    "SQLITE_DROP_TRIGGERS",
    "SQLITE_TRIGGERS",
    "NewPatronKeys",
    "PatronRow",
    "add_new_patron_keys",
    "bulk_new_patrons",
    "contact_key",
    "create_triggers",
    "drop_triggers",
    "patron_search",
    "patron_search_stale",
    "rebuild_search_index",
    "refresh_search_index",
    "sync_patron_keys",
]

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


def _patron_row(user: User) -> PatronRow:
    return (user.id, user.first_name, user.last_name, user.email, user.phone)


def sync_patron_keys(session: Session, user: User) -> None:
    """Rewrite one patron's search keys now. The ORM hook below does this on every flush, so
    callers only need it for rows changed behind the ORM's back (Core statements)."""
    session.flush()
    replace_keys(session.connection(), [_patron_row(user)])


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
        replace_keys(connection, patrons)
        # A mark without its user (only possible with foreign keys off) would be read forever.
        orphans = [row[0] for row in rows if row[1] is None]
        delete_by_patron(connection, "patron_search_stale", orphans)
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
        write_keys(connection, key_tuples(sqlite, batch), target)
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
    replace_keys(connection, [_patron_row(user) for user in changed])
