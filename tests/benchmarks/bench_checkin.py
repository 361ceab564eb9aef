"""Check-in: scanned code -> committed attendance + loyalty award + audit row.

The use case (`app.checkin.actions.check_in` through `run_in_transaction`, as the kiosk's worker runs
it) is timed against a raw-SQL baseline: the same statements it issues (lock the event; find the
patron with their attendance row at the event; count the event's check-ins for capacity; insert
the row; read the points settings with the balance; insert the award and the log row; commit)
through the bare driver (sqlite3 / psycopg), no ORM. The two are interleaved call by call so
that load from elsewhere on the machine hits both alike. Each call checks in a different patron
at a fresh benchmark event; the events and their rows are deleted afterwards, leaving the cached
data set as it was.
"""

from __future__ import annotations

import json
import random
import sqlite3
import time
import uuid
from datetime import UTC, datetime, timedelta

import psycopg
from sqlalchemy import delete, select

from db.models import AuditLog, Event, Loyalty, User
from db.session import run_in_transaction, unit_of_work
from tests.benchmarks.harness import Result, Skip, percentile, summary

# SQLite's tail is the WAL auto-checkpoint (every ~1,000 pages), taken by whichever side commits
# at that moment: with 300 calls one side could see none of them and the p99 ratio was noise
# (x0.99 to x7.5 on the same code). 1,000 calls put several on each side.
CALLS = 1000
WARMUP = 10
STATION = "benchmark"
P99_TARGET_MS = 10
RATIO_TARGET = 3


def _sqlite_time(value: datetime) -> str:
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


class RawCheckIn:
    """The check-in's statements through the bare driver."""

    def __init__(self, dataset):
        self.sqlite = dataset.backend == "sqlite"
        if self.sqlite:
            self.db = sqlite3.connect(dataset.url.database, isolation_level=None)
            for pragma in ("foreign_keys=ON", "journal_mode=WAL", "synchronous=FULL"):
                self.db.execute(f"PRAGMA {pragma}")
            self.db.execute("PRAGMA busy_timeout=10000")
            self.mark = "?"
        else:
            url = dataset.url
            self.db = psycopg.connect(
                host=url.host, port=url.port, user=url.username, dbname=url.database
            )
            self.mark = "%s"

    def _id(self, value: uuid.UUID):
        return value.hex if self.sqlite else value

    def _time(self, value: datetime):
        return _sqlite_time(value) if self.sqlite else value

    def check_in(self, event_id: uuid.UUID, patron_id: uuid.UUID, event_name: str) -> None:
        m, db = self.mark, self.db
        now = datetime.now(UTC)
        ev, pid = self._id(event_id), self._id(patron_id)
        cur = db.cursor()
        if self.sqlite:
            cur.execute("BEGIN IMMEDIATE")
        lock = "" if self.sqlite else " FOR UPDATE"
        cur.execute(
            f'SELECT id, name, status, "startTime", "endTime", capacity FROM events '
            f"WHERE id = {m}{lock}",
            (ev,),
        )
        cur.fetchone()
        cur.execute(
            f'SELECT u.id, u."firstName", u."lastName", a.id, a.attended, a."checkInTime", '
            f'a."checkOutTime" FROM users u LEFT JOIN attendance a ON a."patronId" = u.id '
            f'AND a."eventId" = {m} WHERE u.id = {m}',
            (ev, pid),
        )
        cur.fetchone()
        cur.execute(
            f'SELECT count(*) FILTER (WHERE attended) FROM attendance WHERE "eventId" = {m}', (ev,)
        )
        cur.fetchone()
        cur.execute(
            f'INSERT INTO attendance (id, "eventId", "patronId", attended, "checkInTime") '
            f"VALUES ({m}, {m}, {m}, {m}, {m})",
            (self._id(uuid.uuid4()), ev, pid, True, self._time(now)),
        )
        cur.execute(
            f"SELECT (SELECT value FROM settings WHERE key = {m}), "
            f"(SELECT value FROM settings WHERE key = {m}), "
            f'(SELECT coalesce(sum(points), 0) FROM loyalty WHERE "patronId" = {m} '
            f'AND ("expiresAt" IS NULL OR "expiresAt" > {m}))',
            ("points_per_visit", "points_expiry_days", pid, self._time(now)),
        )
        cur.fetchone()
        cur.execute(
            f'INSERT INTO loyalty (id, "patronId", description, tier, points, "issuedAt", '
            f'"expiresAt") VALUES ({m}, {m}, {m}, {m}, {m}, {m}, {m})',
            (
                self._id(uuid.uuid4()),
                pid,
                f"Attendance at {event_name}",
                "bronze",
                10,
                self._time(now),
                self._time(now + timedelta(days=365)),
            ),  # fmt: skip
        )
        cur.execute(
            f'INSERT INTO audit_log (id, "createdAt", station, method, action, outcome, '
            f'"eventId", "patronId", detail) VALUES ({m}, {m}, {m}, {m}, {m}, {m}, {m}, {m}, {m})',
            (
                self._id(uuid.uuid4()),
                self._time(now),
                STATION,
                "scan",
                "check_in",
                "checked_in",
                ev,
                pid,
                json.dumps({"points": 10, "previous": None}),
            ),  # fmt: skip
        )
        if self.sqlite:
            cur.execute("COMMIT")
        else:
            db.commit()
        cur.close()

    def close(self) -> None:
        self.db.close()


def _bench_event(sessions, label: str) -> tuple[uuid.UUID, str]:
    now = datetime.now(UTC)
    name = f"Benchmark {label} {uuid.uuid4().hex[:8]}"
    with unit_of_work(sessions) as s:
        host = s.scalar(select(User.id).limit(1))
        event = Event(
            name=name,
            status="ongoing",
            start_time=now - timedelta(hours=1),
            end_time=now + timedelta(hours=8),
            location="Benchmark hall",
            capacity=100_000,  # set, so the capacity count runs as it would at a real door
            host_id=host,
        )
        s.add(event)
        s.flush()
        return event.id, name


def _cleanup(sessions, events: list[tuple[uuid.UUID, str]]) -> None:
    with unit_of_work(sessions) as s:
        ids = [e for e, _ in events]
        s.execute(delete(AuditLog).where(AuditLog.station == STATION))
        s.execute(delete(AuditLog).where(AuditLog.event_id.in_(ids)))
        descriptions = [f"Attendance at {name}" for _, name in events]
        s.execute(delete(Loyalty).where(Loyalty.description.in_(descriptions)))
        s.execute(delete(Event).where(Event.id.in_(ids)))  # attendance goes with it (cascade)


def run(dataset) -> list[Result]:
    try:
        from app.checkin.actions import check_in
        from app.checkin.outcomes import Outcome
    except ImportError as exc:
        raise Skip(f"the check-in use case is not there yet ({exc})") from None
    sessions = dataset.sessions
    with unit_of_work(sessions, write=False) as s:
        # Patrons spread over the table (not the first rows, which may sit in cache).
        ids = s.scalars(select(User.id).limit(20_000)).all()
    patrons = random.Random(7).sample(ids, 2 * (CALLS + WARMUP))
    app_event = _bench_event(sessions, "use case")
    raw_event = _bench_event(sessions, "raw")
    raw = RawCheckIn(dataset)
    app_ms, raw_ms = [], []
    try:
        for i in range(CALLS + WARMUP):
            code = str(patrons[2 * i])

            def action(s, code=code):
                return check_in(s, app_event[0], code, station=STATION, method="scan")

            started = time.perf_counter()
            result = run_in_transaction(sessions, action)
            elapsed = (time.perf_counter() - started) * 1000
            if result.outcome is not Outcome.CHECKED_IN:
                raise RuntimeError(f"benchmark check-in refused: {result.outcome} {result.message}")
            started = time.perf_counter()
            raw.check_in(raw_event[0], patrons[2 * i + 1], raw_event[1])
            raw_elapsed = (time.perf_counter() - started) * 1000
            if i >= WARMUP:
                app_ms.append(elapsed)
                raw_ms.append(raw_elapsed)
    finally:
        raw.close()
        _cleanup(sessions, [app_event, raw_event])
    raw_p99 = percentile(raw_ms, 0.99)
    ratio = percentile(app_ms, 0.99) / raw_p99
    backend = dataset.backend
    return [
        summary(
            "check-in use case",
            backend,
            app_ms,
            p99_target=P99_TARGET_MS,
            ratio=ratio,
            ratio_target=RATIO_TARGET,
        ),
        summary(
            "check-in raw SQL baseline",
            backend,
            raw_ms,
            p99_target=None,
            note="bare driver, same statements; the reference for the ratio",
        ),
    ]
