"""`python -m tests.benchmarks.bench_passes [--patrons N] [--backend sqlite|postgresql]`

Issue 13's target: `credopass pass sheet --all --pdf FILE` for 10,000 patrons within 60 s,
streamed (memory stays flat). Runs twice on a fresh synthetic database: the first run issues
every pass, the second only reads them. Prints seconds, pages, file size, peak memory and the
load average (the machine is shared). Standalone: it builds its own database.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

from app.cli import main as credopass

TARGET_SECONDS = 60.0


def _database(backend: str, folder: Path) -> tuple[str, callable]:
    if backend == "sqlite":
        return f"sqlite:///{folder / 'bench.db'}", lambda: None
    server = os.environ.get(
        "CREDOPASS_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1/postgres"
    )
    name = f"bench_passes_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return server.rsplit("/", 1)[0] + f"/{name}", drop


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patrons", type=int, default=10_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        url, drop = _database(args.backend, Path(folder))
        try:
            credopass(["--database-url", url, "db", "upgrade"])
            credopass(
                [
                    "--database-url",
                    url,
                    "db",
                    "generate",
                    "--patrons",
                    str(args.patrons),
                    "--events",
                    "1",
                    "--attendance",
                    "0",
                ]
            )
            pdf = Path(folder) / "sheet.pdf"
            ok = True
            for label in ("first run (issues passes)", "second run (reads them)"):
                started = time.perf_counter()
                code = credopass(
                    ["--database-url", url, "pass", "sheet", "--all", "--pdf", str(pdf)]
                )
                seconds = time.perf_counter() - started
                ok = ok and code == 0 and seconds <= TARGET_SECONDS
                print(
                    f"{args.backend} {args.patrons:,} passes, {label}: {seconds:.1f} s "
                    f"(target <= {TARGET_SECONDS:.0f} s), {pdf.stat().st_size / 1e6:.1f} MB, "
                    f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB, "
                    f"load {os.getloadavg()[0]:.2f}",
                    flush=True,
                )
        finally:
            drop()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
