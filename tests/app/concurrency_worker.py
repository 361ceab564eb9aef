"""A kiosk in a box for the concurrency tests: its own engine and sessions, many check-ins.

Lives outside the test module so that spawned processes import only what a kiosk would.
"""

from __future__ import annotations

import uuid

# Imported here, not on first connect, so that the forkserver preloads them once for every
# worker instead of each worker paying for them while the others wait at the barrier.
import psycopg  # noqa: F401
import sqlalchemy.dialects.postgresql.psycopg  # noqa: F401
import sqlalchemy.dialects.sqlite.pysqlite  # noqa: F401

from app.checkin.actions import check_in
from db.engine import create_app_engine, parse_url
from db.session import make_session_factory, run_in_transaction, unit_of_work

BARRIER_TIMEOUT_S = 60


class _Rehearsal(Exception):
    """Raised to roll the warm-up check-in back."""


def door_worker(
    url_text: str,
    station: str,
    plan: list[tuple[str, list[str]]],
    barrier,
    warm_up: tuple[str, str] | None = None,
) -> dict:
    """For each (event id, codes) step: wait for every worker, then check the codes in.

    `warm_up` (event id, code) is checked in once and rolled back before the first barrier, so
    that connecting and compiling statements happen before the race, not while holding the
    event lock (on a busy machine that turned the race into a queue).
    Returns {event id: [outcome or "error: ..."]}; never raises, so a failure shows as data.
    """
    engine = create_app_engine(parse_url(url_text))
    factory = make_session_factory(engine)
    results: dict[str, list[str]] = {}
    try:
        if warm_up is not None:
            try:  # unit_of_work, so SQLite takes its write lock up front as in the real thing
                with unit_of_work(factory) as session:
                    event_id, code = uuid.UUID(warm_up[0]), warm_up[1]
                    check_in(session, event_id, code, station=station, method="scan")
                    raise _Rehearsal
            except _Rehearsal:
                pass
        for event_id, codes in plan:
            barrier.wait(BARRIER_TIMEOUT_S)
            outcomes = results.setdefault(event_id, [])
            for code in codes:
                try:
                    result = run_in_transaction(
                        factory,
                        lambda s, code=code, event_id=event_id: check_in(
                            s, uuid.UUID(event_id), code, station=station, method="scan"
                        ),
                    )
                    outcomes.append(result.outcome.value)
                except Exception as exc:  # reported to the test, which fails on it
                    outcomes.append(f"error: {type(exc).__name__}: {exc}")
    finally:
        engine.dispose()
    return results


def process_main(url_text, station, plan, barrier, queue, warm_up=None) -> None:
    try:
        queue.put(door_worker(url_text, station, plan, barrier, warm_up))
    except Exception as exc:
        queue.put({"crash": [f"error: {type(exc).__name__}: {exc}"]})


def walk_in_worker(url_text: str, station: str, event_id: str, barrier) -> str:
    """One walk-in with a fixed email, started at the same moment as the other workers'."""
    from app.checkin.walk_in import walk_in

    engine = create_app_engine(parse_url(url_text))
    factory = make_session_factory(engine)
    try:
        barrier.wait(BARRIER_TIMEOUT_S)
        result = run_in_transaction(
            factory,
            lambda s: walk_in(
                s, uuid.UUID(event_id), "Sam", "Same", "Sam@Example.com", None, station=station
            ),
        )
        return f"{result.outcome.value} {result.patron.id}"
    except Exception as exc:
        return f"error: {type(exc).__name__}: {exc}"
    finally:
        engine.dispose()
