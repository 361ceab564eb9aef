"""`credopass export` and `credopass import patrons`: output, messages, exit codes."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import func, select

from app.cli import main
from db.models import AuditLog, User
from tests.app.transfer.helpers import add_users


@pytest.fixture
def run(engine, database_url_text, capsys):
    def run(*argv):
        try:
            code = main([*argv, "--database-url", database_url_text])
        except SystemExit as exit_:  # argparse's own usage errors
            code = exit_.code
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def members(tmp_path):
    path = tmp_path / "members.csv"
    path.write_bytes(
        "\ufeffGiven Name;Family;Mail\r\nJosé;Müller;JOSE@x.org\r\n\r\nZoë;Ødegård;zoe@x.org\r\n"
        "Dup;Case;jose@X.org\r\nBad;Mail;nope\r\nCher;;cher@x.org\r\n".encode()
    )
    return path


def test_export_csv_to_stdout(run, sessions):
    with sessions() as session:
        add_users(session, 3)
        session.commit()
    code, out, err = run("export", "users", "--where", "email~user1")
    assert (code, err) == (0, "")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["email"] for r in rows] == ["user1@example.org"]


def test_export_json_to_file(run, sessions, tmp_path):
    with sessions() as session:
        add_users(session, 4)
        session.commit()
    target = tmp_path / "users.json"
    code, out, err = run("export", "users", "--format", "json", "-o", str(target))
    assert code == 0 and out == ""
    assert "Exported 4 rows of users" in err
    assert len(json.loads(target.read_text(encoding="utf-8"))) == 4

    code, out, err = run("export", "users", "--bom", "-o", str(tmp_path / "u.csv"))
    assert code == 0
    assert (tmp_path / "u.csv").read_bytes().startswith("\ufeffid,email,".encode())


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["export", "people"], "no table 'people'"),
        (["export", "users", "--where", "password=x"], "has no column 'password'"),
        (["export", "users", "--where", "createdAt>soon"], "ISO date"),
        (["export", "users", "--format", "xml"], "invalid choice"),
        (["export", "users", "-o", "/no/such/folder/x.csv"], "does not exist"),
    ],
)
def test_export_usage_errors(run, argv, message):
    code, out, err = run(*argv)
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_import_dry_run_then_apply(run, members, sessions):
    code, out, err = run("import", "patrons", str(members), "--dry-run")
    assert (code, err) == (0, "")
    assert "UTF-8 (with BOM), semicolon-separated, 5 rows" in out
    assert "Recognized: a member list" in out
    assert "Given Name -> first name" in out
    # Issue 15: the shared address is a household, a bad email only loses the cell.
    assert "Needs a first/last name (1; fix these rows in the file):" in out
    assert "row 7: needs a first/last name  [Cher, cher@x.org]" in out
    assert "row 6: bad email 'nope'; dropped  [Bad Mail]" in out
    assert (
        "Dry run: 4 new, 0 updated, 0 unchanged, 1 rejected (1 need a first/last name); "
        "2 new without an email of their own, 1 secondary contacts to add, 1 warnings. "
        "Nothing was written."
    ) in out
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0

    code, out, err = run("import", "patrons", str(members), "--station", "office-pc")
    assert code == 0
    assert (
        "Imported 4 new and 0 updated patrons (0 unchanged); 1 rejected rows were skipped." in out
    )
    with sessions() as session:
        emails = sorted(session.scalars(select(User.email)), key=lambda e: e.endswith(".invalid"))
        assert emails[:2] == ["jose@x.org", "zoe@x.org"]
        assert all(e.endswith("@no-email.invalid") for e in emails[2:]) and len(emails) == 4
        log = session.scalars(select(AuditLog)).one()
        assert (log.method, log.station) == ("cli", "office-pc")


def test_import_with_explicit_map(run, tmp_path, sessions):
    path = tmp_path / "odd.csv"
    path.write_text("Vorname,Zuname,Kontakt\nAnn,Lee,ann@x.org\n", encoding="utf-8")
    code, out, err = run("import", "patrons", str(path), "--dry-run")
    assert code == 0 and "Kontakt (ignored)" in out and "1 new without an email" in out
    code, out, err = run(
        "import", "patrons", str(path), "--map", "Zuname=lastName", "--map", "Kontakt=email"
    )
    assert code == 0, err
    assert "Imported 1 new" in out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--map", "Nope=email"], "has no column 'Nope'"),
        (["--map", "Mail"], "write the file's column"),
        (["--strict"], "strict mode is on; nothing was imported"),
    ],
)
def test_import_usage_errors(run, members, extra, message, sessions):
    code, out, err = run("import", "patrons", str(members), *extra)
    assert code == 2
    assert message in err and "Traceback" not in err
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0


def test_import_missing_file(run, tmp_path):
    code, out, err = run("import", "patrons", str(tmp_path / "none.csv"))
    assert code == 2 and "cannot read none.csv" in err


def test_import_refuses_dev_zero_and_a_pipe(run, tmp_path):
    """Issue 12, item 7: /dev/zero ran out of memory, a named pipe hung."""
    import os

    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    for path in ("/dev/zero", str(fifo)):
        code, out, err = run("import", "patrons", path, "--dry-run")
        assert code == 2 and "not a regular file" in err and "Traceback" not in err


def test_import_report_never_echoes_control_bytes(run, tmp_path):
    path = tmp_path / "members.csv"
    path.write_bytes(
        b"First Name,Last Name,Email,Phone\n"
        b"Ann\x1b[2J,Lee,ann@x.org,\n"
        b"Bo,Li\x07,bo@x.org,\x1b]0;title\x07\n"
        b"Cy,Ng,\x1b[31mcy@x.org,\n"
    )
    code, out, err = run("import", "patrons", str(path), "--dry-run")
    assert code == 0, err
    assert "row 2:" in out and "row 3:" in out and "row 4:" in out
    assert "\x1b" not in out + err and "\x07" not in out + err
