"""GUI benchmarks: kiosk scan-to-banner, the Admin tab, app start. Filled in once the widgets
exist (ui/kiosk, ui/admin); until then each is reported as skipped with the reason."""

from __future__ import annotations

from tests.benchmarks.harness import Result, skipped


def run(dataset) -> list[Result]:
    backend = dataset.backend
    reason = "not wired into the benchmarks yet"
    return [
        skipped("kiosk scan-to-banner", backend, "p99 <= 50 ms", reason),
        skipped("Admin: first rows on screen", backend, "<= 200 ms", reason),
        skipped("Admin: jump to last row", backend, "<= 300 ms", reason),
        skipped("Admin: RSS growth scrolling all", backend, "<= 100 MB", reason),
        skipped("app start to ready kiosk", backend, "<= 1.5 s", reason),
    ]
