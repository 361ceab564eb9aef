"""`python -m tests.reliability [--backend sqlite|postgresql|both] [--quick] [--out FILE]`

Runs the kill -9 loop, the 16-process crowd, server loss and freeze through a TCP proxy, and a
hypothesis-driven fuzz of the command line, the import and the SQL console; prints each scenario's figures and
writes them all as JSON with the machine's load. Exit 0 when every scenario held, 1 otherwise.
PostgreSQL cases use CREDOPASS_TEST_DATABASE_URL (a throw-away schema each).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import traceback
from pathlib import Path

from tests.reliability import console_fuzz, fuzz, scenarios

# (kills, proxy rounds, CLI fuzz examples, console attacks): --quick keeps the run to minutes.
SIZES = {"quick": (3, 1, 40, 40), "full": (30, 5, 1000, 1000)}


def run(backends, quick: bool, sizes: tuple | None = None) -> dict:
    kills, rounds, examples, attacks = sizes or SIZES["quick" if quick else "full"]
    plan = [
        ("kill -9 loop", lambda b: scenarios.kill_loop(b, kills)),
        ("16-process crowd", scenarios.crowd_race),
        ("server loss and freeze", lambda b: scenarios.server_loss(b, rounds)),
        ("fuzz: CLI and import", lambda b: fuzz.fuzz_cli(b, examples)),
        ("fuzz: SQL console", lambda b: console_fuzz.fuzz_console(b, attacks)),
    ]
    report = {
        "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_before": os.getloadavg(),
        "quick": quick,
        "sizes": {"kills": kills, "rounds": rounds, "cli_examples": examples, "attacks": attacks},
        "results": {},
    }
    for backend in backends:
        for name, scenario in plan:
            started = time.perf_counter()
            try:
                figures = scenario(backend)
            except Exception as exc:  # one broken scenario must not hide the others' figures
                traceback.print_exc()
                figures = {"crashed": f"{type(exc).__name__}: {exc}".splitlines()[0], "ok": False}
            figures["seconds"] = round(time.perf_counter() - started, 1)
            figures["load"] = os.getloadavg()[0]
            report["results"][f"{backend}: {name}"] = figures
            verdict = "ok  " if figures["ok"] else "FAIL"
            print(f"{verdict} {backend:<10} {name:<24} {_short(figures)}", flush=True)
    report["load_after"] = os.getloadavg()
    return report


def _short(figures: dict) -> str:
    shown = {k: v for k, v in figures.items() if k != "ok" and (not isinstance(v, list) or v)}
    return json.dumps(shown, ensure_ascii=False)[:400]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.reliability", description=__doc__)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--quick", action="store_true", help="small sizes (the test suite's)")
    parser.add_argument("--out", type=Path, default=Path("reliability-results.json"))
    # A loaded machine may need smaller sizes than "full"; the report records the ones used.
    for name in ("kills", "rounds", "examples", "attacks"):
        parser.add_argument(f"--{name}", type=int, metavar="N", help=f"override the {name} count")
    args = parser.parse_args(argv)
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    sizes = list(SIZES["quick" if args.quick else "full"])
    for index, name in enumerate(("kills", "rounds", "examples", "attacks")):
        if getattr(args, name) is not None:
            sizes[index] = getattr(args, name)
    report = run(backends, args.quick, tuple(sizes))
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n")
    failed = [name for name, figures in report["results"].items() if not figures["ok"]]
    print(f"\nWrote {args.out}; {len(failed)} scenario(s) failed: {failed}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
