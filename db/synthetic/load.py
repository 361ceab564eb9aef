"""Bulk loading: COPY on PostgreSQL, batched executemany in one transaction on SQLite.

Rows go through the DBAPI connection underneath a SQLAlchemy Connection: the ORM would build a
million objects to write rows we already have as tuples, while the SQLAlchemy Connection keeps
one transaction around the whole load and the search-key step that follows it, so either
everything is written, searchable, or nothing is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import Connection, Engine

from db.synthetic.progress import Progress

# (table, columns, batches); the order respects the foreign keys.
Tables = Iterable[tuple[str, tuple[str, ...], Callable[[], Iterable[list[tuple]]]]]

# The SQLite page cache for the loading connection only (restored afterwards): random UUID keys
# scatter index writes, and with the default 2 MB cache every insert re-reads index pages.
SQLITE_BULK_CACHE_KIB = 512 * 1024


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def load(
    engine: Engine,
    tables: Tables,
    progress: Progress,
    *,
    empty: bool,
    before: Callable[[Connection], None] | None = None,
    after: Callable[[Connection], None] | None = None,
) -> None:
    """Write every table's batches in one transaction, with `before(connection)` and
    `after(connection)` run inside it (the search index's triggers and keys).

    When the tables start `empty`, their secondary indexes (and on PostgreSQL their unique and
    foreign-key constraints) are dropped first and re-created, under the same names and
    definitions, before the commit: building an index once from sorted data is several times
    faster than a million random insertions into it, and the re-created foreign keys check every
    row in one join. The schema is never seen without them, since DDL is transactional on both
    backends. Appending keeps them (rebuilding a big table's indexes would cost more).
    """
    tables = list(tables)
    names = [t[0] for t in tables]
    postgres = engine.dialect.name == "postgresql"
    with engine.connect() as connection:
        if not postgres:  # take the write lock up front, as every writer of the app does
            connection = connection.execution_options(sqlite_begin="IMMEDIATE")
        with connection.begin():
            driver = connection.connection.driver_connection
            if before is not None:
                before(connection)
            if postgres:
                _copy_postgresql(driver, tables, names, progress, empty)
            else:
                _insert_sqlite(driver, tables, names, progress, empty)
            if after is not None:
                after(connection)
            progress.phase("commit")
        # Fresh statistics, so the planner knows the tables now hold millions of rows. Without
        # them SQLite counts an event's check-ins through the two-valued `attended` index (a
        # scan of every attended row: half a second at a million) instead of by event.
        progress.phase("analyze")
        if postgres:
            with connection.begin():
                for table in names:
                    connection.exec_driver_sql(f'ANALYZE "{table}"')
        else:
            driver = connection.connection.driver_connection
            driver.execute("PRAGMA analysis_limit=1000")  # sampled: seconds, not minutes
            driver.execute("ANALYZE")
            # Copy the load out of the write-ahead log and shrink it: otherwise a gigabyte of
            # log stays on disk and every reader consults its index until the next checkpoint.
            driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _insert_sqlite(driver, tables: Tables, names: list[str], progress, empty: bool) -> None:
    # Durability settings stay as the app has them (WAL, synchronous=FULL): with one transaction
    # there is one commit, so they cost a single fsync, and a crash leaves the file as it was.
    cursor = driver.cursor()
    (default_cache,) = cursor.execute("PRAGMA cache_size").fetchone()
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_BULK_CACHE_KIB}")
    try:
        indexes = _sqlite_indexes(cursor, names) if empty else []
        for name, _sql in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        for table, columns, batches in tables:
            progress.phase(table)
            marks = ", ".join("?" * len(columns))
            sql = f'INSERT INTO "{table}" ({_quoted(columns)}) VALUES ({marks})'
            for batch in batches():
                cursor.executemany(sql, batch)
                progress.advance(len(batch))
        progress.phase("indexes")
        for _name, sql in indexes:
            cursor.execute(sql)
    finally:
        cursor.execute(f"PRAGMA cache_size={default_cache}")
        cursor.close()


def _sqlite_indexes(cursor, tables: list[str]) -> list[tuple[str, str]]:
    # Indexes SQLite made for a PRIMARY KEY or UNIQUE constraint have no SQL and cannot be dropped.
    marks = ", ".join("?" * len(tables))
    return cursor.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({marks}) ORDER BY name",
        tables,
    ).fetchall()


def _postgresql_indexes(cursor, tables: list[str]) -> tuple[list[str], list[str]]:
    """(statements that drop, statements that re-create) the tables' unique and foreign-key
    constraints and plain indexes; primary keys stay (other tables' foreign keys need them)."""
    drops, creates = [], []
    cursor.execute(
        "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype "
        "FROM pg_constraint c WHERE c.conrelid = ANY(%s::regclass[]) AND c.contype IN ('u', 'f') "
        "ORDER BY c.contype DESC, c.conname",  # unique first: a foreign key may rely on one
        (tables,),
    )
    for table, name, definition, _kind in cursor.fetchall():
        quoted = '"' + name.replace('"', '""') + '"'
        drops.append(f"ALTER TABLE {table} DROP CONSTRAINT {quoted}")
        creates.append(f"ALTER TABLE {table} ADD CONSTRAINT {quoted} {definition}")
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1",
        (tables,),
    )
    for name, definition in cursor.fetchall():
        drops.append(f"DROP INDEX {name}")
        creates.append(definition)
    # Re-create plain and unique indexes before the foreign keys that are checked against them.
    foreign = [c for c in creates if " FOREIGN KEY " in c]
    return list(reversed(drops)), [c for c in creates if c not in foreign] + foreign


def _copy_postgresql(driver, tables: Tables, names: list[str], progress, empty: bool) -> None:
    with driver.cursor() as cursor:
        # The plan's timestamps are UTC wall-clock text: read them as UTC.
        cursor.execute("SET LOCAL timezone = 'UTC'")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")  # index builds
        drops, creates = _postgresql_indexes(cursor, names) if empty else ([], [])
        for statement in drops:
            cursor.execute(statement)
        for table, columns, batches in tables:
            progress.phase(table)
            with cursor.copy(f'COPY "{table}" ({_quoted(columns)}) FROM STDIN') as copy:
                write_row = copy.write_row
                for batch in batches():
                    for row in batch:
                        write_row(row)
                    progress.advance(len(batch))
        progress.phase("indexes")
        for statement in creates:
            cursor.execute(statement)
