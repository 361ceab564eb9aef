"""How search keys reach `patron_search`: straight through the driver (executemany on SQLite,
COPY on PostgreSQL), one patron's keys replaced at a time or a bulk import's all at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import Connection

from db.search_fold import patron_keys
from db.search_triggers import KEYS_WRITTEN_SETTING, SQLITE_TRIGGERS

PatronRow = tuple[object, str | None, str | None, str | None, str | None]


def key_tuples(sqlite: bool, patrons: Iterable[PatronRow]) -> list[tuple[str, str, object]]:
    """(kind, key, patronId) rows, the id in the driver's own form (32 hex digits on SQLite)."""
    rows = []
    for patron_id, first, last, email, phone in patrons:
        raw_id = patron_id.hex if sqlite and isinstance(patron_id, uuid.UUID) else patron_id
        rows.extend((kind, key, raw_id) for kind, key in patron_keys(first, last, email, phone))
    return rows


def write_keys(connection: Connection, rows: list[tuple[str, str, object]], table: str) -> None:
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


def driver_ids(sqlite: bool, ids: Iterable[object]) -> list[object]:
    """Ids as the driver stores them: 32 hex digits on SQLite, UUIDs for psycopg."""
    if not sqlite:
        return list(ids)
    return [i.hex if isinstance(i, uuid.UUID) else i for i in ids]


def delete_by_patron(connection: Connection, table: str, ids: list[object]) -> None:
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


def replace_keys(connection: Connection, patrons: Sequence[PatronRow]) -> None:
    """Replace the keys of these patrons and clear their stale marks."""
    if not patrons:
        return
    sqlite = connection.dialect.name == "sqlite"
    ids = sorted(driver_ids(sqlite, (p[0] for p in patrons)))
    delete_by_patron(connection, "patron_search", ids)
    delete_by_patron(connection, "patron_search_stale", ids)
    rows = key_tuples(sqlite, patrons)
    # In key order, the primary key's B-tree is written in one sweep instead of at random pages.
    rows.sort()
    write_keys(connection, rows, "patron_search")


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
        self.rows: list = key_tuples(True, patrons) if self.sqlite else sorted(_key_lines(patrons))
        self.ids = driver_ids(self.sqlite, (p[0] for p in patrons))


def add_new_patron_keys(connection: Connection, keys: NewPatronKeys) -> None:
    """Write the keys of patrons inserted in this transaction by Core statements or COPY (the
    import) and clear any stale marks the users triggers gave them. New patrons have no keys
    yet, so nothing is deleted or read back."""
    if not keys.ids:
        return
    if keys.sqlite:
        write_keys(connection, keys.rows, "patron_search")
    else:
        _copy_key_lines(connection, keys.rows)
    has_marks = connection.exec_driver_sql("SELECT 1 FROM patron_search_stale LIMIT 1").first()
    if has_marks:
        delete_by_patron(connection, "patron_search_stale", sorted(keys.ids))


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
