"""`python -m tests.benchmarks [--backend sqlite|postgresql] [--scale N] [--out FILE]`

Builds (or reuses) the data set, runs every benchmark whose component exists, prints p50/p99
against each target and writes all figures as JSON. Exit status 0 when every measured target
holds, 1 when one is missed (skips do not count as misses; they are printed with their reason).
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

from tests.benchmarks import (
    bench_change_log,
    bench_checkin,
    bench_door_lane,
    bench_generate,
    bench_masking,
    bench_offline,
    bench_reports,
    bench_search,
    bench_startup,
    bench_station_copy,
    bench_transfer,
    bench_ui,
)
from tests.benchmarks.datasets import DEFAULT_PG_SERVER, open_dataset
from tests.benchmarks.harness import Result, Skip, skipped, write_json

FULL_SCALE = 1_000_000

# (name for skips, target for skips, module): run in this order.
SUITE = [
    ("generation of the data set", "<= 120 s", bench_generate),
    ("check-in use case", "p99 <= 10 ms, <= 3x raw", bench_checkin),
    ("patron search", "p99 <= 20 ms", bench_search),
    ("CSV import / export", "<= 10 s / <= 15 s", bench_transfer),
    ("start-up: --version, door command, kiosk", "see docs/benchmarks.md", bench_startup),
    ("kiosk, Admin tab", "see docs/benchmarks.md", bench_ui),
    ("door during an Admin export", "p99 <= 100 ms", bench_door_lane),
    ("reports", "<= 1 s each", bench_reports),
    ("secret masking", "1 MB <= 50 ms", bench_masking),
    ("station copy", "1M first copy <= 2 min; refresh <= 5 s", bench_station_copy),
    ("change log on a check-in", "reference", bench_change_log),
    ("offline door", "p99 <= 10 ms, sync 5,000 <= 15 s, switch <= 3.5 s", bench_offline),
]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks", description=__doc__)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--scale", type=int, default=FULL_SCALE, help="patrons (default 1M)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("benchmark-results.json"))
    parser.add_argument(
        "--pg-server",
        default=os.environ.get("CREDOPASS_BENCH_PG", DEFAULT_PG_SERVER),
        help="a PostgreSQL database to connect to for creating the benchmark database "
        f"(default {DEFAULT_PG_SERVER}, or $CREDOPASS_BENCH_PG)",
    )
    parser.add_argument("--regenerate", action="store_true", help="rebuild the cached data set")
    parser.add_argument("--only", help="run only benchmarks whose module name contains this")
    args = parser.parse_args(argv)
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    results: list[Result] = []
    for backend in backends:
        print(f"\n== {backend}, scale {args.scale:,} ==", flush=True)
        dataset = open_dataset(
            backend, args.scale, args.seed, pg_server=args.pg_server, regenerate=args.regenerate
        )
        try:
            for label, target, module in SUITE:
                if args.only and args.only not in module.__name__:
                    continue
                for result in _run(module, dataset, label, target):
                    print(result.line(), flush=True)
                    results.append(result)
        finally:
            dataset.dispose()
    write_json(results, args.out)
    missed = [r for r in results if r.ok is False]
    print(f"\nWrote {len(results)} figures to {args.out}; {len(missed)} targets missed.")
    return 1 if missed else 0


def _run(module, dataset, label: str, target: str) -> list[Result]:
    try:
        return module.run(dataset)
    except Skip as exc:
        return [skipped(label, dataset.backend, target, str(exc))]
    except Exception as exc:  # one broken benchmark must not hide the others' figures
        traceback.print_exc(file=sys.stderr)
        reason = f"failed: {type(exc).__name__}: {exc}".splitlines()[0]
        return [skipped(label, dataset.backend, target, reason)]


if __name__ == "__main__":
    sys.exit(main())
