"""The door while the Admin tab exports a big table: kiosk scan-to-banner p99 with an export of
every patron (1M rows at full scale) running on the bulk lane, against the same scans with no
export running, measured in the same run.

The export is the Admin tab's: an ExportDialog over the users table, started with its Export
button, streaming to a file on the DB worker's bulk lane; the scans go through the real
check-in screen on the same worker's door lane. Scans are counted only while an export runs
(a finished export is started again). The load average is printed beside the figures: on a
machine shared with other work the absolute figure moves, the ratio much less.

`python -m tests.benchmarks.bench_door_lane [--backend sqlite|postgresql|both] [--scale N]`
runs it alone (the data set has N patrons, so the export has N rows).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time

from sqlalchemy import select

from db.models import User
from db.session import unit_of_work
from tests.benchmarks.bench_checkin import STATION, _bench_event, _cleanup
from tests.benchmarks.bench_ui import _application, _wait_for
from tests.benchmarks.harness import Result, Skip, percentile, summary

SCANS = 100
WARMUP = 5
TARGET_MS = 100
FULL_EXPORT_ROWS = 1_000_000


def run(dataset) -> list[Result]:
    try:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        from app.checkin.outcomes import Outcome
        from app.transfer.export import table_statement
        from ui.kiosk import CheckInScreen
        from ui.transfer import ExportDialog
        from ui.worker import DbWorker
    except ImportError as exc:
        raise Skip(f"the kiosk or the export dialog is not there ({exc})") from None
    app = _application()
    with unit_of_work(dataset.sessions, write=False) as s:
        ids = s.scalars(select(User.id).limit(20_000)).all()
    patrons = iter(random.Random(11).sample(ids, 2 * (SCANS + WARMUP)))
    event = _bench_event(dataset.sessions, "door lane")
    worker = DbWorker(dataset.sessions)
    screen = CheckInScreen(worker, location="benchmark", station=STATION, banner_ms=60_000)
    folder = tempfile.TemporaryDirectory(prefix="credopass-door-lane-")
    dialog = ExportDialog(worker, table_statement("users"), name="users", folder=folder.name)
    exports: list[int] = []
    dialog.export_finished.connect(lambda _path, rows: exports.append(rows))

    def scan() -> float:
        started = time.perf_counter()
        QTest.keyClicks(screen.input, str(next(patrons)))
        QTest.keyClick(screen.input, Qt.Key.Key_Return)
        (result,) = _wait_for(screen.result_shown)
        elapsed = (time.perf_counter() - started) * 1000
        if result.outcome is not Outcome.CHECKED_IN:
            raise RuntimeError(f"kiosk scan refused: {result.outcome} {result.message}")
        return elapsed

    quiet, loaded, loads = [], [], []
    try:
        screen.resize(1024, 768)
        screen.show()
        _wait_for(screen.events_changed)
        screen.choose_event(event[0])
        app.processEvents()
        if screen.event is None or screen.event.id != event[0]:
            raise RuntimeError("the kiosk did not offer the benchmark event")
        for i in range(SCANS + WARMUP):  # no export: the reference, in the same run
            elapsed = scan()
            if i >= WARMUP:
                quiet.append(elapsed)
        while len(loaded) < SCANS:
            if not dialog.running:
                dialog.export_button.click()
                if not dialog.running:
                    raise RuntimeError(f"the export did not start: {dialog.status_label.text()}")
                # Let it get going (the count, the first batches) before timing scans.
                _wait_for(dialog._relay.progressed)
            elapsed = scan()
            if dialog.running:  # the export ran during the whole scan
                loaded.append(elapsed)
                loads.append(os.getloadavg()[0])
    finally:
        dialog.reject()  # cancels an export still running
        _wait_until_idle(app, dialog)
        screen.close()
        worker.shutdown(wait=True)
        for widget in (screen, dialog):
            widget.deleteLater()
        app.processEvents()
        folder.cleanup()
        _cleanup(dataset.sessions, [event])
    rows = dataset.scale
    size = f"{rows:,} rows" + ("" if rows >= FULL_EXPORT_ROWS else " (not 1M: a smaller data set)")
    reference = summary(
        "door scan-to-banner, no export",
        dataset.backend,
        quiet,
        p99_target=None,
        note=f"reference for the next line; load {os.getloadavg()[0]:.1f}",
    )
    ratio = percentile(loaded, 0.99) / reference.p99_ms
    loaded_result = summary(
        "door scan-to-banner during an export",
        dataset.backend,
        loaded,
        p99_target=TARGET_MS,
        ratio=ratio,
        note=(
            f"Admin export of {size} on the bulk lane, {len(exports)} finished meanwhile; "
            f"load {sum(loads) / len(loads):.1f} (2 cores shared); ratio = p99 / p99 no export"
        ),
    )
    return [reference, loaded_result]


def _wait_until_idle(app, dialog, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while dialog.running and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)


def main(argv=None) -> int:
    from tests.benchmarks.datasets import DEFAULT_PG_SERVER, open_dataset

    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.bench_door_lane")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--scale", type=int, default=FULL_EXPORT_ROWS, help="patrons = rows")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--pg-server", default=os.environ.get("CREDOPASS_BENCH_PG", DEFAULT_PG_SERVER)
    )
    args = parser.parse_args(argv)
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    missed = 0
    for backend in backends:
        print(f"\n== {backend}, scale {args.scale:,}, load {os.getloadavg()[0]:.1f} ==", flush=True)
        dataset = open_dataset(backend, args.scale, args.seed, pg_server=args.pg_server)
        try:
            for result in run(dataset):
                print(result.line(), flush=True)
                missed += result.ok is False
        finally:
            dataset.dispose()
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
