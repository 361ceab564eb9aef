"""A door operation against a PostgreSQL that stops answering fails as "connection lost" within
the door's deadline, instead of holding the door for the 20 s of a frozen server (issue 12)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QObject
from sqlalchemy import text

from app.errors import is_connection_lost
from db.engine import DOOR_DEADLINE_S, create_app_engine
from db.session import make_session_factory
from tests.reliability.proxy import TcpProxy
from ui.operations import Lane
from ui.worker import DbWorker

# The door deadline, plus the pool's liveness check and a fresh connection attempt, plus slack
# for a loaded machine; well under the 20 s a frozen server used to cost.
ANSWER_WITHIN_MS = (DOOR_DEADLINE_S + 5) * 1000


@pytest.fixture
def frozen_door(qtbot, backend, engine, database_url):
    if backend != "postgresql":
        pytest.skip("the proxy stands between the app and a PostgreSQL server")
    proxy = TcpProxy(database_url.host or "127.0.0.1", database_url.port or 5432)
    proxied = create_app_engine(database_url.set(host="127.0.0.1", port=proxy.port))
    worker = DbWorker(make_session_factory(proxied))
    owner = QObject()
    yield proxy, worker, owner
    proxy.restore()
    worker.shutdown()
    owner.deleteLater()
    proxy.close()
    proxied.dispose()


def test_door_operation_on_a_frozen_server_fails_as_connection_lost(qtbot, frozen_door):
    proxy, worker, owner = frozen_door
    with qtbot.waitCallback(timeout=10_000) as healthy:  # a pooled, healthy connection first
        worker.run(owner, lambda s: s.scalar(text("SELECT 1")), healthy, lane=Lane.DOOR)
    healthy.assert_called_with(1)

    proxy.black_hole()
    failures, answers = [], []
    with qtbot.waitSignal(worker.connection_lost, timeout=ANSWER_WITHIN_MS) as lost:
        worker.run(owner, lambda s: s.scalar(text("SELECT 2")), answers.append, failures.append)
    assert answers == []
    (error,) = failures
    assert is_connection_lost(error)
    assert lost.args[0]  # a reason a person can read
