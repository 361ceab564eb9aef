"""The read-only SQL console: one query, on its own connection, with a timeout and a Cancel.

Read-only and secret-free by construction, not by the text check in `sql_guard` alone:
- PostgreSQL: a fresh connection that is thrown away afterwards (advisory locks, LISTENs,
  prepared statements and settings die with it), a READ ONLY transaction with a local
  `statement_timeout`, and `SET LOCAL ROLE` to the SELECT-only console role (`db.console_role`),
  which cannot read `settings.value`, run file or signal functions, or change anything. Rows
  come through a server-side cursor, so a huge result is never pulled into memory.
- SQLite: its own read-only connection with `query_only`, an authorizer that allows reading and
  allow-listed functions only and refuses `settings.value`, a cap on the length of any string
  or blob (so one call such as `instr(printf(...))` cannot run for seconds between two checks of
  the progress handler, nor build a gigabyte), and a progress handler for the timeout and Cancel.
Both stop reading at `max_rows` rows or `max_bytes` of values, whichever comes first.
Every text value and column name passes through `mask_secrets` as it is read, so a connection
string or `password=` kept in a table is masked on the screen, in `credopass sql` output and in
every export of the result alike.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from app.admin.console_functions import allowed_functions
from app.admin.sql_guard import QueryRefused, check_read_only
from app.errors import Stopped, first_line
from app.masking import mask_secrets
from db.console_role import (
    SETTINGS_READABLE_COLUMNS,
    console_role_usable,
    settings_value_readable,
)

DEFAULT_TIMEOUT_S = 15.0
MAX_ROWS = 10_000
MAX_BYTES = 32 * 1024 * 1024  # values kept in memory for one result
SQLITE_MAX_VALUE_BYTES = 100_000  # longest string/blob a console query may build on SQLite
SQLITE_MAX_PATTERN = 200  # longest LIKE/GLOB pattern (matching cost grows with it)
_BATCH = 500
_CURSOR_NAME = "credopass_console"

ROLE_MISSING = (
    "The console's read-only database role is missing, so the console is off on this "
    "PostgreSQL database. Run `credopass db upgrade` as a database user that may create roles "
    "(or ask the database administrator to), then try again."
)
SECRETS_READABLE = (
    "The console's read-only database role can read setting values (secrets such as the PIN "
    "hash), so the console is off on this PostgreSQL database. Run `credopass db upgrade` as the "
    "owner of the tables (or ask the database administrator to revoke SELECT on settings.value "
    "from that role), then try again."
)
SETTINGS_REFUSED = (
    "Setting values cannot be read from the console (some are secrets such as the PIN hash). "
    "Select only settings.key, or open Settings in Browse."
)


@dataclass(frozen=True)
class QueryResult:
    columns: tuple[str, ...]
    rows: list[tuple]
    truncated: bool  # more rows existed than were kept (row or memory cap)
    elapsed_ms: int

    @property
    def message(self) -> str:
        shown = f"{len(self.rows):,} row{'s' if len(self.rows) != 1 else ''}"
        more = f" (only the first {len(self.rows):,} are shown)" if self.truncated else ""
        return f"{shown}{more} in {self.elapsed_ms} ms"


class QueryStopped(Stopped):
    """The query ran out of time or was cancelled; the message says which."""


_SQLITE_READ_ACTIONS = {sqlite3.SQLITE_SELECT, getattr(sqlite3, "SQLITE_RECURSIVE", 33)}
_SQLITE_SETTINGS_COLUMNS = {c.strip('"').lower() for c in SETTINGS_READABLE_COLUMNS}
_SQLITE_FUNCTIONS = allowed_functions("sqlite")


class ReadOnlyConsole:
    """Runs one query at a time; `cancel()` may be called from any thread."""

    def __init__(
        self,
        engine: Engine,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        max_rows: int = MAX_ROWS,
        max_bytes: int = MAX_BYTES,
    ):
        self.engine = engine
        self.timeout_s = timeout_s
        self.max_rows = max_rows
        self.max_bytes = max_bytes
        self._cancelled = threading.Event()
        self._pg_connection = None
        self._lock = threading.Lock()

    @property
    def backend(self) -> str:
        return "postgresql" if self.engine.dialect.name == "postgresql" else "sqlite"

    def cancel(self) -> None:
        self._cancelled.set()
        with self._lock:
            connection = self._pg_connection
        if connection is not None:
            connection.cancel()  # psycopg: safe from another thread

    def run(self, sql: str) -> QueryResult:
        statement = check_read_only(sql, self.backend)
        return self._execute(statement)

    def _execute(self, statement: str) -> QueryResult:
        """Run a statement that passed the guard (tests call it directly to try the walls
        behind the guard on their own)."""
        self._cancelled.clear()
        started = time.monotonic()
        if self.backend == "postgresql":
            columns, rows, truncated = self._run_postgresql(statement)
        else:
            columns, rows, truncated = self._run_sqlite(statement, started)
        elapsed = int((time.monotonic() - started) * 1000)
        return QueryResult(columns, rows, truncated, elapsed)

    def _fetch(self, cursor):
        """Stream rows in batches until the row or the memory cap; never fetchall()."""
        columns = tuple(mask_secrets(str(d[0])) for d in cursor.description or ())
        rows: list[tuple] = []
        size = 0
        while True:
            batch = cursor.fetchmany(_BATCH)
            if not batch:
                return columns, rows, False
            for row in batch:
                size += sum(_size_of(v) for v in row)
                if len(rows) >= self.max_rows or size > self.max_bytes:
                    return columns, rows, True
                rows.append(tuple(_masked(v) for v in row))

    def _run_postgresql(self, statement: str):
        import psycopg

        with self.engine.connect() as connection:
            try:
                role = console_role_usable(connection)
                # Checked on every query, not trusted from the upgrade: the column privilege is
                # what keeps secrets out of the console, and a grant can change at any time.
                exposed = role is not None and settings_value_readable(connection, role)
                connection.rollback()
                if role is None:
                    raise QueryRefused(ROLE_MISSING)
                if exposed:
                    raise QueryRefused(SECRETS_READABLE)
                raw = connection.connection.dbapi_connection
                with raw.cursor() as setup:
                    setup.execute("SET TRANSACTION READ ONLY")
                    setup.execute(
                        "SELECT set_config('statement_timeout', %s, true)",
                        (str(int(self.timeout_s * 1000)),),
                    )
                    setup.execute(f"SET LOCAL ROLE {role}")  # our own [a-z0-9_] name
                with self._lock:
                    self._pg_connection = raw
                if self._cancelled.is_set():
                    raise QueryStopped("The query was cancelled.")
                explain = statement.lstrip()[:7].upper() == "EXPLAIN"
                # EXPLAIN cannot be DECLAREd as a cursor; its output is small anyway.
                cursor = raw.cursor() if explain else raw.cursor(name=_CURSOR_NAME)
                try:
                    cursor.execute(statement)
                    return self._fetch(cursor)
                except psycopg.errors.QueryCanceled:
                    raise self._stopped() from None
                except psycopg.errors.ReadOnlySqlTransaction:
                    raise QueryRefused("The console is read-only: this would write.") from None
                except psycopg.errors.InsufficientPrivilege as error:
                    raise QueryRefused(_privilege_message(error)) from None
                except psycopg.Error as error:
                    raise QueryRefused(first_line(error)) from None
            finally:
                with self._lock:
                    self._pg_connection = None
                # Never back to the pool: whatever the query left on the session (an advisory
                # lock, a LISTEN, a prepared statement) goes with the connection.
                connection.invalidate()

    def _stopped(self) -> QueryStopped:
        if self._cancelled.is_set():
            return QueryStopped("The query was cancelled.")
        return QueryStopped(f"The query took longer than {self.timeout_s:g} s and was stopped.")

    def _run_sqlite(self, statement: str, started: float):
        path = self.engine.url.database
        try:
            uri = Path(path).resolve().as_uri() + "?mode=ro"  # quotes spaces, '?' and '#'
            raw = sqlite3.connect(uri, uri=True, check_same_thread=False)
        except sqlite3.OperationalError:
            raw = sqlite3.connect(path, check_same_thread=False)
        try:
            raw.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, SQLITE_MAX_VALUE_BYTES)
            raw.setlimit(sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH, SQLITE_MAX_PATTERN)
            raw.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
            raw.execute("PRAGMA query_only=ON")
            raw.set_authorizer(_sqlite_authorizer)
            deadline = started + self.timeout_s

            def progress() -> int:
                return 1 if self._cancelled.is_set() or time.monotonic() > deadline else 0

            raw.set_progress_handler(progress, 1000)
            try:
                cursor = raw.execute(statement)
                return self._fetch(cursor)
            except sqlite3.OperationalError as error:
                if "interrupted" in str(error):
                    raise self._stopped() from None
                raise QueryRefused(_sqlite_message(error)) from None
            except sqlite3.DatabaseError as error:
                raise QueryRefused(_sqlite_message(error)) from None
        finally:
            raw.close()


def _sqlite_authorizer(action, arg1, arg2, _db, _source):
    if action in _SQLITE_READ_ACTIONS:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_READ:
        if (arg1 or "").lower() == "settings" and (arg2 or "").lower() not in (
            _SQLITE_SETTINGS_COLUMNS
        ):
            return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in _SQLITE_FUNCTIONS:
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def _masked(value):
    # Linear-time masking (app.masking): cheap next to the fetch itself even at the row cap.
    return mask_secrets(value) if isinstance(value, str) else value


def _size_of(value) -> int:
    if isinstance(value, str | bytes | bytearray | memoryview):
        return len(value) + 48
    return 24


def _privilege_message(error: Exception) -> str:
    text = first_line(error)
    if "settings" in text:
        return SETTINGS_REFUSED
    return f"The console may not do this: {text}"


def _sqlite_message(error: Exception) -> str:
    text = first_line(error)
    if "settings" in text and "prohibited" in text:
        return SETTINGS_REFUSED
    if "too big" in text:
        return (
            f"A value in this query grew past {SQLITE_MAX_VALUE_BYTES:,} bytes; "
            "the console stops it there."
        )
    if "not authorized" in text or "prohibited" in text or "readonly" in text:
        return f"The console is read-only: this is refused ({text})."
    return text
