"""`credopass db ...` from the outside: seed, reset, info, check, bad input, unexpected errors."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Column, Integer, Table, text

from app.cli import common, main
from app.cli.common import CliError, ensure_display, log_file_path, mask_secrets, run_command
from db import migrate
from db.models import Base
from tests.conftest import unreachable_postgres_url

SECRET = "s3cr3t-Pa55"
PROJECT = Path(__file__).resolve().parents[2]


def run(capsys, url: str | None, *argv: str) -> tuple[int, str, str]:
    prefix = ["--database-url", url] if url else []
    code = main([*prefix, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def credopass(
    *argv: str, env: dict | None = None, prefix: tuple[str, ...] = ()
) -> subprocess.CompletedProcess:
    """The installed command in a child process, as a person would run it."""
    return subprocess.run(
        [*prefix, sys.executable, "-m", "ui", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def _counts(out: str) -> dict[str, int]:
    counts = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == "rows":
            counts[parts[0]] = int(parts[1].replace(",", ""))
    return counts


GUIDE_SEED = {"users": 2, "events": 1, "attendance": 2, "loyalty": 1}


def _guide_counts(out: str) -> dict[str, int]:
    counts = _counts(out)
    return {t: counts[t] for t in GUIDE_SEED}


# --- version -------------------------------------------------------------------------------------


def test_version_from_the_console_script_and_python_m_app():
    script = shutil.which("credopass", path=str(Path(sys.executable).parent))
    assert script, "the credopass console script is installed next to the interpreter"
    by_script = subprocess.run([script, "--version"], capture_output=True, text=True, timeout=60)
    by_module = credopass("--version")
    assert by_script.returncode == by_module.returncode == 0
    assert by_script.stdout.startswith("credopass ")
    assert by_script.stdout == by_module.stdout


# --- seed and reset ------------------------------------------------------------------------------


def test_seed_loads_the_guide_data_once(database_url_text, capsys):
    assert run(capsys, database_url_text, "db", "upgrade")[0] == 0
    code, out, _ = run(capsys, database_url_text, "db", "seed")
    assert code == 0 and "Loaded the demo data" in out
    code, out, _ = run(capsys, database_url_text, "db", "seed")
    assert code == 0 and "already loaded; nothing was added" in out
    code, out, _ = run(capsys, database_url_text, "db", "info")
    assert _guide_counts(out) == GUIDE_SEED


def test_reset_needs_yes_and_then_starts_empty(database_url_text, capsys):
    run(capsys, database_url_text, "db", "upgrade")
    run(capsys, database_url_text, "db", "seed")

    code, _, err = run(capsys, database_url_text, "db", "reset")
    assert code == 2 and "--yes" in err
    assert _guide_counts(run(capsys, database_url_text, "db", "info")[1]) == GUIDE_SEED

    code, out, _ = run(capsys, database_url_text, "db", "reset", "--yes")
    assert code == 0 and "re-created" in out
    code, out, _ = run(capsys, database_url_text, "db", "info")
    assert set(_guide_counts(out).values()) == {0}
    assert f"revision: {migrate.head_revision()}" in out


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://postgres@db.example.com:5432/credopass",
        "postgresql://postgres@10.20.30.40/credopass",
    ],
)
def test_reset_of_a_remote_postgres_needs_force(url, capsys):
    # Refused from the URL alone: no connection is attempted (the hosts do not exist here).
    code, out, err = run(capsys, url, "db", "reset", "--yes")
    assert code == 2
    assert "--force" in err and "not this machine" in err
    assert out == ""


# --- info ----------------------------------------------------------------------------------------


def test_info_shows_backend_revision_and_counts(engine, database_url_text, backend, capsys):
    code, out, _ = run(capsys, database_url_text, "db", "info")
    assert code == 0
    assert f"backend:  {backend}" in out
    assert f"revision: {migrate.head_revision()}" in out
    assert "(from --database-url)" in out
    assert _guide_counts(out) == dict.fromkeys(GUIDE_SEED, 0)


def test_info_and_logs_never_show_the_password(engine, database_url, backend, capsys):
    if backend != "postgresql":
        pytest.skip("SQLite URLs carry no password")
    # the local server trusts local connections, so it ignores the password: a real connection
    url = database_url.set(password=SECRET).render_as_string(hide_password=False)
    code, out, err = run(capsys, url, "db", "info")
    assert code == 0
    assert SECRET not in out + err
    assert ":***@" in out
    unreachable = unreachable_postgres_url(database_url.set(password=SECRET)).render_as_string(
        hide_password=False
    )
    code, out, err = run(capsys, unreachable, "db", "info")
    assert code == 1 and SECRET not in out + err
    log = log_file_path()
    assert not log.exists() or SECRET not in log.read_text()


# --- upgrade, downgrade, current ----------------------------------------------------------------


def test_upgrade_downgrade_current_round_trip(database_url_text, capsys):
    head = migrate.head_revision()
    code, out, _ = run(capsys, database_url_text, "db", "upgrade")
    assert (code, out) == (0, f"Created the CredoPass tables at revision {head}.\n")
    code, out, _ = run(capsys, database_url_text, "db", "upgrade")
    assert (code, out) == (0, f"Already at revision {head}.\n")
    code, out, _ = run(capsys, database_url_text, "db", "downgrade", "0001_initial")
    assert code == 0 and "0001_initial" in out
    code, out, _ = run(capsys, database_url_text, "db", "current")
    assert out.startswith("0001_initial\n") and "credopass db upgrade" in out
    code, out, _ = run(capsys, database_url_text, "db", "upgrade")
    assert (code, out) == (0, f"Upgraded from 0001_initial to {head}.\n")
    code, out, _ = run(capsys, database_url_text, "db", "downgrade", "base")
    assert out == "Database is at revision base (empty).\n"
    code, out, _ = run(capsys, database_url_text, "db", "upgrade", "--json")
    assert code == 0
    assert json.loads(out) | {"notes": []} == {
        "outcome": "created",
        "message": f"Created the CredoPass tables at revision {head}.",
        "from": None,
        "to": head,
        "notes": [],
    }
    code, out, _ = run(capsys, database_url_text, "--json", "db", "upgrade")
    assert json.loads(out)["outcome"] == "current"


def test_unknown_revision_is_a_usage_error(engine, database_url_text, capsys):
    code, _, err = run(capsys, database_url_text, "db", "upgrade", "0042_nope")
    assert code == 2
    assert "0042_nope" in err and "known revisions" in err and "unexpected" not in err


def test_database_ahead_is_neither_upgraded_nor_downgraded(engine, database_url_text, capsys):
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099_future'"))
    for argv in (("upgrade",), ("downgrade", "base")):
        code, _, err = run(capsys, database_url_text, "db", *argv)
        assert code == 1 and "newer CredoPass" in err
    assert migrate.current_revision(engine) == "0099_future"


def test_revision_needs_a_database_at_the_newest_revision(database_url_text, capsys):
    # (autogenerating for real would write into migrations/versions; developers do that by hand)
    code, _, err = run(capsys, database_url_text, "db", "revision", "-m", "probe")
    assert code == 1 and "newest revision" in err and "credopass db upgrade" in err


# --- check ---------------------------------------------------------------------------------------


def test_check_is_clean(engine, database_url_text, capsys):
    code, out, _ = run(capsys, database_url_text, "db", "check")
    assert code == 0 and "No differences" in out


def test_check_lists_a_model_the_migrations_do_not_build(engine, database_url_text, capsys):
    probe = Table("zz_check_probe", Base.metadata, Column("id", Integer, primary_key=True))
    try:
        code, out, _ = run(capsys, database_url_text, "db", "check")
    finally:
        Base.metadata.remove(probe)
    assert code == 1
    assert "migrations vs models: table missing in the database: zz_check_probe" in out
    assert "credopass db revision" in out
    assert "zz_check_probe" not in Base.metadata.tables


def test_check_lists_what_the_database_has_beyond_the_models(engine, database_url_text, capsys):
    with engine.begin() as connection:
        connection.execute(text('CREATE INDEX idx_probe_lastname ON users ("lastName")'))
    code, out, _ = run(capsys, database_url_text, "db", "check")
    assert code == 1
    assert "index in the database but not in the models: idx_probe_lastname" in out


# --- bad input, in a child process: one line, no traceback ---------------------------------------


def _one_clear_line(result: subprocess.CompletedProcess, *words: str) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0]
    return lines[0]


@pytest.mark.parametrize(
    "raw",
    [f"postgresql://u:{SECRET}@host:port/x", "not a url", "mysql://u@h/x", "postgresql://u@h"],
)
def test_malformed_database_url(raw, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", raw)
    code, out, err = run(capsys, None, "db", "info")
    assert code == 2 and out == ""
    assert err.startswith("credopass: bad database URL: ") and err.count("\n") == 1
    assert SECRET not in err


def test_unreachable_postgres_fails_in_one_line():
    # That it gives up soon is the connect timeout's job (tests/db/test_deadlines.py checks it
    # reaches the driver); how soon is a figure for the benchmarks, not a timed assert here.
    result = credopass(
        "--database-url", "postgresql://postgres@127.0.0.1:1/credopass", "db", "info"
    )
    _one_clear_line(result, "Cannot open the database", "127.0.0.1:1")
    assert result.returncode == 1


def test_sqlite_in_a_missing_folder(tmp_path, capsys):
    url = f"sqlite:///{tmp_path}/missing/credopass.db"
    code, _, err = run(capsys, url, "db", "upgrade")
    assert code == 1
    expected = f"the folder {tmp_path}/missing for the SQLite file does not exist"
    assert err == f"credopass: cannot use the database: {expected}\n"
    assert not (tmp_path / "missing").exists()


@pytest.fixture
def read_only_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    yield folder
    folder.chmod(0o755)


def _without_root_override() -> tuple[str, ...]:
    """Root ignores permission bits; run the child without that capability so that a
    read-only folder is read-only for it too (util-linux `setpriv`)."""
    if not (hasattr(os, "geteuid") and os.geteuid() == 0):
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root, where permission bits do not apply, and no setpriv")
    caps = "-dac_override,-dac_read_search"
    return (setpriv, f"--bounding-set={caps}", f"--inh-caps={caps}")


def test_sqlite_in_a_read_only_folder(read_only_folder):
    url = f"sqlite:///{read_only_folder}/credopass.db"
    result = credopass("--database-url", url, "db", "upgrade", prefix=_without_root_override())
    _one_clear_line(result, "read-only")
    assert not (read_only_folder / "credopass.db").exists()


# --- unexpected errors ---------------------------------------------------------------------------


def test_unexpected_error_is_one_line_with_the_traceback_in_the_log(capsys):
    def broken(_args, _context):
        raise RuntimeError(f"boom near postgresql://admin:{SECRET}@db/credopass")

    hook = sys.excepthook
    code = run_command(argparse.Namespace(), broken)
    err = capsys.readouterr().err
    assert sys.excepthook is hook, "the hook for the GUI is restored"
    assert code == 1
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("credopass: unexpected error: boom near")
    assert f"details in {log_file_path()}" in err
    log = log_file_path().read_text()
    assert "Traceback" in log and "RuntimeError" in log
    assert SECRET not in err + log


def test_an_error_escaping_a_gui_slot_is_logged_not_dumped(capsys):
    """Qt hands an exception raised in a slot to sys.excepthook; while a command (the GUI) runs,
    that hook logs the traceback and prints one line."""

    def gui_like(_args, _context):
        try:
            raise ValueError("slot failed")
        except ValueError:
            sys.excepthook(*sys.exc_info())
        return 0

    assert run_command(argparse.Namespace(), gui_like) == 0
    err = capsys.readouterr().err
    assert err.startswith("credopass: unexpected error: slot failed; details in")
    assert "Traceback" not in err
    assert "ValueError: slot failed" in log_file_path().read_text()


def test_unexpected_error_without_a_writable_log_folder(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))

    def broken(_args, _context):
        raise RuntimeError("boom")

    assert run_command(argparse.Namespace(), broken) == 1
    err = capsys.readouterr().err
    assert err == "credopass: unexpected error: boom; no log file could be written\n"


def test_no_display_is_one_clear_line_not_a_qt_abort(monkeypatch):
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    if not sys.platform.startswith("linux"):
        pytest.skip("only X11/Wayland sessions can lack a display")
    with pytest.raises(CliError, match="no display found"):
        ensure_display()
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    ensure_display()  # an explicit platform is trusted


def test_missing_x11_libraries_are_named_with_their_packages(monkeypatch):
    if not sys.platform.startswith("linux"):
        pytest.skip("the library is an X11 one")
    for name in ("WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(common, "_X11_LIBRARIES", {"libnot-there.so.9": "libnot-there9"})
    with pytest.raises(CliError, match=r"apt-get install libnot-there9\)"):
        ensure_display()
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    ensure_display()  # Wayland sessions do not need it


def test_output_cut_short_by_the_reader_is_quiet(tmp_path):
    url = f"sqlite:///{tmp_path}/x.db"
    reader_gone = subprocess.run(
        f"{sys.executable} -m app --database-url '{url}' db info | true",
        shell=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Traceback" not in reader_gone.stderr and "Broken pipe" not in reader_gone.stderr


def test_mask_secrets():
    assert mask_secrets(f"postgresql+psycopg://u:{SECRET}@h:5432/d") == (
        "postgresql+psycopg://u:***@h:5432/d"
    )
    assert mask_secrets(f"host=h password={SECRET} dbname=d") == "host=h password=*** dbname=d"
    assert mask_secrets("postgresql://u@h:5432/d and a@b.c") == "postgresql://u@h:5432/d and a@b.c"


def test_autogenerate_leaves_the_web_services_bookkeeping_table_alone(engine, tmp_path):
    """An adopted database keeps `__drizzle_migrations`; a developer's autogenerated revision
    must not propose dropping it (it would break the web service's own migrations)."""
    with engine.begin() as connection:
        connection.execute(text('CREATE TABLE "__drizzle_migrations" (id INTEGER PRIMARY KEY)'))
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.migrations_dir(), scripts, ignore=shutil.ignore_patterns("__pycache__"))
    with engine.begin() as connection:
        config = migrate.alembic_config(connection=connection)
        config.set_main_option("script_location", str(scripts))
        script = command.revision(config, message="probe", autogenerate=True)
    body = Path(script.path).read_text()
    assert "__drizzle_migrations" not in body
    assert "op.drop_table" not in body and "op.create_table" not in body
