"""GUI benchmarks on the offscreen platform: kiosk scan-to-banner through the real widgets and
the Admin tab (app start to a ready kiosk is in bench_startup, beside its references).

Scan-to-banner: a pass code is typed into the kiosk's input like a scanner does (characters,
then Enter) and the clock stops when the screen announces the result on its banner
(`result_shown`); the check-in itself runs on the real DB worker thread in between. Its variant
with badge printing on (issue 13) prints each badge to a PDF folder as a station without a
printer does: the badge is made on the same DB worker after the banner and written on the
printing thread, so the next scan may queue behind it; scan-to-badge is timed too.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from db.models import User
from db.session import unit_of_work
from tests.benchmarks.bench_checkin import STATION, _bench_event, _cleanup
from tests.benchmarks.harness import Result, Skip, skipped, summary

SCANS = 200
WARMUP = 5
SCAN_TARGET_MS = 50
ADMIN_ROUNDS = 5
ADMIN_JUMPS = 300
ADMIN_MEMORY_MB = 100


def _application():
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def _wait_for(signal, timeout_ms: int = 10_000) -> list:
    """Run the event loop until `signal` fires; its arguments."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    got: list = []

    def fired(*args):
        got.append(args)
        loop.quit()

    signal.connect(fired)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    signal.disconnect(fired)
    if not got:
        raise TimeoutError("the screen did not answer within 10 s")
    return list(got[0])


def _scan_to_banner(dataset, *, badges: bool = False) -> list[Result]:
    try:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        from app.checkin.outcomes import Outcome
        from ui.kiosk import CheckInScreen
        from ui.worker import DbWorker
    except ImportError as exc:
        raise Skip(f"the kiosk screen is not there yet ({exc})") from None
    app = _application()
    with unit_of_work(dataset.sessions, write=False) as s:
        ids = s.scalars(select(User.id).limit(20_000)).all()
    patrons = random.Random(5).sample(ids, SCANS + WARMUP)
    event = _bench_event(dataset.sessions, "kiosk")
    worker = DbWorker(dataset.sessions)
    screen = CheckInScreen(worker, location="benchmark", station=STATION, banner_ms=60_000)
    samples, started_at, badge_at = [], [], []
    folder = tempfile.TemporaryDirectory(prefix="credopass-badges-") if badges else None
    if folder is not None:
        from ui.passes.badge_printer import BadgeConfig

        screen.badge_printer.set_config(BadgeConfig(enabled=True, pdf_folder=folder.name))
        screen.badge_printer.badge_printed.connect(
            lambda _where: badge_at.append(time.perf_counter())
        )
        screen.badge_printer.badge_failed.connect(lambda message: badge_at.append(message))
    try:
        screen.resize(1024, 768)
        screen.show()
        _wait_for(screen.events_changed)
        screen.choose_event(event[0])
        app.processEvents()
        if screen.event is None or screen.event.id != event[0]:
            raise RuntimeError("the kiosk did not offer the benchmark event")
        for i, patron in enumerate(patrons):
            started = time.perf_counter()
            started_at.append(started)
            QTest.keyClicks(screen.input, str(patron))
            QTest.keyClick(screen.input, Qt.Key.Key_Return)
            (result,) = _wait_for(screen.result_shown)
            elapsed = (time.perf_counter() - started) * 1000
            if result.outcome is not Outcome.CHECKED_IN:
                raise RuntimeError(f"kiosk scan refused: {result.outcome} {result.message}")
            if i >= WARMUP:
                samples.append(elapsed)
        if folder is not None:
            deadline = time.monotonic() + 60
            while len(badge_at) < len(patrons) and time.monotonic() < deadline:
                app.processEvents()
                time.sleep(0.005)
    finally:
        screen.close()
        worker.shutdown(wait=True)
        screen.deleteLater()
        app.processEvents()
        _cleanup(dataset.sessions, [event])
    if folder is None:
        note = "keystrokes + Enter to result_shown, offscreen"
        return [summary("kiosk scan-to-banner", dataset.backend, samples,
                        p99_target=SCAN_TARGET_MS, note=note)]  # fmt: skip
    failures = [b for b in badge_at if isinstance(b, str)]
    pdfs = len(list(Path(folder.name).glob("*.pdf")))
    folder.cleanup()
    if failures or pdfs != len(patrons):
        raise RuntimeError(f"{pdfs} badge PDFs for {len(patrons)} scans; {failures[:1]}")
    # Badges come out in scan order (one DB worker, one printing thread).
    to_badge = [(b - s) * 1000 for s, b in zip(started_at, badge_at, strict=True)][WARMUP:]
    note = f"badge printing on: a PDF per check-in ({pdfs} written), offscreen"
    return [
        summary("kiosk scan-to-banner, badges on", dataset.backend, samples,
                p99_target=SCAN_TARGET_MS, note=note),
        summary("kiosk scan-to-badge PDF", dataset.backend, to_badge, p99_target=None,
                note="keystrokes + Enter to the badge's PDF written (reference)"),
    ]  # fmt: skip


def _scroll_to(grid, row: int) -> None:
    """Bring `row` to the middle of the grid, as dragging the scroll bar there does; the grid
    asks for the rows now in view when its scroll bar moves."""
    from PySide6.QtWidgets import QAbstractItemView

    grid.scrollTo(grid.model().index(row, 0), QAbstractItemView.ScrollHint.PositionAtCenter)


def _wait_until(condition, signal, timeout_s: float = 30.0) -> None:
    """Run the event loop (waking on `signal` or every 10 ms) until `condition()` holds."""
    from PySide6.QtCore import QEventLoop, QTimer

    deadline = time.perf_counter() + timeout_s
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"the Admin grid did not show the rows within {timeout_s:g} s")
        loop = QEventLoop()
        signal.connect(loop.quit)
        QTimer.singleShot(10, loop.quit)
        loop.exec()
        signal.disconnect(loop.quit)


def _admin(dataset) -> list[Result]:
    """The attendance table in the Admin tab's browser: first rows on screen after opening it,
    a jump to the last row, and resident memory while visiting the whole table (300 jumps
    spread evenly over it, each waiting for its rows: scrolling every one of a million rows
    by hand is the same page traffic, only slower)."""
    try:
        from ui.admin.browser import TableBrowser
        from ui.worker import DbWorker
    except ImportError as exc:
        raise Skip(f"the Admin tab is not there yet ({exc})") from None
    from tests.benchmarks.memory import rss_mb

    app = _application()
    worker = DbWorker(dataset.sessions)
    browser = TableBrowser(worker, STATION, dataset.backend)
    browser.resize(1280, 800)
    browser.show()
    model, grid = browser.model, browser.grid
    first_ms, last_ms = [], []
    growth = 0.0
    try:
        for attempt in range(ADMIN_ROUNDS + 1):
            started = time.perf_counter()
            browser.open_table("attendance")
            _wait_until(lambda: model.row_values(0) is not None, model.page_loaded)
            app.processEvents()  # paint them
            opened = (time.perf_counter() - started) * 1000
            # The grid starts from an estimate of the row count; the last row is only known
            # once the count is exact (a full count, not part of the jump's time).
            if not model.count_is_exact:
                model.count_exactly()
            _wait_until(lambda: model.count_is_exact, model.count_settled, timeout_s=120)
            last = model.rowCount() - 1
            started = time.perf_counter()
            _scroll_to(grid, last)
            _wait_until(lambda last=last: model.row_values(last) is not None, model.page_loaded)
            app.processEvents()
            jumped = (time.perf_counter() - started) * 1000
            if attempt:  # the first round warms caches
                first_ms.append(opened)
                last_ms.append(jumped)
        rows = model.rowCount()
        start_rss = peak = rss_mb()
        for step in range(ADMIN_JUMPS + 1):
            row = min(rows - 1, step * rows // ADMIN_JUMPS)
            _scroll_to(grid, row)
            _wait_until(lambda row=row: model.row_values(row) is not None, model.page_loaded)
            app.processEvents()
            peak = max(peak, rss_mb())
        growth = peak - start_rss
    finally:
        browser.close()
        worker.shutdown(wait=True)
        browser.deleteLater()
        app.processEvents()
    backend = dataset.backend
    memory = Result(
        "Admin: RSS growth visiting all rows",
        backend,
        None,
        None,
        None,
        f"<= {ADMIN_MEMORY_MB} MB",
        growth <= ADMIN_MEMORY_MB,
        f"{growth:.0f} MB over {ADMIN_JUMPS} jumps across {rows:,} rows",
    )
    return [
        summary("Admin: first rows on screen", backend, first_ms, p99_target=200,
                note=f"attendance table, {ADMIN_ROUNDS} openings"),
        summary("Admin: jump to last row", backend, last_ms, p99_target=300,
                note=f"{ADMIN_ROUNDS} jumps"),
        memory,
    ]  # fmt: skip


def run(dataset) -> list[Result]:
    results = []
    for name, target, bench in (
        ("kiosk scan-to-banner", f"p99 <= {SCAN_TARGET_MS} ms", _scan_to_banner),
        (
            "kiosk scan-to-banner, badges on",
            f"p99 <= {SCAN_TARGET_MS} ms",
            lambda d: _scan_to_banner(d, badges=True),
        ),
    ):
        try:
            found = bench(dataset)
            results.extend(found if isinstance(found, list) else [found])
        except Skip as exc:
            results.append(skipped(name, dataset.backend, target, str(exc)))
        except Exception as exc:  # keep the other GUI figures
            reason = f"failed: {type(exc).__name__}: {exc}".splitlines()[0][:200]
            results.append(skipped(name, dataset.backend, target, reason))
    try:
        results.extend(_admin(dataset))
    except Skip as exc:
        results.append(skipped("Admin tab", dataset.backend, "see docs/benchmarks.md", str(exc)))
    except Exception as exc:
        reason = f"failed: {type(exc).__name__}: {exc}".splitlines()[0][:200]
        results.append(skipped("Admin tab", dataset.backend, "see docs/benchmarks.md", reason))
    return results
