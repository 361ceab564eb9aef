"""Where the data lives: URL resolution, engines with the right connection settings, masking."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError

APP_NAME = "CredoPass"
DEFAULT_DB_FILENAME = "credopass.db"
SQLITE_BUSY_TIMEOUT_MS = 10_000
SQLITE_OPTIMIZE_BUSY_TIMEOUT_MS = 100

# Deadlines on every PostgreSQL connection (issue 12, failure 6). A door action must answer a
# greeter within DOOR_DEADLINE_S, after which the offline path takes over: a connection attempt
# gets 2 s (libpq's minimum) and the liveness check of a pooled connection 1 s, so a dead server
# is known within ~3 s. Other work (imports, exports, the admin browser, migrations) gets
# STATEMENT_TIMEOUT_S per statement: a batch of an import of a million rows or a keyset page
# takes well under a second, an index build on a large table a few seconds, so 30 s only stops a
# runaway. A transaction left open (a crashed client, a debugger) is ended by the server after
# IDLE_IN_TRANSACTION_TIMEOUT_S, so its row locks cannot hold the door for long.
DOOR_DEADLINE_S = 3
STATEMENT_TIMEOUT_S = 30
IDLE_IN_TRANSACTION_TIMEOUT_S = 60
POSTGRES_CONNECT_TIMEOUT_S = 2
POOL_PING_DEADLINE_S = 1
# The client-side cut comes after the server's own timeout, which answers with a clear error
# when the server is alive; the cut is for a server that cannot answer at all.
CLIENT_MARGIN_S = 2
SERVER_HEAD_START_S = 0.5  # a door statement: the server's timeout comes this much earlier
# Execution option: this connection's statement deadline in seconds (door lane: DOOR_DEADLINE_S).
DEADLINE_OPTION = "credopass_deadline_s"
# A dead peer is noticed within ~10 s even while idle (keepalives), and unacknowledged data is
# given up after 10 s (tcp_user_timeout, Linux), instead of the kernel's 15 minutes.
_KEEPALIVES = {
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
    "keepalives_count": 3,
    "tcp_user_timeout": 10_000,
}


class DatabaseUrlError(ValueError):
    """The configured database URL cannot be used; the message says why, without the password."""


class DatabaseLocationError(DatabaseUrlError):
    """The URL is fine but the place it names cannot hold the database (missing or read-only
    folder, unreadable file)."""


@dataclass(frozen=True)
class DatabaseTarget:
    url: URL
    source: str  # "--database-url", "DATABASE_URL" or "default"

    @property
    def backend(self) -> str:
        return backend_of(self.url)

    @property
    def masked(self) -> str:
        return mask_url(self.url)


def default_sqlite_path() -> Path:
    return Path(user_data_dir(APP_NAME, appauthor=False)) / DEFAULT_DB_FILENAME


def resolve_target(
    cli_url: str | None = None, environ: Mapping[str, str] | None = None
) -> DatabaseTarget:
    """`--database-url` beats `DATABASE_URL`, which beats the SQLite file in the user data dir."""
    environ = os.environ if environ is None else environ
    if cli_url:
        return DatabaseTarget(parse_url(cli_url), "--database-url")
    env_url = environ.get("DATABASE_URL", "").strip()
    if env_url:
        return DatabaseTarget(parse_url(env_url), "DATABASE_URL")
    return DatabaseTarget(sqlite_url(default_sqlite_path()), "default")


def sqlite_url(path: Path) -> URL:
    return URL.create("sqlite+pysqlite", database=str(path))


def parse_url(raw: str) -> URL:
    """Parse a user-supplied URL into one SQLAlchemy can use with our drivers."""
    raw = raw.strip()
    try:
        url = make_url(raw)
    except (ArgumentError, ValueError):  # ValueError: e.g. a port that is not a number
        raise DatabaseUrlError(
            f"the database URL {_mask_unparsed(raw)!r} is not valid; expected something like "
            "postgresql://user@host:5432/dbname or sqlite:///path/to/credopass.db"
        ) from None
    backend = url.get_backend_name()
    if backend in ("postgres", "postgresql"):
        url = url.set(drivername="postgresql+psycopg")
        if not url.database:
            raise DatabaseUrlError(
                f"the PostgreSQL URL {mask_url(url)!r} names no database (add /dbname at the end)"
            )
    elif backend == "sqlite":
        url = url.set(drivername="sqlite+pysqlite")
        if not url.database or url.database == ":memory:":
            raise DatabaseUrlError(
                "an SQLite URL needs a file path, like sqlite:///path/to/credopass.db "
                "(an in-memory database would lose every check-in on exit)"
            )
    else:
        raise DatabaseUrlError(
            f"unsupported database {backend!r} in {mask_url(url)!r}: "
            "use a postgresql:// or sqlite:/// URL"
        )
    return url


def backend_of(url: URL) -> str:
    return "postgresql" if url.get_backend_name() in ("postgres", "postgresql") else "sqlite"


def mask_url(url: URL | str) -> str:
    """The URL as it may be shown or logged: the password, if any, replaced by ***."""
    if isinstance(url, str):
        try:
            url = make_url(url)
        except (ArgumentError, ValueError):
            return _mask_unparsed(url)
    # libpq also takes the password as a query parameter (?password=...), which SQLAlchemy's
    # hide_password does not cover; so does any other *password* parameter (sslpassword).
    # (A plain-letter stand-in, swapped after rendering: "***" itself would be %-escaped.)
    secret = {key: _QUERY_MASK for key in url.query if "password" in key.lower()}
    rendered = url.update_query_dict(secret).render_as_string(hide_password=True)
    return rendered.replace(_QUERY_MASK, "***") if secret else rendered


_QUERY_MASK = "credopassmaskedpassword"


def _mask_unparsed(raw: str) -> str:
    # Not a parseable URL, but it may still hold "user:secret@" or "?password=secret": never
    # echo what follows ':' in the credentials, nor any query string.
    raw, question, _query = raw.partition("?")
    query = "?***" if question else ""
    if "@" in raw and "://" in raw:
        scheme, rest = raw.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}{query}" if ":" in creds else raw + query
    return raw + query


def describe_location(url: URL) -> str:
    """A short, password-free description for status lines: a file path or host/database."""
    if backend_of(url) == "sqlite":
        return f"SQLite file {url.database}"
    host = url.host or "localhost"
    port = f":{url.port}" if url.port else ""
    return f"PostgreSQL {host}{port}/{url.database}"


def create_app_engine(url: URL, **kwargs) -> Engine:
    """An engine with the connection settings the check-in rules rely on."""
    # hide_parameters: a traceback in the log shows the SQL but not the names, emails and
    # phones bound to it.
    kwargs.setdefault("hide_parameters", True)
    if backend_of(url) == "sqlite":
        _check_sqlite_location(url)
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            **kwargs,
        )
        _install_sqlite_pragmas(engine)
        return engine
    connect_args = {
        "connect_timeout": POSTGRES_CONNECT_TIMEOUT_S,
        "application_name": "credopass",
        **_KEEPALIVES,
    }
    engine = create_engine(url, connect_args=connect_args, **kwargs)
    _install_postgres_deadlines(engine)
    return engine


def door_options() -> dict:
    """Execution options for a door action: its statements are cut after DOOR_DEADLINE_S."""
    return {DEADLINE_OPTION: DOOR_DEADLINE_S}


def _install_postgres_deadlines(engine: Engine) -> None:
    from db.deadline import WATCHDOG  # noqa: PLC0415 (only PostgreSQL engines need it)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Session defaults on the server (SET, not the URL's `options`, which may be in use).
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = '{STATEMENT_TIMEOUT_S}s'")
            cursor.execute(
                f"SET idle_in_transaction_session_timeout = '{IDLE_IN_TRANSACTION_TIMEOUT_S}s'"
            )
        dbapi_connection.autocommit = autocommit

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection, _record, _proxy):
        # Instead of pool_pre_ping, whose "select 1" has no deadline: a pooled connection to a
        # frozen server would hang right here.
        token = WATCHDOG.arm(POOL_PING_DEADLINE_S, dbapi_connection)
        try:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            dbapi_connection.rollback()
        except Exception as exc:
            raise DisconnectionError(str(exc)) from exc  # the pool tries a fresh connection
        finally:
            WATCHDOG.disarm(token)

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        deadline = connection.get_execution_options().get(DEADLINE_OPTION)
        if deadline:  # a live server gives up first, with a clear "canceling statement" error
            server_ms = max(100, int((deadline - SERVER_HEAD_START_S) * 1000))
            connection.exec_driver_sql(f"SET LOCAL statement_timeout = '{server_ms}ms'")

    @event.listens_for(engine, "before_cursor_execute")
    def _on_before_execute(connection, _cursor, _statement, _parameters, _context, _many):
        deadline = connection.get_execution_options().get(DEADLINE_OPTION)
        cut_after = deadline or STATEMENT_TIMEOUT_S + CLIENT_MARGIN_S
        dbapi_connection = connection.connection.dbapi_connection
        connection.info["deadline"] = WATCHDOG.arm(cut_after, dbapi_connection)

    @event.listens_for(engine, "after_cursor_execute")
    def _on_after_execute(connection, *_args):
        WATCHDOG.disarm(connection.info.pop("deadline", None))

    @event.listens_for(engine, "handle_error")
    def _on_error(context):
        if context.connection is not None:
            WATCHDOG.disarm(context.connection.info.pop("deadline", None))


def _check_sqlite_location(url: URL) -> None:
    path = Path(url.database)
    folder = path.parent if str(path.parent) else Path(".")
    if path.exists():
        if not os.access(path, os.R_OK | os.W_OK):
            raise DatabaseLocationError(
                f"the SQLite file {path} cannot be read and written by this user"
            )
        if not os.access(folder, os.W_OK):
            raise DatabaseLocationError(
                f"the folder {folder} is read-only; SQLite needs to write its journal next to "
                f"{path.name}"
            )
        return
    if not folder.exists():
        raise DatabaseLocationError(f"the folder {folder} for the SQLite file does not exist")
    if not os.access(folder, os.W_OK):
        raise DatabaseLocationError(
            f"the folder {folder} is read-only; cannot create {path.name} there"
        )
    _create_private_file(path)


def _create_private_file(path: Path) -> None:
    """Create the empty database file readable by its owner only (0600) before SQLite creates
    it with the umask's 0644: it holds names, emails and phones. SQLite gives its -wal and -shm
    files the database file's permissions."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def ensure_default_folder(target: DatabaseTarget) -> None:
    """The default SQLite file's folder is ours to create; a user-given path is not."""
    if target.source == "default":
        make_private_folder(Path(target.url.database).parent)


def make_private_folder(folder: Path) -> None:
    """Create our data folder for its owner only (0700); a folder that exists is left alone."""
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700, exist_ok=True)
        folder.chmod(0o700)  # mkdir's mode is reduced by the umask


def _install_sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # pysqlite's own transaction handling would defer BEGIN; we issue BEGIN ourselves below
        # so that a check-in can take the write lock up front (BEGIN IMMEDIATE).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")  # without it, cascades silently do nothing
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")  # a confirmed check-in survives power loss
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "close")
    def _on_close(dbapi_connection, _record):
        # SQLite's advice for connections that come and go: let PRAGMA optimize refresh the
        # planner statistics of tables this connection used, where they are missing or stale,
        # reading at most ~400 rows per index. A file that grew to many rows by normal use has
        # none, and without them SQLite chose the two-valued idx_attendance_attended for the
        # capacity count (450 ms per check-in at 1M rows). Skipped when another process holds
        # the write lock: closing must not wait on a busy kiosk.
        try:
            dbapi_connection.execute(f"PRAGMA busy_timeout={SQLITE_OPTIMIZE_BUSY_TIMEOUT_MS}")
            dbapi_connection.execute("PRAGMA analysis_limit=400")
            dbapi_connection.execute("PRAGMA optimize")
        except sqlite3.Error:
            pass  # busy or already broken: the statistics wait for the next close

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        mode = connection.info.pop("sqlite_begin", None) or connection.get_execution_options().get(
            "sqlite_begin", "DEFERRED"
        )
        connection.exec_driver_sql(f"BEGIN {mode}")
