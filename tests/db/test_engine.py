"""Where the data lives: URL precedence, parsing, masking and the SQLite connection settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from db.engine import (
    DatabaseUrlError,
    create_app_engine,
    default_sqlite_path,
    describe_location,
    mask_url,
    parse_url,
    resolve_target,
    sqlite_url,
)

SECRET = "s3cr3t-Pa55"


def test_command_line_beats_environment_beats_default(tmp_path):
    environ = {"DATABASE_URL": "postgresql://env@dbhost/envdb"}
    cli = resolve_target(f"sqlite:///{tmp_path}/cli.db", environ)
    assert cli.source == "--database-url" and cli.url.database == f"{tmp_path}/cli.db"
    env = resolve_target(None, environ)
    assert env.source == "DATABASE_URL" and env.url.database == "envdb"
    default = resolve_target(None, {})
    assert default.source == "default"
    assert default.url.database == str(default_sqlite_path())
    assert default_sqlite_path().name == "credopass.db"


def test_blank_environment_variable_means_the_default():
    assert resolve_target(None, {"DATABASE_URL": "   "}).source == "default"


def test_default_lives_in_the_user_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_sqlite_path() == tmp_path / "CredoPass" / "credopass.db"


@pytest.mark.parametrize("scheme", ["postgres", "postgresql", "postgresql+psycopg"])
def test_postgres_urls_use_psycopg3(scheme):
    url = parse_url(f"{scheme}://user@host:5433/credopass")
    assert url.drivername == "postgresql+psycopg"
    assert (url.host, url.port, url.database) == ("host", 5433, "credopass")


def test_sqlite_urls_use_pysqlite():
    assert parse_url("sqlite:////tmp/x.db").drivername == "sqlite+pysqlite"


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("not a url", "not valid"),
        ("mysql://user@host/db", "unsupported database"),
        ("postgresql://user@host", "names no database"),
        ("sqlite://", "needs a file path"),
        ("sqlite:///:memory:", "needs a file path"),
    ],
)
def test_malformed_urls_are_explained(raw, words):
    with pytest.raises(DatabaseUrlError, match=words):
        parse_url(raw)


@pytest.mark.parametrize(
    "raw",
    [
        f"postgresql://user:{SECRET}@host:5432/db",
        f"mysql://user:{SECRET}@host/db",
        f"postgresql://user:{SECRET}@host",
        f"postgresql://user:{SECRET}@host:notaport/db",
    ],
)
def test_errors_and_masks_never_show_the_password(raw):
    assert SECRET not in mask_url(raw)
    try:
        url = parse_url(raw)
    except (DatabaseUrlError, ValueError) as exc:
        assert SECRET not in str(exc)
    else:
        assert SECRET not in mask_url(url)
        assert SECRET not in describe_location(url)
        assert "***" in mask_url(url)


def test_describe_location_has_no_credentials():
    url = parse_url(f"postgresql://user:{SECRET}@db.example.org:5432/credopass")
    assert describe_location(url) == "PostgreSQL db.example.org:5432/credopass"
    assert describe_location(sqlite_url(Path("/x/y.db"))) == "SQLite file /x/y.db"


def test_sqlite_connections_are_configured(tmp_path):
    engine = create_app_engine(sqlite_url(tmp_path / "x.db"))
    try:
        with engine.connect() as connection:
            pragma = {
                name: connection.execute(text(f"PRAGMA {name}")).scalar()
                for name in ("foreign_keys", "journal_mode", "synchronous", "busy_timeout")
            }
    finally:
        engine.dispose()
    assert pragma == {
        "foreign_keys": 1,
        "journal_mode": "wal",
        "synchronous": 2,  # FULL
        "busy_timeout": 10_000,
    }


def test_sqlite_in_a_missing_folder_is_refused_before_creating_anything(tmp_path):
    missing = tmp_path / "no" / "such"
    with pytest.raises(DatabaseUrlError, match="does not exist"):
        create_app_engine(sqlite_url(missing / "x.db"))
    assert not (tmp_path / "no").exists()
