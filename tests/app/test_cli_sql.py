"""`credopass sql`: the console's walls, limits and history from the command line."""

from __future__ import annotations

import csv
import json

import pytest

from app.admin.history import QueryHistory
from app.cli import main
from app.pin import set_admin_pin
from tests.admin_data import small_world


@pytest.fixture
def cli(session, database_url_text, capsys):
    small_world(session)
    set_admin_pin(session, "4321")
    session.commit()

    def run(*argv):
        capsys.readouterr()
        try:
            code = main(["sql", *argv, "--database-url", database_url_text])
        except SystemExit as exc:  # argparse's own usage errors
            code = exc.code
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return code, out, err

    return run


def test_sql_prints_rows_as_text_and_json(cli):
    code, out, err = cli('SELECT email, "firstName" FROM users ORDER BY email', "--max-rows", "3")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "email\tfirstName" and len(lines) == 4
    assert "only the first 3" in err
    code, out, _ = cli("SELECT count(*) AS n FROM users", "--json")
    payload = json.loads(out)
    assert code == 0 and payload["outcome"] == "ok"
    assert payload["columns"] == ["n"] and payload["rows"] == [[30]]
    assert payload["truncated"] is False


def test_sql_refuses_writes_and_secrets_with_exit_2(cli):
    for query in (
        "DELETE FROM users",
        'select "pg_terminate_backend"(1)',
        "select substr(value, 1, 40) from settings where key = 'admin_pin_hash'",
    ):
        code, out, _ = cli(query, "--json")
        payload = json.loads(out)
        assert (code, payload["outcome"]) == (2, "error"), query
        assert "scrypt" not in out
    code, out, err = cli("DROP TABLE users")
    assert code == 2 and out == "" and "read-only" in err
    # the rows, not the text: "30" also turned up in elapsed_ms (130) on a busy machine
    assert json.loads(cli("SELECT count(*) FROM users", "--json")[1])["rows"] == [[30]]


def test_sql_timeout_is_exit_1(cli):
    slow = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
    code, out, _ = cli(slow, "--timeout", "0.3", "--json")
    assert code == 1 and "longer than" in json.loads(out)["message"]


def test_sql_writes_csv_and_keeps_masked_history(cli, tmp_path, database_url_text):
    target = tmp_path / "out.csv"
    code, out, _ = cli("SELECT email, '=1+1' AS f FROM users ORDER BY email", "--csv", str(target))
    assert code == 0 and "written to" in out
    with target.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["email", "f"] and len(rows) == 31
    assert not rows[1][1].startswith("=")  # the Export writer's formula guard
    assert QueryHistory(database_url_text).recent()[0].startswith("SELECT email")


SECRET_TEXT = (
    "notes: postgresql://kiosk:hunter2@db.example/credopass?password=hunter2 PGPASSWORD=hunter2"
)


@pytest.mark.parametrize("output", ["screen", "json", "csv"])
def test_sql_masks_secrets_in_every_output(cli, session, tmp_path, output):
    from db.models import Event

    event = session.query(Event).order_by(Event.name).first()
    event.description = SECRET_TEXT
    session.commit()
    query = (
        "SELECT description, 'password=hunter2' AS \"password=hunter2\" FROM events "
        "WHERE description LIKE 'notes:%'"
    )
    target = tmp_path / "out.csv"
    extra = {"screen": (), "json": ("--json",), "csv": ("--csv", str(target))}[output]
    code, out, err = cli(query, *extra)
    written = target.read_text(encoding="utf-8-sig") if output == "csv" else out
    assert code == 0, err
    assert "hunter2" not in written + out + err
    assert "kiosk:***@db.example" in written and "password=***" in written
