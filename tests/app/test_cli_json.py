"""`--json` on every command: results and every error (argparse's own included) as one object on
stdout, with the same exit codes as without it; arguments that are not text; relative SQLite."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

import pytest

from app.cli import build_parser, main
from db import migrate


def _leaves(parser: argparse.ArgumentParser, path=()):
    children = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            children = action.choices
    if not children:
        yield path, parser
    for name, child in children.items():
        yield from _leaves(child, (*path, name))


def test_every_command_accepts_json():
    leaves = dict(_leaves(build_parser()))
    assert ("export",) in leaves and ("import", "patrons") in leaves and ("db", "info") in leaves
    missing = [
        " ".join(p)
        for p, parser in leaves.items()
        if p and "--json" not in (parser._option_string_actions)
    ]
    assert missing == []


@pytest.fixture
def run(capsys):
    def run(*argv):
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _error(out: str) -> str:
    payload = json.loads(out)
    assert set(payload) == {"outcome", "message"} and payload["outcome"] == "error"
    return payload["message"]


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["export", "--json"], "required: TABLE"),
        (["--json", "export", "users", "--format", "xml"], "invalid choice"),
        (["import", "patrons", "--json"], "required: FILE"),
        (["db", "info", "--json", "--bogus"], "unrecognized arguments: --bogus"),
        (["--json", "db"], "`credopass db` needs a command"),
        (
            ["db", "generate", "--json", "--patrons", "x", "--events", "1", "--attendance", "1"],
            "not a whole number",
        ),
        (["checkin", "--json"], "required: EVENT, CODE"),
        (["events", "list", "--json", "--when", "someday"], "invalid choice"),
        (["patron", "redeem", "--json", "x@y.org"], "required"),
        (["--json"], "needs a command"),
    ],
)
def test_usage_errors_are_json_with_exit_2(run, argv, words):
    code, out, err = run(*argv)
    assert (code, err) == (2, "")
    assert words in _error(out)
    # the same command line without --json: the same exit code, the message on stderr
    plain = [a for a in argv if a != "--json"]
    if plain:
        code, out, err = run(*plain)
        assert code == 2 and out == "" and err.startswith("credopass: ")


def test_database_and_validation_errors_are_json(run, tmp_path, database_url_text, engine):
    unreachable = "postgresql://nobody@127.0.0.1:1/none"
    code, out, err = run("--database-url", unreachable, "db", "info", "--json")
    assert (code, err) == (1, "") and _error(out)
    code, out, err = run("--database-url", database_url_text, "export", "people", "--json")
    assert (code, err) == (2, "") and "no table 'people'" in _error(out)
    code, out, err = run(
        "--database-url",
        database_url_text,
        "import",
        "patrons",
        str(tmp_path / "no.csv"),
        "--json",
    )
    assert (code, err) == (2, "") and "cannot read no.csv" in _error(out)
    code, out, err = run("--database-url", database_url_text, "db", "reset", "--json")
    assert code == 2 and "--yes" in _error(out)


def test_results_are_json(run, tmp_path, database_url_text, engine):
    url = ["--database-url", database_url_text]
    code, out, _ = run(*url, "db", "seed", "--json")
    assert code == 0 and json.loads(out)["outcome"] == "ok"
    assert "Loaded" in json.loads(out)["message"]
    code, out, _ = run(*url, "--json", "db", "info")
    info = json.loads(out)
    assert info["revision"] == migrate.head_revision() and info["rows"]["users"] == 2
    code, out, _ = run(*url, "db", "current", "--json")
    assert json.loads(out)["state"] == "current"
    target = tmp_path / "users.csv"
    code, out, err = run(*url, "export", "users", "-o", str(target), "--json")
    assert code == 0 and err == ""
    assert json.loads(out) | {"message": ""} == {
        "outcome": "exported",
        "message": "",
        "table": "users",
        "rows": 2,
        "format": "csv",
        "output": str(target),
    }
    code, out, _ = run(*url, "import", "patrons", str(target), "--dry-run", "--json")
    report = json.loads(out)
    assert code == 0 and report["outcome"] == "dry_run"
    assert report["counts"]["unchanged"] == 2
    assert report["counts"]["new"] == report["counts"]["rejected"] == 0
    code, out, _ = run(*url, "import", "patrons", str(target), "--json")
    assert code == 0 and json.loads(out)["outcome"] == "imported"


def test_arguments_that_are_not_text_are_a_usage_error(run):
    not_utf8 = b"caf\xe9".decode("utf-8", "surrogateescape")  # what Python makes of Latin-1
    code, out, err = run("patron", "search", not_utf8)
    assert code == 2 and out == ""
    assert "is not valid text" in err and "unexpected" not in err
    code, out, err = run("patron", "search", not_utf8, "--json")
    assert code == 2 and "is not valid text" in _error(out)


def test_arguments_that_are_not_text_from_a_real_command_line(tmp_path):
    """The bytes as a shell passes them: the child's sys.argv holds surrogates."""
    result = subprocess.run(
        [sys.executable, "-m", "app", "patron", "search", b"caf\xe9"],
        capture_output=True,
        timeout=60,
        env={**os.environ, "PYTHONUTF8": "1", "XDG_DATA_HOME": str(tmp_path)},
    )
    assert result.returncode == 2
    assert b"is not valid text" in result.stderr and b"unexpected" not in result.stderr


@pytest.mark.parametrize("source", ["--database-url", "DATABASE_URL"])
def test_relative_sqlite_url_is_refused(run, tmp_path, monkeypatch, source):
    monkeypatch.chdir(tmp_path)
    argv = ["db", "upgrade"]
    if source == "DATABASE_URL":
        monkeypatch.setenv("DATABASE_URL", "sqlite:///relative.db")
    else:
        argv = ["--database-url", "sqlite:///relative.db", *argv]
    code, out, err = run(*argv)
    assert code == 2 and out == ""
    assert "relative" in err and f"sqlite:///{tmp_path.as_posix()}/relative.db" in err
    assert list(tmp_path.iterdir()) == []  # no database file appeared anywhere near
    code, out, _ = run(*argv, "--json")
    assert code == 2 and "full path" in _error(out)
