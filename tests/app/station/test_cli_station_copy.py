"""`credopass station refresh|forget` from the outside: exit codes, JSON, the files."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy.orm import Session

from app.cli import main
from app.station.copy import copy_path, open_copy
from db.session import make_session_factory
from db.station_models import OutboxEntry
from db.types import utcnow
from tests.app.station.copy_support import add_patron
from tests.app.station.test_copy import server  # noqa: F401 - the fixture
from tests.conftest import unreachable_postgres_url


def run(capsys, *argv: str) -> tuple[int, dict]:
    code = main([*argv, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


def url_of(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_refresh_then_forget(capsys, server):  # noqa: F811
    with make_session_factory(server).begin() as session:
        for n in range(5):
            add_patron(session, n)
    url = url_of(server)
    code, first = run(capsys, "--database-url", url, "station", "refresh", "--station", "door-2")
    assert code == 0 and first["first"] is True and first["patrons"] == 5
    assert first["lastSync"] and copy_path("door-2").exists()
    code, again = run(capsys, "--database-url", url, "station", "refresh", "--station", "door-2")
    assert code == 0 and again["first"] is False and again["patrons"] == 0
    code, refused = run(capsys, "station", "forget", "--station", "door-2")
    assert code == 2 and "--yes" in refused["message"] and copy_path("door-2").exists()
    code, done = run(capsys, "station", "forget", "--station", "door-2", "--yes")
    assert code == 0 and done["deleted"] is True
    assert not any(copy_path("door-2").parent.glob("door-2.sqlite3*"))
    code, none = run(capsys, "station", "forget", "--station", "door-2", "--yes")
    assert code == 0 and none["deleted"] is False


def test_forget_refuses_while_actions_wait_to_sync(capsys):
    engine = open_copy("door-3", create=True)
    with Session(engine) as session, session.begin():  # one action taken offline, not sent
        session.add(
            OutboxEntry(
                nonce=uuid.uuid4(),
                station="door-3",
                method="check_in",
                payload="{}",
                scanned_at=utcnow(),
                outcome="checked_in",
            )
        )
    engine.dispose()
    code, refused = run(capsys, "station", "forget", "--station", "door-3", "--yes")
    assert code == 2 and "1 action" in refused["message"] and copy_path("door-3").exists()
    code, done = run(capsys, "station", "forget", "--station", "door-3", "--yes", "--force")
    assert code == 0 and done["deleted"] is True and not copy_path("door-3").exists()


def test_the_sqlite_default_has_nothing_to_copy(capsys, tmp_path):
    code, said = run(capsys, "--database-url", f"sqlite:///{tmp_path}/x.db", "station", "refresh")
    assert code == 0 and said["copied"] is False and "no shared server" in said["message"]


def test_an_unreachable_server_is_exit_1(capsys, server):  # noqa: F811
    url = unreachable_postgres_url(server.url).render_as_string(hide_password=False)
    code, said = run(capsys, "--database-url", url, "station", "refresh", "--station", "door-4")
    assert code == 1 and said["outcome"] == "error"


@pytest.mark.parametrize("name", ["../x", "a b", ""])
def test_a_bad_station_name_is_exit_2(capsys, name):
    code, said = run(capsys, "station", "forget", "--station", name, "--yes")
    assert code == 2 and "station" in said["message"]


def test_refresh_and_forget_join_a_station_group_registered_before_them():
    """`station status|sync|conflicts` come from another module; whichever registers first
    makes the group, the other adds its commands to it."""
    import argparse

    from app.cli import station_copy_commands

    parser = argparse.ArgumentParser()
    subparsers = parser.add_subparsers(dest="command")
    group = subparsers.add_parser("station")
    group.add_subparsers(dest="station_command").add_parser("status")
    station_copy_commands.register(subparsers, argparse.ArgumentParser(add_help=False))
    assert parser.parse_args(["station", "status"]).station_command == "status"
    assert parser.parse_args(["station", "forget", "--yes"]).yes is True
