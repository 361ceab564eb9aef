"""Several kiosks at once: never a duplicate row, never more attended than capacity, no errors.

16 workers (threads, and separately spawned processes) check 50 different patrons into an event
of capacity 20 while 8 of them also check the same patron into a second event. Runs on
PostgreSQL and on a shared SQLite file.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from db.models import Attendance, Loyalty, User
from db.types import utcnow
from tests.app.checkin_support import count, make_event, make_patron
from tests.app.concurrency_worker import door_worker, process_main, walk_in_worker

WORKERS = 16
SAME_PATRON_WORKERS = 8
PATRONS = 50
CAPACITY = 20


def _setup(sessions):
    with sessions() as session:
        crowded = make_event(session, start=utcnow(), name="Crowded", capacity=CAPACITY)
        single = make_event(session, start=utcnow(), name="Single")
        patrons = [make_patron(session, "P", f"N{i}") for i in range(PATRONS)]
        lone = make_patron(session, "Lone", "Patron")
        rehearsal = make_event(session, start=utcnow(), name="Rehearsal")
        session.commit()
        warm_up = (str(rehearsal.id), str(lone.id))
        codes = [str(p.id) for p in patrons]
        plans = [
            [
                (str(crowded.id), codes[i::WORKERS]),
                (str(single.id), [str(lone.id)] if i < SAME_PATRON_WORKERS else []),
            ]
            for i in range(WORKERS)
        ]
        return crowded.id, single.id, lone.id, plans, warm_up


def _check(sessions, crowded_id, single_id, lone_id, results):
    merged: dict[str, list[str]] = {}
    for result in results:
        for key, outcomes in result.items():
            merged.setdefault(key, []).extend(outcomes)
    errors = [o for outcomes in merged.values() for o in outcomes if o.startswith("error")]
    assert errors == []
    assert Counter(merged[str(crowded_id)]) == {
        "checked_in": CAPACITY,
        "event_full": PATRONS - CAPACITY,
    }
    assert Counter(merged[str(single_id)]) == {
        "checked_in": 1,
        "already_checked_in": SAME_PATRON_WORKERS - 1,
    }
    with sessions() as session:
        assert count(session, Attendance, Attendance.event_id == crowded_id) == CAPACITY
        assert (
            count(session, Attendance, Attendance.event_id == crowded_id, Attendance.attended)
            == CAPACITY
        )
        assert count(session, Loyalty, Loyalty.description == "Attendance at Crowded") == CAPACITY
        rows = session.scalars(select(Attendance).where(Attendance.event_id == single_id)).all()
        assert len(rows) == 1 and rows[0].patron_id == lone_id and rows[0].attended
        assert count(session, Loyalty, Loyalty.patron_id == lone_id) == 1


def test_kiosks_as_threads(sessions, database_url_text):
    crowded_id, single_id, lone_id, plans, warm_up = _setup(sessions)
    barrier = threading.Barrier(WORKERS)
    with ThreadPoolExecutor(WORKERS) as pool:
        futures = [
            pool.submit(door_worker, database_url_text, f"kiosk-{i}", plan, barrier, warm_up)
            for i, plan in enumerate(plans)
        ]
        results = [f.result(timeout=120) for f in futures]
    _check(sessions, crowded_id, single_id, lone_id, results)


def _process_context():
    """Fresh interpreters, never a fork of this one (its pooled connections and threads must not
    be copied). "forkserver" is a spawned server that forks each worker from a clean state with
    the worker's imports preloaded: as safe as "spawn" and far quicker on a busy machine."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["tests.app.concurrency_worker"])
        return context
    return multiprocessing.get_context("spawn")


def test_kiosks_as_processes(sessions, database_url_text):
    crowded_id, single_id, lone_id, plans, warm_up = _setup(sessions)
    context = _process_context()
    barrier = context.Barrier(WORKERS)
    queue = context.Queue()
    processes = [
        context.Process(
            target=process_main,
            args=(database_url_text, f"kiosk-{i}", plan, barrier, queue, warm_up),
        )
        for i, plan in enumerate(plans)
    ]
    for process in processes:
        process.start()
    try:
        results = [queue.get(timeout=120) for _ in processes]
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
    assert all(p.exitcode == 0 for p in processes)
    _check(sessions, crowded_id, single_id, lone_id, results)


def test_simultaneous_walk_ins_with_one_email_make_one_patron(sessions, database_url_text):
    # Different events, so the event locks do not serialise them: the users.email UNIQUE
    # constraint decides, and the losers must reuse the winner's patron instead of failing.
    with sessions() as session:
        event_ids = [
            str(make_event(session, start=utcnow(), name=f"Room {i}").id) for i in range(8)
        ]
        session.commit()
    barrier = threading.Barrier(len(event_ids))
    with ThreadPoolExecutor(len(event_ids)) as pool:
        futures = [
            pool.submit(walk_in_worker, database_url_text, f"k{i}", event_id, barrier)
            for i, event_id in enumerate(event_ids)
        ]
        results = [f.result(timeout=120) for f in futures]
    assert [r.split()[0] for r in results] == ["checked_in"] * len(event_ids), results
    assert len({r.split()[1] for r in results}) == 1
    with sessions() as session:
        assert count(session, User, User.email == "sam@example.com") == 1
        assert count(session, Attendance) == len(event_ids)
