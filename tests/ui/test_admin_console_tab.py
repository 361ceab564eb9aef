"""The console tab: a refused query leaves no rows of the previous one on screen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.admin_data import small_world
from ui.admin.console import SqlConsole
from ui.worker import DbWorker


@pytest.fixture
def console(qtbot, engine, database_url, session, sessions):
    small_world(session)
    session.commit()
    worker = DbWorker(sessions)
    widget = SqlConsole(worker, engine, database_url)
    qtbot.addWidget(widget)
    widget.resize(1024, 600)
    widget.show()
    yield widget
    widget.shutdown()
    worker.shutdown()


def _run(qtbot, console, sql: str, signal) -> None:
    console.editor.setPlainText(sql)
    with qtbot.waitSignal(signal, timeout=10000):
        qtbot.mouseClick(console.run_button, Qt.MouseButton.LeftButton)


def test_refused_query_clears_the_previous_results(qtbot, qtmodeltester, console):
    _run(qtbot, console, "SELECT email FROM users ORDER BY email", console.query_finished)
    assert console.model.rowCount() == 30
    _run(qtbot, console, "SELECT value FROM settings", console.query_failed)
    assert console.model.rowCount() == 0 and console.model.columnCount() == 0
    assert console.last_result is None
    assert "Setting values cannot be read" in console.message.text()
    qtmodeltester.check(console.model, force_py=True)
    console.grab().save("/tmp/cons/console_refused.png")
