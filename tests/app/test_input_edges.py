"""Issue 12, failure 7: hostile input at the edges gets a clear message (exit 2) and leaves the
database unchanged; files that hold personal data are private to their owner."""

from __future__ import annotations

import json
import stat

import pytest
from sqlalchemy import func, select

from app.admin.history import QueryHistory
from app.checkin.validation import MAX_FILTER, clean_filter, parse_whole_number, refuse_unprintable
from app.cli import main
from app.cli.common import configure_logging, log_file_path
from db.engine import (
    create_app_engine,
    default_sqlite_path,
    ensure_default_folder,
    resolve_target,
    sqlite_url,
)
from db.models import AuditLog, Loyalty
from db.session import make_session_factory, unit_of_work
from tests.app.checkin_support import add_points, make_patron


@pytest.mark.parametrize("text", ["２", "1_0", "٣", "-1", "1.0", "", " ", "0x10", "1e3"])
def test_numbers_are_ascii_digits_only(text):
    with pytest.raises(ValueError, match="digits 0-9"):
        parse_whole_number(text)


def test_plain_numbers_are_read():
    assert parse_whole_number(" 10 ") == 10


@pytest.mark.parametrize("text", ["a\x00b", "a\x1bb", "a\nb", "a\u2028b", "\x7f"])
def test_control_characters_are_refused(text):
    with pytest.raises(ValueError, match="cannot be printed"):
        refuse_unprintable(text, "Search")


def test_filters_are_capped():
    assert clean_filter("x" * MAX_FILTER) == "x" * MAX_FILTER
    with pytest.raises(ValueError, match=f"{MAX_FILTER} characters"):
        clean_filter("x" * (MAX_FILTER + 1))


@pytest.fixture
def jane(engine, database_url_text):
    with unit_of_work(make_session_factory(engine)) as session:
        patron = make_patron(session, "Jane", "Smith", email="jane@example.com")
        add_points(session, patron, 50)
    return database_url_text


def _cli(capsys, url, *argv) -> tuple[int, str]:
    try:
        code = main(["--database-url", url, *argv])
    except SystemExit as exc:  # argparse's own usage errors
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("patron", "redeem", "jane@example.com", "２", "--reward", "mug"), "digits 0-9"),
        (("patron", "redeem", "jane@example.com", "1_0", "--reward", "mug"), "digits 0-9"),
        (("patron", "redeem", "jane@example.com", "٣", "--reward", "mug"), "digits 0-9"),
        (("patron", "redeem", "jane@example.com", "5", "--reward", "mug\x00"), "printed"),
        (("patron", "search", "ja\x00ne"), "printed"),
        (("patron", "search", "j" * 100_000), "too long"),
        (("events", "list", "--search", "a\x00b"), "printed"),
        (("events", "list", "--search", "a" * 100_000), "too long"),
        (("export", "users", "--where", "email~a\x00"), "printed"),
        # on SQLite this was "LIKE or GLOB pattern too complex"
        (("export", "users", "--where", "email~" + "a" * 100_000), "too long"),
    ],
)
def test_hostile_arguments_get_a_message_and_change_nothing(jane, engine, capsys, argv, message):
    code, output = _cli(capsys, jane, *argv)
    assert code == 2, output
    assert message in output
    assert "database error" not in output and "Traceback" not in output
    with unit_of_work(make_session_factory(engine), write=False) as session:
        assert session.scalar(select(func.count()).select_from(Loyalty)) == 1


def test_patron_search_json_masks_last_names_unless_revealed(jane, engine, capsys):
    code, output = _cli(capsys, jane, "patron", "search", "jane", "--json")
    assert code == 0
    result = json.loads(output)["results"][0]
    assert result["lastName"] == "S." and "Smith" not in output
    with unit_of_work(make_session_factory(engine), write=False) as session:
        assert session.scalar(select(func.count()).where(AuditLog.action == "reveal")) == 0
    code, output = _cli(capsys, jane, "patron", "search", "jane", "--json", "--reveal")
    assert code == 0 and json.loads(output)["results"][0]["lastName"] == "Smith"
    with unit_of_work(make_session_factory(engine), write=False) as session:
        row = session.scalars(select(AuditLog).where(AuditLog.action == "reveal")).one()
        assert row.method == "cli" and "jane" in row.detail


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_database_log_and_history_files_are_private(tmp_path):
    target = resolve_target(environ={})
    ensure_default_folder(target)
    assert _mode(default_sqlite_path().parent) == 0o700
    engine = create_app_engine(sqlite_url(tmp_path / "new.db"))
    with engine.connect() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x)")
    engine.dispose()
    assert _mode(tmp_path / "new.db") == 0o600
    configure_logging()
    assert _mode(log_file_path()) == 0o600
    assert _mode(log_file_path().parent) == 0o700
    history = QueryHistory("sqlite:///x.db", tmp_path / "private" / "h.json")
    history.add("select 1")
    assert _mode(tmp_path / "private" / "h.json") == 0o600
    assert _mode(tmp_path / "private") == 0o700


def test_rotated_log_files_stay_private(tmp_path, monkeypatch):
    import logging
    import os

    from app.cli.private_log import PrivateRotatingFileHandler

    path = tmp_path / "credopass.log"
    path.write_text("left readable by an older version\n")
    os.chmod(path, 0o644)
    old_umask = os.umask(0o022)  # the usual umask: what the standard handler would create 0644
    try:
        handler = PrivateRotatingFileHandler(path, maxBytes=200, backupCount=2, encoding="utf-8")
        record = logging.LogRecord("t", logging.WARNING, __file__, 1, "x" * 150, None, None)
        for _ in range(6):
            handler.emit(record)
        handler.close()
    finally:
        os.umask(old_umask)
    files = sorted(tmp_path.glob("credopass.log*"))
    assert [f.name for f in files] == ["credopass.log", "credopass.log.1", "credopass.log.2"]
    assert {f.name: _mode(f) for f in files} == {f.name: 0o600 for f in files}
