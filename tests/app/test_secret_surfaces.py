"""Issue 12, failure 5: a password given as `?password=` in the URL was shown in clear by
`db info` and saved in the console history file; every surface now masks it."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.exc import OperationalError

from app.admin.history import QueryHistory
from app.cli import main
from app.cli.common import configure_logging, log_file_path
from db.engine import mask_url

SECRET = "s3cr3t-Pa55"


def test_db_info_masks_a_password_in_the_query_string(engine, database_url, backend, capsys):
    if backend != "postgresql":
        pytest.skip("SQLite URLs carry no password")
    # the local server trusts local connections, so it ignores the password: a real connection
    url = database_url.update_query_dict({"password": SECRET})
    code = main(["--database-url", url.render_as_string(hide_password=False), "db", "info"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert SECRET not in out + err
    assert "password=***" in out


def test_history_file_holds_no_password_from_the_url_or_the_query(tmp_path):
    path = tmp_path / "admin_query_history.json"
    history = QueryHistory(f"postgresql://u@h/d?sslmode=require&password={SECRET}", path)
    history.add(f"select 'postgresql://a:{SECRET}@h/d', 'host=h password={SECRET}'")
    text = path.read_text(encoding="utf-8")
    assert SECRET not in text
    # (an unquoted value runs to the next space: the closing quote goes with the secret)
    assert history.recent() == ["select 'postgresql://a:***@h/d', 'host=h password=***"]


@pytest.mark.parametrize(
    "raw",
    [
        f"postgresql://u:{SECRET}@h/d",
        f"postgresql://u@h/d?password={SECRET}",
        f"postgresql://u@h/d?sslpassword={SECRET}&password={SECRET}",
        f"postgresql://u@h:port/d?password={SECRET}",  # not parseable: the query is dropped
        f"postgresql://u:{SECRET}@h:port/d",
    ],
)
def test_mask_url_hides_every_password(raw):
    assert SECRET not in mask_url(raw)


def test_log_file_masks_query_string_passwords():
    path = configure_logging()
    logging.getLogger("credopass.test").warning("cannot reach host=h password=%s", SECRET)
    logging.getLogger("credopass.test").warning("cannot reach postgresql://h/d?password=%s", SECRET)
    text = log_file_path().read_text(encoding="utf-8")
    assert path == log_file_path()
    assert SECRET not in text and text.count("password=***") == 2


def test_gui_error_lines_are_masked():
    from app.errors import describe_error

    error = OperationalError("connect", {}, Exception(f"bad dsn host=h password={SECRET}"))
    assert describe_error(error) == "bad dsn host=h password=***"
