"""The read-only SQL console: one query, on its own connection, with a timeout and a Cancel.

Read-only by construction, not only by the text check in `sql_guard`:
- PostgreSQL: `SET TRANSACTION READ ONLY` and `SET LOCAL statement_timeout`, always rolled back.
- SQLite: a separate connection with `PRAGMA query_only=ON`, an authorizer that allows only
  reading, and a progress handler that stops the query at the timeout or on Cancel.
Values of secret settings (the admin PIN hash) are blanked in the results.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from app.admin.catalogue import HIDDEN_TEXT, SECRET_MARKER
from app.admin.sql_guard import QueryRefused, check_read_only
from app.errors import Stopped

DEFAULT_TIMEOUT_S = 15.0
MAX_ROWS = 10_000
_SECRETS_SQL = (
    "SELECT value FROM settings WHERE lower(key) LIKE '%" + SECRET_MARKER + "%'"
)  # a constant: no user input


@dataclass(frozen=True)
class QueryResult:
    columns: tuple[str, ...]
    rows: list[tuple]
    truncated: bool  # more rows existed than MAX_ROWS
    elapsed_ms: int

    @property
    def message(self) -> str:
        shown = f"{len(self.rows):,} row{'s' if len(self.rows) != 1 else ''}"
        more = f" (only the first {len(self.rows):,} are shown)" if self.truncated else ""
        return f"{shown}{more} in {self.elapsed_ms} ms"


class QueryStopped(Stopped):
    """The query ran out of time or was cancelled; the message says which."""


_SQLITE_ALLOWED = {
    sqlite3.SQLITE_SELECT,
    sqlite3.SQLITE_READ,
    sqlite3.SQLITE_FUNCTION,
    getattr(sqlite3, "SQLITE_RECURSIVE", 33),
}
_SQLITE_REFUSED_FUNCTIONS = {"load_extension", "writefile", "readfile", "fts3_tokenizer", "edit"}


class ReadOnlyConsole:
    """Runs one query at a time; `cancel()` may be called from any thread."""

    def __init__(
        self, engine: Engine, *, timeout_s: float = DEFAULT_TIMEOUT_S, max_rows: int = MAX_ROWS
    ):
        self.engine = engine
        self.timeout_s = timeout_s
        self.max_rows = max_rows
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
        statement = check_read_only(sql)
        self._cancelled.clear()
        started = time.monotonic()
        if self.backend == "postgresql":
            columns, rows, truncated = self._run_postgresql(statement)
        else:
            columns, rows, truncated = self._run_sqlite(statement, started)
        elapsed = int((time.monotonic() - started) * 1000)
        return QueryResult(columns, rows, truncated, elapsed)

    def _fetch(self, cursor, secrets):
        columns = tuple(d[0] for d in cursor.description or ())
        rows = cursor.fetchmany(self.max_rows + 1)
        truncated = len(rows) > self.max_rows
        rows = [tuple(_hide(v, secrets) for v in row) for row in rows[: self.max_rows]]
        return columns, rows, truncated

    def _run_postgresql(self, statement: str):
        import psycopg

        with self.engine.connect() as connection:
            raw = connection.connection.dbapi_connection
            try:
                with raw.cursor() as cursor:
                    cursor.execute("SET TRANSACTION READ ONLY")
                    cursor.execute(
                        "SELECT set_config('statement_timeout', %s, true)",
                        (str(int(self.timeout_s * 1000)),),
                    )
                    secrets = _secrets(cursor)
                    with self._lock:
                        self._pg_connection = raw
                    if self._cancelled.is_set():
                        raise QueryStopped("The query was cancelled.")
                    try:
                        cursor.execute(statement.encode("utf-8"))
                        return self._fetch(cursor, secrets)
                    except psycopg.errors.QueryCanceled:
                        raise self._stopped() from None
                    except psycopg.errors.ReadOnlySqlTransaction:
                        raise QueryRefused("The console is read-only: this would write.") from None
                    except psycopg.Error as error:
                        raise QueryRefused(_first_line(error)) from None
            finally:
                with self._lock:
                    self._pg_connection = None
                raw.rollback()

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
            raw.execute("PRAGMA query_only=ON")
            secrets = _secrets(raw.cursor())
            raw.set_authorizer(_sqlite_authorizer)
            deadline = started + self.timeout_s

            def progress() -> int:
                return 1 if self._cancelled.is_set() or time.monotonic() > deadline else 0

            raw.set_progress_handler(progress, 1000)
            try:
                cursor = raw.execute(statement)
                return self._fetch(cursor, secrets)
            except sqlite3.OperationalError as error:
                if "interrupted" in str(error):
                    raise self._stopped() from None
                raise QueryRefused(_first_line(error)) from None
            except sqlite3.DatabaseError as error:
                if "not authorized" in str(error) or "readonly" in str(error):
                    raise QueryRefused("The console is read-only: this is refused.") from None
                raise QueryRefused(_first_line(error)) from None
        finally:
            raw.close()


def _sqlite_authorizer(action, arg1, arg2, _db, _trigger):
    if action not in _SQLITE_ALLOWED:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in _SQLITE_REFUSED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def _secrets(cursor) -> set[str]:
    try:
        cursor.execute(_SECRETS_SQL)
    except Exception:  # no settings table in this database: nothing to hide
        return set()
    return {row[0] for row in cursor.fetchall() if row[0]}


def _hide(value, secrets: set[str]):
    if secrets and isinstance(value, str) and any(secret in value for secret in secrets):
        return HIDDEN_TEXT
    return value


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
