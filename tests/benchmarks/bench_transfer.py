"""Transfer benchmarks (not part of the default test run): prints figures, asserts nothing.

    .venv/bin/python -m tests.benchmarks.bench_transfer [--url URL] [--attendance 1000000]
        [--patrons 100000]

Targets (issue 5): import of 100,000 patrons <= 10 s; export of 1,000,000 attendance rows
<= 15 s at bounded memory. Without --url a temporary SQLite file is used. A PostgreSQL URL gets
a throw-away schema. Each measured step runs in a fresh process so its peak RSS is its own.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, text

from db import migrate
from db.engine import create_app_engine, parse_url, sqlite_url
from db.models import Attendance, Event, User
from db.session import make_session_factory, unit_of_work


def _engine(url: str):
    return create_app_engine(parse_url(url))


def setup(url: str, attendance: int) -> None:
    engine = _engine(url)
    migrate.upgrade(engine)
    events = max(1, attendance // 10_000)
    patrons = attendance // events
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    user_ids = [uuid.uuid4() for _ in range(patrons)]
    with engine.begin() as c:
        c.execute(
            insert(User.__table__),
            [
                {
                    "id": u,
                    "email": f"b{i}@example.org",
                    "firstName": "Bench",
                    "lastName": f"P{i}",
                    "phone": None,
                    "createdAt": t0,
                    "updatedAt": t0,
                }
                for i, u in enumerate(user_ids)
            ],
        )
        event_ids = [uuid.uuid4() for _ in range(events)]
        c.execute(
            insert(Event.__table__),
            [
                {
                    "id": e,
                    "name": f"E{n}",
                    "status": "completed",
                    "startTime": t0,
                    "endTime": t0 + timedelta(hours=2),
                    "location": "Hall",
                    "hostId": user_ids[0],
                    "createdAt": t0,
                    "updatedAt": t0,
                }
                for n, e in enumerate(event_ids)
            ],
        )
    for e in event_ids:
        rows = [
            {
                "id": uuid.uuid4(),
                "eventId": e,
                "patronId": u,
                "attended": True,
                "checkInTime": t0 + timedelta(seconds=i),
                "checkOutTime": None,
            }
            for i, u in enumerate(user_ids)
        ]
        with engine.begin() as c:
            c.execute(insert(Attendance.__table__), rows)
    engine.dispose()


def run_export(url: str, out: str, fmt: str) -> None:
    from app.transfer import export_to_file, table_statement

    engine = _engine(url)
    sessions = make_session_factory(engine)
    start = time.perf_counter()
    with unit_of_work(sessions, write=False) as session:
        result = export_to_file(session, table_statement("attendance"), out, fmt)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size = os.path.getsize(out) / 1e6
    print(
        f"export {fmt}: {result.rows:,} rows in {elapsed:.2f} s, {size:.0f} MB, peak RSS {peak:.0f} MB"
    )


def run_import(url: str, patrons: int, folder: str) -> None:
    from app.transfer import apply_import, plan_import, read_patron_csv

    path = Path(folder) / "members.csv"
    lines = ["First Name;Last Name;E-mail;Mobile"]
    lines += [f"Zoë{i};Ødegård{i};New{i}@Example.org;+47 {i:08d}" for i in range(patrons)]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    engine = _engine(url)
    sessions = make_session_factory(engine)
    start = time.perf_counter()
    file = read_patron_csv(path)
    read_s = time.perf_counter() - start
    with unit_of_work(sessions, write=False) as session:
        plan = plan_import(session, file)
    plan_s = time.perf_counter() - start - read_s
    with unit_of_work(sessions) as session:
        result = apply_import(session, file, station="bench")
    total = time.perf_counter() - start
    print(
        f"import: {result.inserted:,} new patrons; read {read_s:.2f} s, dry run {plan_s:.2f} s, "
        f"read+dry run+apply {total:.2f} s ({plan.summary()})"
    )
    start = time.perf_counter()
    with unit_of_work(sessions) as session:
        result = apply_import(session, read_patron_csv(path), station="bench")
    print(
        f"re-import (all unchanged): {time.perf_counter() - start:.2f} s ({result.plan.summary()})"
    )


def _child(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "tests.benchmarks.bench_transfer", *args], check=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url")
    parser.add_argument("--attendance", type=int, default=1_000_000)
    parser.add_argument("--patrons", type=int, default=100_000)
    parser.add_argument("--step", choices=["setup", "export", "import"])
    parser.add_argument("--format", default="csv")
    parser.add_argument("--out")
    parser.add_argument("--folder")
    args = parser.parse_args()
    if args.step == "setup":
        return setup(args.url, args.attendance)
    if args.step == "export":
        return run_export(args.url, args.out, args.format)
    if args.step == "import":
        return run_import(args.url, args.patrons, args.folder)
    with tempfile.TemporaryDirectory() as folder:
        schema = None
        if args.url:
            base = parse_url(args.url)
            schema = f"bench_{uuid.uuid4().hex[:8]}"
            admin = create_engine(base, isolation_level="AUTOCOMMIT")
            with admin.connect() as c:
                c.execute(text(f'CREATE SCHEMA "{schema}"'))
            url = base.update_query_dict({"options": f"-csearch_path={schema}"})
        else:
            url = sqlite_url(Path(folder) / "bench.db")
        url_text = url.render_as_string(hide_password=False)
        try:
            start = time.perf_counter()
            _child("--step", "setup", "--url", url_text, "--attendance", str(args.attendance))
            print(
                f"setup: {args.attendance:,} attendance rows in {time.perf_counter() - start:.1f} s"
            )
            for fmt in ("csv", "json"):
                out = str(Path(folder) / f"attendance.{fmt}")
                _child("--step", "export", "--url", url_text, "--format", fmt, "--out", out)
                os.unlink(out)
            _child(
                "--step",
                "import",
                "--url",
                url_text,
                "--patrons",
                str(args.patrons),
                "--folder",
                folder,
            )
        finally:
            if schema:
                with admin.connect() as c:
                    c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()


if __name__ == "__main__":
    main()
