"""The reliability scenarios. Each takes a backend and a size, and returns a dict of figures
with an "ok" verdict; none raises on a failed check (a failure is a figure, so that one broken
scenario does not hide the others' figures)."""

from __future__ import annotations

import multiprocessing
import random
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from app.checkin.actions import check_in
from db.engine import DOOR_DEADLINE_S, create_app_engine, door_options
from db.models import Attendance
from db.session import make_session_factory, run_in_transaction, unit_of_work
from db.types import utcnow
from tests.app import test_concurrency as crowd
from tests.app.checkin_support import make_event, make_patron
from tests.app.concurrency_worker import process_main
from tests.reliability.databases import fresh_database, url_text
from tests.reliability.proxy import TcpProxy


def _door_open_start():
    return utcnow() - timedelta(minutes=10)


# --- kill -9 during check-in streams ------------------------------------------------------------


def kill_loop(backend: str, kills: int, seed: int = 1) -> dict:
    """Kill a check-in stream with SIGKILL at random moments; every check-in it confirmed must
    be in the database afterwards, and an SQLite file must pass PRAGMA integrity_check."""
    rng = random.Random(seed)
    with fresh_database(backend) as url:
        engine = create_app_engine(url)
        sessions = make_session_factory(engine)
        with unit_of_work(sessions) as session:
            # Open at the door now: an event of T0 is refused as not open, and a stream of
            # refusals confirms nothing (a run once "passed" with 0 confirmed check-ins).
            event = make_event(session, name="Stream", status="ongoing", start=_door_open_start())
            codes = [str(make_patron(session, "P", f"K{i}").id) for i in range(kills * 40)]
            event_id = str(event.id)
        confirmed: set[str] = set()
        killed = 0
        remaining = list(codes)
        for _ in range(kills):
            if not remaining:
                break
            child = subprocess.Popen(
                [sys.executable, "-m", "tests.reliability.stream", url_text(url), event_id]
                + remaining,
                stdout=subprocess.PIPE,
                text=True,
            )
            first = child.stdout.readline()  # "ready" (start-up is not what we test)
            # The first check-in's line too: on a loaded machine the first commit can take
            # longer than the shortest random wait, and a round that confirmed nothing tests
            # nothing. The kill still falls at a random moment of the stream that follows.
            first += child.stdout.readline()
            time.sleep(rng.uniform(0.1, 1.5))  # a random moment in the stream
            child.send_signal(signal.SIGKILL)
            out, _ = child.communicate()
            out = first + out
            killed += child.returncode == -signal.SIGKILL
            for line in out.splitlines():
                outcome, _, code = line.partition(" ")
                if outcome in ("checked_in", "already_checked_in"):
                    confirmed.add(code)
            remaining = [c for c in remaining if c not in confirmed]
        with unit_of_work(sessions, write=False) as session:
            attended = {
                str(pid)
                for pid in session.scalars(
                    select(Attendance.patron_id).where(
                        Attendance.event_id == uuid.UUID(event_id), Attendance.attended
                    )
                )
            }
        integrity = "n/a"
        if backend == "sqlite":
            with engine.connect() as connection:
                integrity = connection.exec_driver_sql("PRAGMA integrity_check").scalar()
        engine.dispose()
    lost = sorted(confirmed - attended)
    return {
        "kills": killed,
        "confirmed": len(confirmed),
        "lost": len(lost),
        "integrity_check": integrity,
        "ok": not lost and integrity in ("ok", "n/a") and killed > 0 and len(confirmed) > 0,
    }


# --- 16 processes racing for the same places ----------------------------------------------------


def crowd_race(backend: str) -> dict:
    """tests/app/test_concurrency.py's race as figures: 16 spawned processes, 50 patrons, 20
    places, and 8 of them checking one patron into a second event at the same moment."""
    with fresh_database(backend) as url:
        engine = create_app_engine(url)
        sessions = make_session_factory(engine)
        crowded_id, single_id, _lone, plans, warm_up = crowd._setup(sessions)
        context = multiprocessing.get_context("spawn")
        barrier = context.Barrier(crowd.WORKERS)
        queue = context.Queue()
        started = time.perf_counter()
        processes = [
            context.Process(
                target=process_main,
                args=(url_text(url), f"kiosk-{i}", plan, barrier, queue, warm_up),
            )
            for i, plan in enumerate(plans)
        ]
        for process in processes:
            process.start()
        results = [queue.get(timeout=300) for _ in processes]
        for process in processes:
            process.join(timeout=30)
        elapsed = time.perf_counter() - started
        outcomes = Counter(o for result in results for os_ in result.values() for o in os_)
        with unit_of_work(sessions, write=False) as session:
            rows = session.execute(
                select(Attendance.event_id, Attendance.patron_id, Attendance.attended)
            ).all()
        engine.dispose()
    attended_crowded = sum(1 for e, _p, a in rows if e == crowded_id and a)
    duplicates = len(rows) - len({(e, p) for e, p, _a in rows})
    errors = sum(n for o, n in outcomes.items() if o.startswith("error"))
    overbooked = max(0, attended_crowded - crowd.CAPACITY)
    single = sum(1 for e, _p, a in rows if e == single_id and a)
    return {
        "processes": crowd.WORKERS,
        "seconds": round(elapsed, 2),
        "outcomes": dict(outcomes),
        "overbooked": overbooked,
        "duplicates": duplicates,
        "errors": errors,
        "ok": overbooked == 0 and duplicates == 0 and errors == 0 and single == 1,
    }


# --- server loss and freeze through a TCP proxy -------------------------------------------------


def server_loss(backend: str, rounds: int) -> dict:
    """A door check-in while the proxy cuts, refuses or black-holes the traffic: it must fail
    with an error within the door deadline (plus a second for the cut to land) and the next one
    after the server is back must succeed."""
    if backend != "postgresql":
        return {"skipped": "the proxy stands between the app and a PostgreSQL server", "ok": True}
    figures: dict[str, list[float]] = {"cut": [], "refuse": [], "black_hole": []}
    failures = []
    with fresh_database(backend) as url:
        proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
        engine = create_app_engine(url.set(host="127.0.0.1", port=proxy.port))
        sessions = make_session_factory(engine)
        with unit_of_work(sessions) as session:
            event_id = make_event(
                session, name="Frozen", status="ongoing", start=_door_open_start()
            ).id
            codes = [str(make_patron(session, "P", f"F{i}").id) for i in range(rounds * 10)]

        def door(code: str):
            return run_in_transaction(
                sessions,
                lambda s: check_in(s, event_id, code, station="proxy", method="scan"),
                options=door_options(),
            )

        for _ in range(rounds):
            for mode in figures:
                door(codes.pop())  # a pooled, healthy connection first
                getattr(proxy, mode)()
                started = time.perf_counter()
                try:
                    door(codes.pop())
                    went_through = True
                except DBAPIError:
                    went_through = False
                figures[mode].append(time.perf_counter() - started)
                # a cut (a restart) is survived on a fresh connection; refused and frozen
                # servers must give an error, not a wait
                if went_through != (mode == "cut"):
                    failures.append(f"{mode}: went through: {went_through}")
                proxy.restore()
                try:
                    door(codes.pop())
                except DBAPIError as exc:
                    failures.append(f"{mode}: no recovery: {exc}".splitlines()[0])
        engine.dispose()
        proxy.close()
    limit = DOOR_DEADLINE_S + 1
    slow = [f"{m}: {s:.2f} s" for m, secs in figures.items() for s in secs if s > limit]
    return {
        "max_seconds": {m: round(max(s), 2) for m, s in figures.items() if s},
        "deadline_s": DOOR_DEADLINE_S,
        "over_deadline": slow,
        "failures": failures,
        "ok": not slow and not failures,
    }
