"""A non-editable install finds its migrations and assets inside the installed packages.

Building a wheel needs the `wheel` package and a fresh virtual environment takes minutes, so this
guard lets setuptools lay out exactly the files a wheel would hold (`build_py`, with the package
data rules from pyproject.toml) and runs the migrations from there, away from the source tree.
The full check by hand: README, "Installing without the source tree".
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build_lib")
    egg_base = tmp_path_factory.mktemp("egg_base")  # keep the source tree untouched
    subprocess.run(
        [sys.executable, "-c", "from setuptools import setup; setup()", "-q"]
        + ["egg_info", "--egg-base", str(egg_base), "build_py", "--build-lib", str(out)],
        cwd=PROJECT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return out


def test_package_data_is_shipped(built):
    for path in ("assets/theme.qss", "migrations/script.py.mako", "migrations/env.py"):
        assert (built / path).is_file(), path
    sources = {p.name for p in (PROJECT / "migrations" / "versions").glob("0*.py")}
    shipped = {p.name for p in (built / "migrations" / "versions").glob("0*.py")}
    assert sources and shipped == sources
    assert not (built / "tests").exists()


def test_migrations_run_from_the_built_packages(built, tmp_path):
    """In a child process whose imports come from the built tree, not from the source."""
    code = (
        "import sys, db.migrate as m; from db.engine import create_app_engine, sqlite_url;"
        "from pathlib import Path;"
        f"assert Path(m.__file__).is_relative_to({str(built)!r}), m.__file__;"
        f"assert m.migrations_dir().is_relative_to({str(built)!r});"
        f"e = create_app_engine(sqlite_url(Path({str(tmp_path / 'x.db')!r})));"
        "m.upgrade(e); print(m.schema_status(e).state.value)"
    )
    env = {**os.environ, "PYTHONPATH": str(built)}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "current"
