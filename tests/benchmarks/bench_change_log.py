"""What the change log's triggers (migration 0008) cost a check-in's writes, on PostgreSQL.

A check-in writes an attendance row, a loyalty award and an audit row in one transaction. The
same three inserts (a fresh benchmark event, a different patron each call) are timed through
the bare driver in blocks of 50 calls, alternately with the change log triggers enabled and
disabled (ALTER TABLE ... DISABLE TRIGGER between blocks), so the machine's load hits both
alike. The difference of the medians is the triggers' cost per check-in. The rows and the
event are deleted afterwards and the triggers are enabled again, leaving the data set as it was.

A bulk write as the patron import makes it (new users, then four search keys each, one
statement each), BULK patrons at a time, is timed the same way, alternately with and without
the triggers, and rolled back every time.
"""

from __future__ import annotations

import os
import time
import uuid
from datetime import UTC, datetime

from tests.benchmarks.harness import Result, Skip, percentile, summary

BLOCK = 50
BLOCKS = 10  # per side
BULK = 20_000
BULK_ROUNDS = 3  # per side
TRACKED = ("users", "events", "attendance", "loyalty", "patron_search_stale")
_EVENTS = ("insert", "update", "delete")


def run(dataset) -> list[Result]:
    if dataset.backend != "postgresql":
        raise Skip("the change log is filled on PostgreSQL only")
    import psycopg  # noqa: PLC0415

    conninfo = dataset.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo) as conn:
        host, patrons = _setup(conn)
        event = uuid.uuid4()
        now = datetime.now(UTC)
        conn.execute(
            'INSERT INTO events (id, name, status, "startTime", "endTime", location, "hostId") '
            "VALUES (%s, 'change log benchmark', 'ongoing', %s, %s, 'here', %s)",
            (event, now, now, host),
        )
        conn.commit()
        timings = {True: [], False: []}
        try:
            calls = iter(patrons)
            for block in range(2 * BLOCKS):
                enabled = block % 2 == 0
                _switch(conn, enabled)
                for _ in range(BLOCK):
                    timings[enabled].append(_check_in(conn, event, next(calls)))
            bulk = {True: [], False: []}
            for round_ in range(2 * BULK_ROUNDS):
                enabled = round_ % 2 == 1
                _switch(conn, enabled)
                bulk[enabled].append(_bulk_write(conn))
        finally:
            _switch(conn, True)
            conn.execute("DELETE FROM events WHERE id = %s", (event,))
            conn.execute("DELETE FROM loyalty WHERE description = 'change log benchmark'")
            conn.execute("DELETE FROM audit_log WHERE station = 'change-log-benchmark'")
            conn.commit()
    bulk_off, bulk_on = min(bulk[False]), min(bulk[True])
    per_100k = (bulk_on - bulk_off) * 100_000 / BULK / 1000
    off, on = timings[False], timings[True]
    delta = percentile(on, 0.5) - percentile(off, 0.5)
    load = f"load {os.getloadavg()[0]:.1f}"
    return [
        summary("check-in writes, no change log", "postgresql", off, p99_target=None, note=load),
        summary(
            "check-in writes, with change log",
            "postgresql",
            on,
            p99_target=None,
            ratio=percentile(on, 0.99) / percentile(off, 0.99),
            note=f"median +{delta:.2f} ms per check-in; {load}",
        ),
        summary(
            f"bulk write of {BULK:,} patrons + keys",
            "postgresql",
            bulk[True],
            p99_target=None,
            ratio=bulk_on / bulk_off,
            note=f"best {bulk_on:.0f} ms with the change log, {bulk_off:.0f} ms without: "
            f"+{per_100k:.1f} s per 100,000 imported patrons; {load}",
        ),
    ]


def _bulk_write(conn) -> float:
    started = time.perf_counter()
    conn.execute(
        'INSERT INTO users (id, email, "firstName", "lastName") '
        "SELECT gen_random_uuid(), 'bulk-' || g || '@change-log.example', 'Bulk', 'Patron' || g "
        "FROM generate_series(1, %s) AS g",
        (BULK,),
    )
    conn.execute(
        'INSERT INTO patron_search (kind, key, "patronId") '
        "SELECT k.kind, k.kind || u.email, u.id FROM users u "
        "CROSS JOIN (VALUES ('e'), ('f'), ('l'), ('n')) AS k(kind) "
        "WHERE u.email LIKE 'bulk-%%@change-log.example'"
    )
    elapsed = (time.perf_counter() - started) * 1000
    conn.rollback()
    return elapsed


def _setup(conn) -> tuple[uuid.UUID, list[uuid.UUID]]:
    rows = conn.execute(f"SELECT id FROM users LIMIT {2 * BLOCKS * BLOCK + 1}").fetchall()
    if len(rows) <= 2 * BLOCKS * BLOCK:
        raise Skip("the data set has too few patrons")
    return rows[0][0], [row[0] for row in rows[1:]]


def _switch(conn, enabled: bool) -> None:
    verb = "ENABLE" if enabled else "DISABLE"
    for table in TRACKED:
        for suffix in _EVENTS:
            conn.execute(f"ALTER TABLE {table} {verb} TRIGGER trg_{table}_change_{suffix}")
    conn.commit()


def _check_in(conn, event: uuid.UUID, patron: uuid.UUID) -> float:
    now = datetime.now(UTC)
    started = time.perf_counter()
    conn.execute(
        'INSERT INTO attendance ("eventId", "patronId", attended, "checkInTime") '
        "VALUES (%s, %s, true, %s)",
        (event, patron, now),
    )
    conn.execute(
        'INSERT INTO loyalty ("patronId", description, points) '
        "VALUES (%s, 'change log benchmark', 10)",
        (patron,),
    )
    conn.execute(
        'INSERT INTO audit_log (station, method, action, outcome, "eventId", "patronId") '
        "VALUES ('change-log-benchmark', 'scan', 'check_in', 'admitted', %s, %s)",
        (event, patron),
    )
    conn.commit()
    return (time.perf_counter() - started) * 1000
