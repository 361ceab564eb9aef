"""The door commands through a TCP proxy to PostgreSQL that is cut, refused or frozen: they
switch to the station copy within the door deadline (issue 11), and `station` commands."""

from __future__ import annotations

import json
import time

import pytest

from app.cli import main
from tests.app.station.station_support import open_event
from tests.reliability.proxy import TcpProxy


@pytest.fixture
def proxied(backend, database_url, sessions):
    if backend != "postgresql":
        pytest.skip("the proxy stands between the app and PostgreSQL only")
    proxy = TcpProxy(database_url.host or "127.0.0.1", database_url.port or 5432)
    url = database_url.set(host="127.0.0.1", port=proxy.port)
    yield proxy, url.render_as_string(hide_password=False)
    proxy.close()


def run_json(capsys, url, *argv):
    code = main(["--database-url", url, *argv, "--json"])
    out, err = capsys.readouterr()
    return code, json.loads(out.strip().splitlines()[-1]), err


@pytest.mark.parametrize("failure", ["refuse", "black_hole", "cut"])
def test_door_commands_switch_to_the_copy_within_the_deadline(capsys, proxied, sessions, failure):
    proxy, url = proxied
    event, (a, b, c) = open_event(sessions, capacity=10)
    code, online, _ = run_json(capsys, url, "checkin", event, a, "--station", "door1")
    assert code == 0 and online["queued"] is False
    code, synced, _ = run_json(capsys, url, "station", "sync", "--station", "door1")
    assert code == 0 and synced["waiting"] == 0 and synced["refreshed"]
    getattr(proxy, failure)()
    if failure == "cut":
        proxy.refuse()
    started = time.monotonic()
    code, queued, _ = run_json(capsys, url, "checkin", event, b, "--station", "door1")
    assert time.monotonic() - started < 10  # the benchmark measures the 3.5 s target
    assert code == 0 and queued["outcome"] == "checked_in" and queued["queued"] is True
    code, again, _ = run_json(capsys, url, "checkin", event, a, "--station", "door1")
    assert code == 0 and again["outcome"] == "already_checked_in"  # per the copy
    code, walked, _ = run_json(
        capsys,
        url,
        "walkin",
        event,
        "--first-name",
        "New",
        "--last-name",
        "Comer",
        "--email",
        "new@example.com",
        "--station",
        "door1",
    )
    assert code == 0 and walked["queued"] is True
    main(["--database-url", url, "checkout", event, b, "--station", "door1"])
    assert "will sync" in capsys.readouterr().out
    code, status, _ = run_json(capsys, url, "station", "status", "--station", "door1")
    assert status["mode"] == "offline" and status["waiting"] == 3 and status["lastSync"]
    code, failed, _ = run_json(capsys, url, "station", "sync", "--station", "door1")
    assert code == 1 and failed["waiting"] == 3
    # no copy for this station: fails as before, saying what to do
    code, error, _ = run_json(capsys, url, "checkin", event, c, "--station", "nocopy")
    assert code == 1 and "station sync" in error["message"]
    proxy.restore()
    code, synced, _ = run_json(capsys, url, "station", "sync", "--station", "door1")
    assert code == 0 and synced["uploaded"] == 3 and synced["waiting"] == 0
    code, status, _ = run_json(capsys, url, "station", "status", "--station", "door1")
    assert status == {**status, "mode": "online", "waiting": 0, "conflicts": 0}
    code, listed, _ = run_json(capsys, url, "station", "conflicts", "--station", "door1")
    assert code == 0 and listed == []


def test_station_commands_on_the_local_sqlite_file(capsys, backend, database_url_text, sessions):
    if backend != "sqlite":
        pytest.skip("the local file case")
    code, status, _ = run_json(capsys, database_url_text, "station", "status", "--station", "x")
    assert code == 0 and status == {
        "station": "x",
        "mode": "online",
        "waiting": 0,
        "lastSync": None,
        "conflicts": 0,
    }
    code, synced, _ = run_json(capsys, database_url_text, "station", "sync", "--station", "x")
    assert code == 0 and synced["waiting"] == 0
    code, listed, _ = run_json(capsys, database_url_text, "station", "conflicts")
    assert code == 0 and listed == []
