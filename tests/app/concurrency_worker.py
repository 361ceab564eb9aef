"""A kiosk in a box for the concurrency tests: its own engine and sessions, many check-ins.

Lives outside the test module so that spawned processes import only what a kiosk would.
"""

from __future__ import annotations

import uuid

from app.checkin import check_in
from db.engine import create_app_engine, parse_url
from db.session import make_session_factory, run_in_transaction

BARRIER_TIMEOUT_S = 60


def door_worker(url_text: str, station: str, plan: list[tuple[str, list[str]]], barrier) -> dict:
    """For each (event id, codes) step: wait for every worker, then check the codes in.

    Returns {event id: [outcome or "error: ..."]}; never raises, so a failure shows as data.
    """
    engine = create_app_engine(parse_url(url_text))
    factory = make_session_factory(engine)
    results: dict[str, list[str]] = {}
    try:
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


def process_main(url_text, station, plan, barrier, queue) -> None:
    try:
        queue.put(door_worker(url_text, station, plan, barrier))
    except Exception as exc:
        queue.put({"crash": [f"error: {type(exc).__name__}: {exc}"]})


def walk_in_worker(url_text: str, station: str, event_id: str, barrier) -> str:
    """One walk-in with a fixed email, started at the same moment as the other workers'."""
    from app.walk_in import walk_in

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
