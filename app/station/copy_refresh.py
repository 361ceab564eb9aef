"""Bringing a station copy up to date: the first copy, then only what changed.

One refresh reads one consistent snapshot of the server (REPEATABLE READ, read only) and writes
the copy in one SQLite transaction, so a refresh cut anywhere (kill -9, power) leaves the copy
as the previous refresh left it. Rows stream in keyset pages; nothing holds a whole table.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from app.door_window import DEFAULT_MARGIN_MINUTES
from app.settings import DOOR_CLOSES_MINUTES_AFTER, DOOR_OPENS_MINUTES_BEFORE, KNOWN_SETTINGS
from app.station.copy_bulk import bulk_first_copy, prefetched
from app.station.copy_tables import (
    BY_PATRON,
    COPIED,
    DOOR_SETTINGS,
    SPECS,
    WINDOW_ATTENDANCE,
    WINDOW_EVENTS,
    TableSpec,
    order_for_upsert,
)
from db.engine import mask_url

PAGE_ROWS = 20_000  # rows per keyset page and per executemany
ID_CHUNK = 5_000  # ids per `= ANY(...)` lookup of changed rows
PERIOD_BEFORE = timedelta(days=1)  # the copy holds events from yesterday...
PERIOD_AFTER = timedelta(days=7)  # ...to a week ahead (their door windows, margins included)
# The server keeps RETENTION of change log; a copy last refreshed longer than RECOPY_AFTER ago
# is copied afresh rather than trusted to find everything it missed in the log.
RETENTION = timedelta(days=14)
RECOPY_AFTER = timedelta(days=7)
PRUNE_ROWS = 5_000  # oldest log rows looked at per refresh: each refresh does a little

_log = logging.getLogger(__name__)

Progress = Callable[[int, int | None], None]


class Counts:
    def __init__(self):
        self.written: dict[str, int] = {}
        self.deleted = 0

    def wrote(self, table: str, count: int) -> None:
        self.written[table] = self.written.get(table, 0) + count


class Refresh:
    """One refresh: `server` is a raw psycopg cursor inside a REPEATABLE READ transaction,
    `copy` a raw sqlite3 cursor inside a write transaction on the copy."""

    def __init__(self, server, copy, progress: Progress | None):
        self.server = server
        self.copy = copy
        self.progress = progress or (lambda done, total: None)
        self.counts = Counts()
        self.done = 0
        self.total: int | None = None
        self.now = datetime.now(UTC)
        self.lo, self.hi = self._period()

    # --- the server's side -----------------------------------------------------------------

    def snapshot(self) -> str:
        self.server.execute("SELECT pg_current_snapshot()::text")
        return self.server.fetchone()[0]

    def _period(self) -> tuple[datetime, datetime]:
        """Events meet the period when their door window does: [start - before, end + after]
        overlaps [now - 1 day, now + 7 days]. Returned as bounds on start and end times."""
        margins = {DOOR_OPENS_MINUTES_BEFORE: None, DOOR_CLOSES_MINUTES_AFTER: None}
        self.server.execute("SELECT key, value FROM settings WHERE key = ANY(%s)", (list(margins),))
        for key, value in self.server.fetchall():
            with contextlib.suppress(ValueError):  # a bad value: the door uses the default
                margins[key] = KNOWN_SETTINGS[key].parse(value)
        before, after = (
            DEFAULT_MARGIN_MINUTES if m is None else m
            for m in (margins[DOOR_OPENS_MINUTES_BEFORE], margins[DOOR_CLOSES_MINUTES_AFTER])
        )
        lowest_end = self.now - PERIOD_BEFORE - timedelta(minutes=after)
        highest_start = self.now + PERIOD_AFTER + timedelta(minutes=before)
        return lowest_end, highest_start

    def _scope(self, spec: TableSpec) -> tuple[str, tuple]:
        """The WHERE condition (and its parameters) of the rows of `spec` a copy holds."""
        window = '"endTime" >= %s AND "startTime" <= %s'
        if spec.scope == WINDOW_EVENTS:
            return window, (self.lo, self.hi)
        if spec.scope == WINDOW_ATTENDANCE:
            return f'"eventId" IN (SELECT id FROM events WHERE {window})', (self.lo, self.hi)
        if spec.scope == DOOR_SETTINGS:
            return "key = ANY(%s)", (list(KNOWN_SETTINGS),)
        return "TRUE", ()

    def _count(self, spec: TableSpec) -> int:
        where, params = self._scope(spec)
        self.server.execute(f'SELECT count(*) FROM "{spec.name}" WHERE {where}', params)
        return self.server.fetchone()[0]

    def _pages(self, spec: TableSpec) -> Iterator[list[tuple]]:
        """Every row of `spec` in the copy's scope, in key order, PAGE_ROWS at a time."""
        where, params = self._scope(spec)
        key = spec.key
        order = ", ".join(f'"{c}"' for c in key)
        after = f"({order}) > ({', '.join('%s' + spec.pg_cast(c) for c in key)})"
        positions = [spec.columns.index(c) for c in key]
        last = None
        while True:
            condition = where if last is None else f"{where} AND {after}"
            self.server.execute(
                f'SELECT {spec.pg_select()} FROM "{spec.name}" WHERE {condition} '
                f"ORDER BY {order} LIMIT {PAGE_ROWS}",
                params + (last or ()),
            )
            rows = self.server.fetchall()
            if rows:
                yield rows
            if len(rows) < PAGE_ROWS:
                return
            last = tuple(rows[-1][p] for p in positions)

    def _rows_by(self, spec: TableSpec, column: str, values: list[str]) -> Iterator[list[tuple]]:
        """The rows in scope whose `column` is one of `values`, ID_CHUNK values at a time."""
        where, params = self._scope(spec)
        array = "uuid[]" if spec.is_uuid(column) else "text[]"
        for start in range(0, len(values), ID_CHUNK):
            chunk = values[start : start + ID_CHUNK]
            self.server.execute(
                f'SELECT {spec.pg_select()} FROM "{spec.name}" '
                f'WHERE {where} AND "{column}" = ANY(%s::{array})',
                params + (chunk,),
            )
            yield self.server.fetchall()

    def changes_since(self, snapshot: str) -> dict[str, list[str]]:
        """Keys of the rows written by transactions that `snapshot` did not see."""
        self.server.execute(
            'SELECT DISTINCT "table", "rowId" FROM change_log '
            "WHERE xid >= pg_snapshot_xmin(%s::pg_snapshot)::text::bigint "
            "AND NOT pg_visible_in_snapshot(xid::text::xid8, %s::pg_snapshot)",
            (snapshot, snapshot),
        )
        changed: dict[str, list[str]] = {}
        for table, row_id in self.server.fetchall():
            changed.setdefault(table, []).append(row_id)
        return changed

    # --- the copy's side -------------------------------------------------------------------

    def _advance(self, count: int) -> None:
        self.done += count
        self.progress(self.done, self.total)

    def _insert(self, spec: TableSpec, rows: list[tuple], *, upsert: bool) -> None:
        if not rows:
            return
        if upsert:
            rows = order_for_upsert(spec, rows)
            key_at = [spec.columns.index(c) for c in spec.key]
            for unique in spec.unique_sets():  # a row the server no longer has under this key
                at = [spec.columns.index(c) for c in unique]
                where = " AND ".join(f'"{c}" = ?' for c in unique)
                self.copy.executemany(
                    f'DELETE FROM "{spec.name}" WHERE {where} AND "{spec.key[0]}" <> ?',
                    [tuple(r[i] for i in at) + (r[key_at[0]],) for r in rows],
                )
        self.copy.executemany(spec.sqlite_upsert() if upsert else spec.sqlite_insert(), rows)
        self.counts.wrote(spec.name, len(rows))

    def _delete(self, table: str, column: str, values: list[str], *, count=True) -> None:
        for start in range(0, len(values), ID_CHUNK):
            chunk = values[start : start + ID_CHUNK]
            marks = ", ".join("?" for _ in chunk)
            self.copy.execute(f'DELETE FROM "{table}" WHERE "{column}" IN ({marks})', chunk)
            if count:
                self.counts.deleted += max(self.copy.rowcount, 0)

    def _copy_ids(self, table: str) -> set[str]:
        self.copy.execute(f'SELECT id FROM "{table}"')
        return {row[0] for row in self.copy.fetchall()}

    def write_state(self, snapshot: str, source: str) -> None:
        synced = self.now.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        self.copy.execute(
            'INSERT INTO station_copy_state (id, snapshot, source, "syncedAt") '
            "VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET snapshot = excluded.snapshot, "
            'source = excluded.source, "syncedAt" = excluded."syncedAt"',
            (snapshot, source, synced),
        )

    # --- the two kinds of refresh -------------------------------------------------------------

    def first_copy(self) -> None:
        """Every table from scratch: the copied tables emptied, then filled page by page."""
        for spec in reversed(COPIED):
            self.copy.execute(f'DELETE FROM "{spec.name}"')
        self.total = sum(self._count(spec) for spec in COPIED)
        self.progress(0, self.total)
        for spec in COPIED:
            # The server reads the next page while SQLite writes this one.
            for rows in prefetched(self._pages(spec)):
                self._insert(spec, rows, upsert=False)
                self._advance(len(rows))

    def incremental(self, snapshot: str) -> None:
        changed = self.changes_since(snapshot)
        entering, leaving = self._window_moves()
        patrons = sorted({i for t in ("users", "patron_search_stale") for i in changed.get(t, [])})
        self.total = sum(len(ids) for ids in changed.values()) + len(entering) + len(leaving)
        self.progress(0, self.total)
        self._delete("events", "id", sorted(leaving))
        for spec in COPIED:
            if spec.scope == BY_PATRON:
                self._replace_by_patron(spec, patrons)
                continue
            ids = sorted(changed.get(spec.name, ()))
            self._apply(spec, spec.key[0], ids)
            if spec.scope == WINDOW_EVENTS and entering:
                self._apply(spec, "id", sorted(entering), count_missing=False)
            if spec.scope == WINDOW_ATTENDANCE and entering:
                self._apply(spec, "eventId", sorted(entering), count_missing=False)
            self._advance(len(ids))
        self.done = self.total  # the search tables' marks are counted in, not advanced
        self.progress(self.done, self.total)

    def _apply(self, spec: TableSpec, column: str, values: list[str], *, count_missing=True):
        """Write the rows in scope whose `column` is in `values`; delete the others (by key)."""
        if not values:
            return
        found: set[str] = set()
        key_at = spec.columns.index(spec.key[0])
        for rows in self._rows_by(spec, column, values):
            self._insert(spec, rows, upsert=True)
            found.update(row[key_at] for row in rows)
        if count_missing:
            gone = [v for v in values if _copy_form(spec, v) not in found]
            self._delete(spec.name, spec.key[0], [_copy_form(spec, v) for v in gone])

    def _replace_by_patron(self, spec: TableSpec, patrons: list[str]) -> None:
        """Make the patrons' rows of a search table the server's: only the rows that differ
        are deleted or inserted (a patron's edit rarely changes their keys, and rewriting
        five keys per patron was most of a refresh's work)."""
        key_cols = " AND ".join(f'"{c}" = ?' for c in spec.key)
        columns = ", ".join(f'"{c}"' for c in spec.columns)
        for start in range(0, len(patrons), ID_CHUNK):
            chunk = patrons[start : start + ID_CHUNK]
            wanted = {row for rows in self._rows_by(spec, "patronId", chunk) for row in rows}
            marks = ", ".join("?" for _ in chunk)
            self.copy.execute(
                f'SELECT {columns} FROM "{spec.name}" WHERE "patronId" IN ({marks})',
                [_hex(p) for p in chunk],
            )
            present = {tuple(row) for row in self.copy.fetchall()}
            at = [spec.columns.index(c) for c in spec.key]
            gone = [tuple(row[i] for i in at) for row in present - wanted]
            if gone:
                self.copy.executemany(f'DELETE FROM "{spec.name}" WHERE {key_cols}', gone)
            self._insert(spec, sorted(wanted - present), upsert=False)

    def _window_moves(self) -> tuple[set[str], set[str]]:
        """Events that came into the period (time passed, or a date moved) and went out."""
        where, params = self._scope(SPECS["events"])
        self.server.execute(f"SELECT replace(id::text, '-', '') FROM events WHERE {where}", params)
        on_server = {row[0] for row in self.server.fetchall()}
        in_copy = self._copy_ids("events")
        return on_server - in_copy, in_copy - on_server


def _hex(value: str) -> str:
    return value.replace("-", "")


def _copy_form(spec: TableSpec, value: str) -> str:
    return _hex(value) if spec.is_uuid(spec.key[0]) else value


def run(
    server_engine: Engine, copy_engine: Engine, progress: Progress | None
) -> tuple[Counts, bool, float]:
    """Refresh the copy; returns the counts, whether it was a first copy, and the seconds."""
    started = time.perf_counter()
    source = mask_url(server_engine.url)
    server_conn = server_engine.connect().execution_options(
        isolation_level="REPEATABLE READ", postgresql_readonly=True
    )
    with server_conn, server_conn.begin():
        copy_conn = copy_engine.connect().execution_options(sqlite_begin="IMMEDIATE")
        with copy_conn, copy_conn.begin():
            server = server_conn.connection.driver_connection.cursor()
            copy = copy_conn.connection.driver_connection.cursor()
            refresh = Refresh(server, copy, progress)
            snapshot = refresh.snapshot()
            previous = _previous_snapshot(copy_conn, source)
            if previous is None:
                with bulk_first_copy(copy_conn):
                    refresh.first_copy()
            else:
                refresh.incremental(previous)
            refresh.write_state(snapshot, source)
    _prune(server_engine)
    return refresh.counts, previous is None, time.perf_counter() - started


def _previous_snapshot(copy_conn: Connection, source: str) -> str | None:
    """The snapshot the copy was last brought to, if it came from this same database and
    recently enough for the change log to still hold everything since."""
    row = copy_conn.exec_driver_sql(
        'SELECT snapshot, source, "syncedAt" FROM station_copy_state WHERE id = 1'
    ).first()
    if row is None or row[0] is None or row[1] != source or row[2] is None:
        return None
    synced = datetime.fromisoformat(row[2]).replace(tzinfo=UTC)
    return row[0] if datetime.now(UTC) - synced < RECOPY_AFTER else None


def _prune(server_engine: Engine) -> None:
    """Forget the oldest change log rows past RETENTION, a few thousand per refresh (found
    through the key, so a log with nothing to prune costs one short index read)."""
    try:
        with server_engine.begin() as connection:
            connection.exec_driver_sql(
                "DELETE FROM change_log WHERE seq IN "
                f"(SELECT seq FROM change_log ORDER BY seq LIMIT {PRUNE_ROWS}) "
                f"AND \"changedAt\" < now() - interval '{RETENTION.days} days'"
            )
    except DBAPIError as exc:  # e.g. a role without DELETE: the refresh itself succeeded
        _log.warning("could not prune the change log: %s", exc.orig or exc)
