"""The station copy (issue 11): first copy of the whole data set, then a refresh after 1,000
patron changes, each beside a raw reference measured in the same run.

PostgreSQL only (a station copies from a shared server). The first copy goes into a fresh
SQLite file in a temporary folder; the raw reference is a bare `COPY (SELECT ...) TO STDOUT`
of the same rows, converted the same way, read and thrown away (what the server and the
network cost, with no SQLite at all). The 1,000 changes are 900 updated patrons and 100
deleted ones (inserted before the first copy for the purpose, so the cached data set keeps its
patrons); the reference for the refresh is a bare select of the same 1,000 rows by id.
Targets: first copy of 1M patrons <= 2 min, refresh <= 5 s. At another scale the first copy's
target is scaled linearly (it is linear: keyset pages, fixed-size batches).
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import text

from tests.benchmarks.harness import Result, Skip, single

FIRST_COPY_TARGET_MS_PER_MILLION = 120_000
REFRESH_TARGET_MS = 5_000
CHANGES = 1_000
DELETED = 100


def run(dataset) -> list[Result]:
    if dataset.backend != "postgresql":
        raise Skip("a station copies from PostgreSQL; on SQLite there is nothing to copy")
    from app.station.copy import open_copy, refresh_copy  # noqa: PLC0415

    engine = dataset.engine
    doomed = _insert_doomed(engine)
    previous = os.environ.get("XDG_DATA_HOME")
    results = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            os.environ["XDG_DATA_HOME"] = folder
            raw_ms = _raw_copy_ms(engine)
            copy = open_copy("benchmark", create=True)
            load_before = os.getloadavg()[0]
            started, cpu = time.perf_counter(), time.process_time()
            first = refresh_copy(engine, copy)
            first_ms = (time.perf_counter() - started) * 1000
            first_cpu = time.process_time() - cpu
            size_mb = Path(copy.url.database).stat().st_size / 1e6
            results.append(
                single(
                    f"station first copy, {first.patrons:,} patrons",
                    dataset.backend,
                    first_ms,
                    target_ms=FIRST_COPY_TARGET_MS_PER_MILLION * dataset.scale / 1_000_000,
                    note=f"{first_ms / raw_ms:.1f}x a bare COPY out ({raw_ms / 1000:.1f} s); "
                    f"{first_cpu:.0f} s CPU in this process; "
                    f"file {size_mb:.0f} MB; load {load_before:.1f}-{os.getloadavg()[0]:.1f}",
                )
            )
            changed = _change_patrons(engine, doomed)
            reference_ms = _raw_select_ms(engine, changed)
            load_before = os.getloadavg()[0]
            started, cpu = time.perf_counter(), time.process_time()
            summary = refresh_copy(engine, copy)
            refresh_ms = (time.perf_counter() - started) * 1000
            refresh_cpu_ms = (time.process_time() - cpu) * 1000
            results.append(
                single(
                    f"station refresh after {CHANGES:,} changes",
                    dataset.backend,
                    refresh_ms,
                    target_ms=REFRESH_TARGET_MS,
                    note=f"{summary.patrons} written, {summary.deleted} removed; "
                    f"{refresh_ms / reference_ms:.0f}x a bare select of the rows "
                    f"({reference_ms:.0f} ms); {refresh_cpu_ms:.0f} ms CPU in this process; load {load_before:.1f}-{os.getloadavg()[0]:.1f}",
                )
            )
            copy.dispose()
    finally:
        if previous is None:
            os.environ.pop("XDG_DATA_HOME", None)
        else:
            os.environ["XDG_DATA_HOME"] = previous
        with engine.begin() as c:
            c.execute(text("DELETE FROM users WHERE id = ANY(:ids)"), {"ids": doomed})
    return results


def _insert_doomed(engine) -> list[uuid.UUID]:
    ids = [uuid.uuid4() for _ in range(DELETED)]
    with engine.begin() as c:
        c.execute(
            text(
                'INSERT INTO users (id, email, "firstName", "lastName") '
                "SELECT i, 'copy-bench-' || i || '@example.com', 'Copy', 'Bench' "
                "FROM unnest(CAST(:ids AS uuid[])) AS i"
            ),
            {"ids": ids},
        )
    return ids


def _change_patrons(engine, doomed: list[uuid.UUID]) -> list[uuid.UUID]:
    """900 patrons renamed as an admin or the web service would, 100 deleted."""
    with engine.begin() as c:
        updated = [
            row[0]
            for row in c.execute(
                text(
                    'UPDATE users SET "updatedAt" = now() WHERE id IN '
                    "(SELECT id FROM users ORDER BY random() LIMIT :n) RETURNING id"
                ),
                {"n": CHANGES - DELETED},
            )
        ]
        c.execute(text("DELETE FROM users WHERE id = ANY(:ids)"), {"ids": doomed})
    return updated + doomed


def _raw_copy_ms(engine) -> float:
    from app.station.copy_refresh import Refresh  # noqa: PLC0415
    from app.station.copy_tables import COPIED  # noqa: PLC0415

    with engine.connect() as c:
        raw = c.connection.driver_connection
        with raw.cursor() as cursor:
            scope = Refresh(cursor, None, None)
            started = time.perf_counter()
            for spec in COPIED:
                where, params = scope._scope(spec)
                select = f'SELECT {spec.pg_select()} FROM "{spec.name}" WHERE {where}'
                with cursor.copy(f"COPY ({select}) TO STDOUT", params) as out:
                    for _block in out:
                        pass
            elapsed = (time.perf_counter() - started) * 1000
        raw.rollback()
    return elapsed


def _raw_select_ms(engine, ids: list[uuid.UUID]) -> float:
    from app.station.copy_tables import SPECS  # noqa: PLC0415

    spec = SPECS["users"]
    with engine.connect() as c:
        started = time.perf_counter()
        c.exec_driver_sql(
            f"SELECT {spec.pg_select()} FROM users WHERE id = ANY(%(ids)s)", {"ids": ids}
        ).fetchall()
        return (time.perf_counter() - started) * 1000
