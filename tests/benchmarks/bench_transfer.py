"""CSV import of 100,000 patrons into the full data set, and export of the attendance table.

The import reads a member list written from the generator's own patrons (other emails, so all
100,000 are new), applies it in one transaction through `app.transfer`, and is then undone
(the imported patrons are deleted) so the cached data set stays as it was. The export streams
every attendance row to a CSV file; its peak resident-memory growth is reported beside it.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete

from db.models import User
from db.session import run_in_transaction, unit_of_work
from db.synthetic import Sizes
from db.synthetic.plan import Plan
from tests.benchmarks.harness import Result, Skip, single

IMPORT_ROWS = 100_000
IMPORT_TARGET_MS = 10_000
EXPORT_TARGET_MS = 15_000
EXPORT_MEMORY_MB = 100  # what "bounded memory" is held to here


def _member_list(path: Path, *, contacts: bool = False) -> list[str]:
    return [row[2] for row in _member_rows(path, contacts=contacts)]


def _member_rows(path: Path, *, contacts: bool = False) -> list[list[str]]:
    """Writes the member list; its rows (first, last, email, phone[, work email, home phone])."""
    # Emails numbered far above any data set's own, so none of them exists yet.
    plan = Plan(Sizes(IMPORT_ROWS, 0, 0), datetime.now(UTC), email_offset=50_000_000, salt="csv")
    emails = []
    rows = []
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        header = ["First name", "Last name", "Email", "Phone"]
        # Issue 15: a work email and a home phone per person, i.e. two secondary contacts.
        writer.writerow(header + (["Work Email", "Home Phone"] if contacts else []))
        for batch in plan.patron_batches():
            for n, (_id, email, first, last, phone, *_) in enumerate(batch):
                row = [first, last, email, phone or ""]
                if contacts:
                    row += [f"work.{email}", f"+1 555 {n % 1000:03d} {len(emails) % 10000:04d}"]
                writer.writerow(row)
                emails.append(email)
                rows.append(row)
    return rows


def run(dataset) -> list[Result]:
    try:
        from app.transfer.export import export_to_file, table_statement  # noqa: F401
        from app.transfer.patron_file import read_patron_csv  # noqa: F401
        from app.transfer.patron_import import apply_import  # noqa: F401
    except ImportError as exc:
        raise Skip(f"import/export is not there yet ({exc})") from None
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for contacts in (False, True):
            name = "contacts.csv" if contacts else "members.csv"
            raw = _raw_import(dataset, Path(folder) / f"raw-{name}", contacts=contacts)
            results.append(raw)
            results.append(_import(dataset, Path(folder) / name, contacts=contacts))
            results[-1].ratio = results[-1].p99_ms / raw.p99_ms
            results[-1].note += f"; {_load()}"
        results.append(_export(dataset, Path(folder) / "attendance.csv"))
    return results


def _load() -> str:
    return "load {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def _raw_import(dataset, members: Path, *, contacts: bool) -> Result:
    """The reference: the same people (and contacts) stored through the driver's bulk path in
    one transaction (executemany on SQLite, COPY on PostgreSQL), the values made ready in
    Python as plainly as possible: no file reading, checks, matching or search keys of our own
    (the database's triggers still run, as they do for the import)."""
    rows = _member_rows(members, contacts=contacts)
    now = datetime.now(UTC)
    users, extra = [], []
    for first, last, email, phone, *more in rows:
        patron = uuid.uuid4()
        users.append((patron, email, first, last, phone or None, now, now))
        if more:
            extra.append((uuid.uuid4(), patron, "email", "work", more[0], more[0]))
            digits = "".join(c for c in more[1] if c.isdigit())
            extra.append((uuid.uuid4(), patron, "phone", "home", more[1], digits[::-1]))
    _settle(dataset)
    user_columns = '"id", "email", "firstName", "lastName", "phone", "createdAt", "updatedAt"'
    contact_columns = '"id", "patronId", "kind", "label", "value", "searchKey"'
    started = time.perf_counter()
    raw = dataset.engine.raw_connection()
    try:
        cursor = raw.cursor()
        if dataset.backend == "postgresql":
            with cursor.copy(f"COPY users ({user_columns}) FROM STDIN") as copy:
                for row in users:
                    copy.write_row(row)
            if extra:
                with cursor.copy(f"COPY patron_contacts ({contact_columns}) FROM STDIN") as copy:
                    for row in extra:
                        copy.write_row(row)
        else:
            stamp = now.replace(tzinfo=None).isoformat(" ")
            # The app's engine leaves transactions to its own BEGIN: without this, every row
            # would be committed (and synced) on its own.
            cursor.execute("BEGIN")
            cursor.executemany(
                f"INSERT INTO users ({user_columns}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(u.hex, e, f, la, p, stamp, stamp) for u, e, f, la, p, _c, _u in users],
            )
            cursor.executemany(
                f"INSERT INTO patron_contacts ({contact_columns}) VALUES (?, ?, ?, ?, ?, ?)",
                [(i.hex, p.hex, *rest) for i, p, *rest in extra],
            )
        raw.commit()
        ms = (time.perf_counter() - started) * 1000
    finally:
        raw.close()
        with unit_of_work(dataset.sessions) as s:
            emails = [u[1] for u in users]
            for i in range(0, len(emails), 1000):
                s.execute(delete(User).where(User.email.in_(emails[i : i + 1000])))
        _settle(dataset, reindex=True)
    what = f"{IMPORT_ROWS:,} patrons" + (f" + {len(extra):,} contacts" if contacts else "")
    return Result(
        f"raw bulk insert {what}",
        dataset.backend,
        ms,
        ms,
        None,
        "reference",
        True,
        f"executemany / COPY; {_load()}",
        1,
    )


def _import(dataset, members: Path, *, contacts: bool) -> Result:
    from app.transfer.patron_file import read_patron_csv
    from app.transfer.patron_import import apply_import

    emails = _member_list(members, contacts=contacts)
    _settle(dataset)
    started = time.perf_counter()
    try:
        imported = run_in_transaction(
            dataset.sessions,
            lambda s: apply_import(s, read_patron_csv(members), station="benchmark"),
        )
        import_ms = (time.perf_counter() - started) * 1000
    finally:
        with unit_of_work(dataset.sessions) as s:
            for i in range(0, len(emails), 1000):
                s.execute(delete(User).where(User.email.in_(emails[i : i + 1000])))
        _settle(dataset, reindex=True)
    if imported.inserted != IMPORT_ROWS:
        raise RuntimeError(f"the import added {imported.inserted:,} patrons, not {IMPORT_ROWS:,}")
    written = imported.plan.counts["contacts"]
    if contacts and written < IMPORT_ROWS:  # fewer than 2 each: a blank phone takes the home one
        raise RuntimeError(f"the import wrote only {written:,} contacts")
    return single(
        f"CSV import {IMPORT_ROWS:,} patrons" + (f" + {written:,} contacts" if contacts else ""),
        dataset.backend,
        import_ms,
        target_ms=IMPORT_TARGET_MS,
        note="read, check, write, search keys, commit",
    )


def _settle(dataset, *, reindex: bool = False) -> None:
    """A PostgreSQL data set without dead rows, and after the import with its indexes as
    generated. The local server runs with autovacuum off, so each import's 100,000 deleted
    patrons and ~550,000 search keys stayed behind as dead rows (8.7 million dead keys after a
    few runs), and every later import, search and check-in paid for them; and the import's
    page splits stay after the delete (the search keys' primary key grew from 288 to 606 MB
    over eight runs), so each run met a larger index than the last. The checkpoint starts
    every import from the same state (after a checkpoint, the first change to each page is
    logged in full)."""
    if dataset.backend != "postgresql":
        return
    with dataset.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.exec_driver_sql(
            "VACUUM users, patron_search, patron_search_stale, patron_contacts, audit_log"
        )
        if reindex:  # CONCURRENTLY: other programs may read the cached data set meanwhile
            c.exec_driver_sql("REINDEX TABLE CONCURRENTLY users")
            c.exec_driver_sql("REINDEX TABLE CONCURRENTLY patron_search")
            c.exec_driver_sql("REINDEX TABLE CONCURRENTLY patron_contacts")
        c.exec_driver_sql("CHECKPOINT")


# The export runs in a fresh interpreter so that its memory is its own: this process has held
# a million generated rows, and freed memory it keeps would hide any growth. Its peak is the
# kernel's VmHWM of the new program, not getrusage's ru_maxrss: Linux carries ru_maxrss over
# fork and exec, so the child would start at this process's own high-water mark (~215 MB
# after the import here, which was reported as the export's growth).
_EXPORT_SCRIPT = r"""
import json, sys, time
from pathlib import Path
from app.transfer.export import export_to_file, table_statement
from db.engine import create_app_engine, parse_url
from db.session import make_session_factory, unit_of_work
from tests.benchmarks.memory import rss_mb
def peak_mb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
engine = create_app_engine(parse_url(sys.argv[1]))
sessions = make_session_factory(engine)
with unit_of_work(sessions, write=False) as s:
    s.execute(table_statement("attendance").limit(1)).all()
before = rss_mb()
started = time.perf_counter()
with unit_of_work(sessions, write=False) as s:
    done = export_to_file(s, table_statement("attendance"), sys.argv[2], "csv")
ms = (time.perf_counter() - started) * 1000
peak = peak_mb()
print(json.dumps({"ms": ms, "rows": done.rows, "before": before, "peak": peak}))
"""


def _export(dataset, out: Path) -> Result:
    done = subprocess.run(
        [sys.executable, "-c", _EXPORT_SCRIPT, dataset.url_text, str(out)],
        cwd=Path(__file__).parents[2],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"the export failed: {tail}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    growth = figures["peak"] - figures["before"]
    result = single(
        f"CSV export {figures['rows']:,} attendance rows",
        dataset.backend,
        figures["ms"],
        target_ms=EXPORT_TARGET_MS,
        note=f"peak RSS growth {growth:.0f} MB (held to {EXPORT_MEMORY_MB} MB)",
    )
    result.ok = result.ok and growth <= EXPORT_MEMORY_MB
    return result
