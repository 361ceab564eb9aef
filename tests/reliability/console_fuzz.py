"""A hypothesis-driven attack on the SQL console, on either backend: writes and DDL, dangerous
functions called through every spelling the guard once missed (quoted, schema-qualified, upper
case, split by comments, PostgreSQL's U&"" escapes, inside query_to_xml or EXPLAIN ANALYZE),
secret reads, resource bombs, and random text. Both surfaces: the console object the Admin tab
runs and `credopass sql`.

Figures: calls, `let_through` (a write/side-effect attack answered with rows), `changed` (the
database, a victim session, a listener, a lock or a file differs after the call), `unclear` (a
refusal without a plain one-line message, or a raw exception), `leaked` (the PIN hash in any
output), `slow` (a call past its deadline)."""

from __future__ import annotations

import contextlib
import glob
import io
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from app.admin.console import QueryStopped, ReadOnlyConsole
from app.admin.sql_guard import QueryRefused
from app.cli import main
from app.pin import set_admin_pin
from db.engine import create_app_engine
from db.models import Setting, User
from db.session import make_session_factory, unit_of_work
from tests.admin_data import small_world
from tests.app.test_console_walls import ATTEMPTS, PG_TRICKS
from tests.reliability.databases import fresh_database, url_text

CONSOLE_TIMEOUT_S = 2.0
CALL_DEADLINE_S = 20  # the timeout plus a fresh connection and a CLI start on a loaded machine
FILE_PREFIX = "/tmp/credopass_fuzz_"  # what a file-writing attack aims at; none may appear
_OTHERS = "from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()"

# (function, arguments): each would change something, read a file, hold a lock, signal another
# session, or sleep, if it ran.
DANGEROUS = [
    ("pg_terminate_backend", "pid"),
    ("pg_cancel_backend", "pid"),
    ("pg_read_file", "'/etc/passwd'"),
    ("pg_read_binary_file", "'/etc/passwd'"),
    ("pg_ls_dir", "'.'"),
    ("pg_stat_file", "'/etc/passwd'"),
    ("pg_advisory_lock", "4242"),
    ("pg_try_advisory_lock", "4242"),
    ("pg_notify", "'credopass_fuzz', 'x'"),
    ("pg_reload_conf", ""),
    ("pg_rotate_logfile", ""),
    ("pg_sleep", "30"),
    ("set_config", "'role', 'postgres', false"),
    ("set_config", "'statement_timeout', '0', false"),
    ("lo_import", "'/etc/passwd'"),
    ("lo_export", f"1, '{FILE_PREFIX}lo'"),
    ("nextval", "'users_id_seq'"),
    ("txid_current", ""),
    ("dblink_exec", "'dbname=x', 'delete from users'"),
    ("load_extension", f"'{FILE_PREFIX}ext'"),
    ("writefile", f"'{FILE_PREFIX}w', 'y'"),
    ("readfile", "'/etc/passwd'"),
    ("edit", "'x'"),
    ("fts3_tokenizer", "'simple'"),
]

# How a function name may be spelled to slip past a text check.
SPELLINGS = [
    lambda f: f,
    lambda f: f'"{f}"',
    lambda f: f"pg_catalog.{f}",
    lambda f: f'"pg_catalog"."{f}"',
    lambda f: f.upper(),
    lambda f: f"{f}/**/",
    lambda f: f"{f} ",
    lambda f: 'U&"' + "".join(f"\\{ord(c):04x}" if c == "_" else c for c in f) + '"',
]

# Where the call may sit in a query.
PLACES = [
    lambda call: f"select {call} {_OTHERS}" if "(pid" in call else f"select {call}",
    lambda call: f"select * from (select {call} as x {_OTHERS if '(pid' in call else ''}) s",
    lambda call: f"with c as (select {call} as x) select * from c",
    lambda call: f"select case when true then {call} end",
    lambda call: f"select 1 where exists (select {call})",
    lambda call: "select query_to_xml('select " + call.replace("'", "''") + "', true, true, '')",
    lambda call: f"explain analyze select {call}",
    lambda call: f"select 1; select {call}",
]

SECRET_READS = [
    "select value from settings",
    "select * from settings",
    "select s.* from settings s",
    "select settings from settings",
    "select row_to_json(s) from settings s",
    'select "value" from "settings"',
    "select (select value from settings limit 1)",
    "select substr(value, 1, 40), substr(value, 41) from settings where key = 'admin_pin_hash'",
    "select group_concat(value) from settings",
    "select string_agg(value, ',') from settings",
    "select k from settings, lateral (select value as k) x",
    "select json_object('v', value) from settings",
    "select 1 from settings where value like 'scrypt%'",
    "select count(*) from settings where substr(value, 1, 1) = 's'",
]

BOMBS = [
    "select count(*) from generate_series(1, 100000000)",
    "select * from generate_series(1, 10000000)",
    "with recursive n(i) as (select 1 union all select i + 1 from n) select count(*) from n",
    "select count(*) from users a, users b, users c, users d, users e",
    "select length(repeat('x', 1000000000))",
    "select length(replace(printf('%.*c', 100000000, 'a'), 'a', 'bbbbbbbb'))",
    "select instr(printf('%.*c', 4000000, 'a'), printf('%.*c', 200000, 'a') || 'b')",
    "select length(randomblob(1000000000))",
    "select length(zeroblob(1000000000))",
    "select string_agg(repeat('x', 100000), '') from generate_series(1, 100000)",
    "select * from users where email like '" + "%a" * 200 + "'",
]

_ATTACK = st.one_of(
    st.sampled_from(ATTEMPTS + PG_TRICKS),
    st.builds(
        lambda place, spell, fn: place(f"{spell(fn[0])}({fn[1]})"),
        st.sampled_from(PLACES),
        st.sampled_from(SPELLINGS),
        st.sampled_from(DANGEROUS),
    ),
)
_QUERIES = st.one_of(
    st.tuples(st.just("attack"), _ATTACK),
    st.tuples(st.just("secret"), st.sampled_from(SECRET_READS)),
    st.tuples(st.just("bomb"), st.sampled_from(BOMBS)),
    st.tuples(st.just("noise"), st.text(max_size=80)),
)


def fuzz_console(backend: str, examples: int) -> dict:
    figures = {
        "calls": 0,
        "refused": 0,
        "answered": 0,
        "let_through": [],
        "changed": [],
        "unclear": [],
        "leaked": [],
        "slow": [],
    }
    with fresh_database(backend) as url:
        engine = create_app_engine(url)
        sessions = make_session_factory(engine)
        with unit_of_work(sessions) as session:
            small_world(session)
            set_admin_pin(session, "4321")
        with unit_of_work(sessions, write=False) as session:
            pin_hash = session.get(Setting, "admin_pin_hash").value
        watch = _Watch(engine)
        cli_url = url_text(url)
        try:
            _run(figures, engine, cli_url, watch, pin_hash, examples)
        finally:
            watch.close()
            engine.dispose()
    findings = [v for v in figures.values() if isinstance(v, list)]
    figures["ok"] = not any(findings)
    return figures


def _run(figures, engine, cli_url, watch, pin_hash, examples) -> None:
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(_QUERIES, st.integers(0, 4))
    def one(kind_and_sql, surface):
        kind, sql = kind_and_sql
        before = watch.state()
        through_cli = surface == 0  # one call in five through `credopass sql`
        started = time.perf_counter()
        answered, message = (_cli if through_cli else _console)(engine, cli_url, sql)
        seconds = time.perf_counter() - started
        figures["calls"] += 1
        figures["answered" if answered else "refused"] += 1
        short = f"{'cli' if through_cli else 'console'}: {sql[:100]!r}"
        if any(piece in message for piece in _pieces(pin_hash)):
            figures["leaked"].append(short)
        if answered and kind == "attack":
            figures["let_through"].append(short)
        if not answered and not _clear(message):
            figures["unclear"].append(f"{short} -> {message[:200]!r}")
        after = watch.state()
        if after != before:
            figures["changed"].append(f"{short}: {_difference(before, after)}")
            watch.reset()
        if seconds > CALL_DEADLINE_S:
            figures["slow"].append(f"{short}: {seconds:.1f} s")

    one()


def _pieces(secret: str) -> list[str]:
    """The secret and its 20-character slices: a query may read it in parts (substr)."""
    return [secret] + [secret[i : i + 20] for i in range(0, len(secret) - 19, 20)]


def _console(engine, _cli_url, sql) -> tuple[bool, str]:
    """(answered with rows, everything shown)."""
    try:
        result = ReadOnlyConsole(engine, timeout_s=CONSOLE_TIMEOUT_S).run(sql)
    except (QueryRefused, QueryStopped) as refusal:
        return False, getattr(refusal, "message", None) or str(refusal)
    except Exception as exc:  # noqa: BLE001 - a raw exception is a finding, reported as unclear
        return False, f"Traceback: {type(exc).__name__}: {exc}"
    return True, repr(result.columns) + repr(result.rows)


def _cli(_engine, cli_url, sql) -> tuple[bool, str]:
    out, err = io.StringIO(), io.StringIO()
    argv = ["sql", sql, "--timeout", str(CONSOLE_TIMEOUT_S), "--database-url", cli_url]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse: a query starting with "-" is an option to it
            code = exc.code if isinstance(exc.code, int) else 2
        except BaseException as exc:  # noqa: BLE001 - an escaped exception is a finding
            return False, f"Traceback: {type(exc).__name__}: {exc}"
    shown = out.getvalue() + err.getvalue()
    if code == 0:
        return True, shown
    if code not in (1, 2):
        return False, f"Traceback: exit {code}: {shown}"
    return False, shown.strip().removeprefix("credopass: ").strip()


def _clear(message: str) -> bool:
    """A plain message: said in a line or two, not a traceback or a driver's raw dump."""
    message = message.strip()
    return (
        bool(message)
        and len(message) <= 600
        and message.count("\n") <= 12  # argparse's usage text for a query that looks like -x
        and "Traceback" not in message
        and "unexpected error" not in message
        and "psycopg." not in message
        and "sqlalchemy" not in message.lower()
    )


class _Watch:
    """What an attack could change: the rows and tables, and on PostgreSQL another session
    (alive?), a listener (notified?), advisory locks and the pooled connection's role."""

    def __init__(self, engine):
        self.engine = engine
        self.postgresql = engine.dialect.name == "postgresql"
        self.victim = self.listener = None
        self.reset()

    def reset(self) -> None:
        self.close()
        if not self.postgresql:
            return
        self.victim = self.engine.raw_connection()
        self.victim.driver_connection.autocommit = True
        self.victim_pid = self.victim.driver_connection.execute(
            "SELECT pg_backend_pid()"
        ).fetchone()[0]
        self.listener = self.engine.raw_connection()
        self.listener.driver_connection.autocommit = True
        self.listener.driver_connection.execute("LISTEN credopass_fuzz")

    def state(self) -> tuple:
        with self.engine.connect() as connection:
            rows = (
                connection.scalar(select(func.count()).select_from(User)),
                connection.scalar(select(func.min(User.email))),
                tuple(connection.execute(select(Setting.key, Setting.value)).all()),
            )
            if self.postgresql:
                extra = (
                    connection.scalar(
                        text("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")
                    ),
                    connection.scalar(
                        text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")
                    ),
                    connection.scalar(text("SELECT current_user")),
                    connection.scalar(text("SHOW statement_timeout")),
                    self._victim_alive(),
                    self._notified(),
                )
            else:
                extra = (connection.scalar(text("SELECT count(*) FROM sqlite_master")),)
        return rows + extra + (tuple(sorted(glob.glob(FILE_PREFIX + "*"))),)

    def _victim_alive(self) -> bool:
        try:
            cursor = self.victim.driver_connection.execute("SELECT pg_backend_pid()")
            return cursor.fetchone()[0] == self.victim_pid
        except Exception:  # noqa: BLE001 - a killed session raises; that is the finding
            return False

    def _notified(self) -> int:
        try:
            self.listener.driver_connection.execute("SELECT 1")
            return len(list(self.listener.driver_connection.notifies(timeout=0, stop_after=1)))
        except Exception:  # noqa: BLE001
            return -1

    def close(self) -> None:
        for connection in (self.victim, self.listener):
            if connection is not None:
                with contextlib.suppress(Exception):
                    connection.invalidate()
        self.victim = self.listener = None


def _difference(before: tuple, after: tuple) -> str:
    names = ["users", "min email", "settings", "tables"]
    if len(before) > 5:
        names += ["advisory locks", "role", "statement_timeout", "victim alive", "notified"]
    names.append("files")
    changed = [
        f"{n}: {b!r} -> {a!r}" for n, b, a in zip(names, before, after, strict=True) if a != b
    ]
    return "; ".join(changed)[:300]
