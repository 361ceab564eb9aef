"""What a command line loads: `--version` and a door command leave Alembic, the synthetic-data
planner and Qt alone (their cost is measured in tests/benchmarks/bench_startup.py; here only
what is imported, never how long it takes). The entry point: app.cli works without the GUI
layer, and says so when asked for the window or a PDF."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from db.engine import sqlite_url

# Loaded only by the commands that use them.
HEAVY = ("alembic", "db.synthetic", "PySide6", "psycopg", "sqlglot", "segno", "zxingcpp")

# Runs the console script's `main` in a fresh interpreter, then reports which heavy modules
# were imported (printed after the command's own output, on stderr).
PROBE = """
import json, sys
from ui.launcher import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
heavy = {heavy!r}
loaded = sorted(m for m in sys.modules if m.split(".")[0] in heavy or m.startswith(heavy))
print(json.dumps({{"code": code, "loaded": loaded}}), file=sys.stderr)
"""


def _run(*argv: str, probe: bool = False) -> subprocess.CompletedProcess:
    code = ["-c", PROBE.format(heavy=HEAVY)] if probe else ["-m", "ui"]
    return subprocess.run(
        [sys.executable, *code, *argv],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "TZ": "UTC"},
    )


def _probe(*argv: str) -> tuple[int, list[str], str]:
    result = _run(*argv, probe=True)
    report = json.loads(result.stderr.strip().splitlines()[-1])
    return report["code"], report["loaded"], result.stdout


def test_version_loads_no_database_layer():
    code, loaded, out = _probe("--version")
    assert (code, out.strip()) == (0, "credopass 0.1.0")
    assert loaded == []


def test_version_after_a_command_word_is_still_the_commands_error():
    result = _run("checkin", "--version")
    assert (result.returncode, result.stdout) == (2, "")
    assert "credopass checkin --help" in result.stderr


@pytest.fixture(scope="module")
def door_database(tmp_path_factory) -> str:
    """A current SQLite database with the guide's people and an event open at the door now."""
    url = sqlite_url(tmp_path_factory.mktemp("door") / "door.db").render_as_string()
    start = datetime.now() - timedelta(minutes=10)
    for argv in (
        ("db", "upgrade"),
        ("db", "seed"),
        ("events", "create", "--name", "Door", "--location", "Hall", "--host", "john@example.com")
        + (
            "--start",
            f"{start:%Y-%m-%d %H:%M}",
            "--end",
            f"{start + timedelta(hours=2):%Y-%m-%d %H:%M}",
        )
        + ("--publish",),
        ("events", "start", "Door"),
    ):
        result = _run("--database-url", url, *argv)
        assert result.returncode == 0, result.stderr
    return url


def test_a_door_command_loads_no_migrations_planner_or_qt(door_database):
    code, loaded, out = _probe(
        "--database-url", door_database, "checkin", "Door", "jane@example.com", "--json"
    )
    assert code == 0, out
    assert json.loads(out)["outcome"] in ("checked_in", "already_checked_in")
    assert loaded == []


def test_without_the_gui_layer_the_window_and_pdf_say_so(door_database, tmp_path, capsys):
    from app.cli import main

    assert main(["--database-url", door_database]) == 2
    assert "has no window: run `credopass`" in capsys.readouterr().err
    pdf = tmp_path / "r.pdf"
    assert (
        main(["--database-url", door_database, "report", "event", "Door", "--pdf", str(pdf)]) == 2
    )
    assert "PDF output is not available" in capsys.readouterr().err
    assert not Path(pdf).exists()
