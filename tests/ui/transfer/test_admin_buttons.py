"""The Admin tab's Export… and Import patrons… buttons open the transfer dialogs."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.admin_data import small_world
from ui.admin.tab import AdminTab
from ui.transfer import ExportDialog, ImportDialog


@pytest.fixture
def tab(qtbot, worker, engine, session):
    small_world(session)
    tab = AdminTab(worker, engine, engine.url, "desk-1")
    qtbot.addWidget(tab)
    with qtbot.waitSignal(tab.browser.model.first_page_loaded, timeout=5000):
        tab.show()
    yield tab
    tab.shutdown()


def _dialog(kind):
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible())


def test_export_button_exports_the_view_as_shown(qtbot, tab, tmp_path):
    qtbot.mouseClick(tab.export_button, Qt.MouseButton.LeftButton)
    dialog = _dialog(ExportDialog)
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("json"))
    dialog.path_edit.setText(str(tmp_path / "users.json"))
    with qtbot.waitSignal(dialog.export_finished, timeout=10000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    rows = json.loads((tmp_path / "users.json").read_text(encoding="utf-8"))
    assert len(rows) == 30
    created = [r["createdAt"] for r in rows]
    assert created == sorted(created, reverse=True)  # the grid's newest-first order
    dialog.close()


def test_import_button_opens_the_import_dialog(qtbot, tab):
    qtbot.mouseClick(tab.import_button, Qt.MouseButton.LeftButton)
    dialog = _dialog(ImportDialog)
    assert not dialog.dry_run_button.isEnabled()  # nothing chosen yet
    dialog.close()


def test_export_button_on_the_console_exports_its_last_result(qtbot, tab, tmp_path):
    from datetime import UTC, datetime

    from app.admin.console import QueryResult

    when = datetime(2026, 5, 1, 18, 30, tzinfo=UTC)
    tab.console.last_result = QueryResult(("email", "n", "at"), [("a@x.org", 1, when)], False, 3)
    tab.sections.setCurrentWidget(tab.console)
    qtbot.mouseClick(tab.export_button, Qt.MouseButton.LeftButton)
    dialog = _dialog(ExportDialog)
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("json"))
    dialog.path_edit.setText(str(tmp_path / "query.json"))
    with qtbot.waitSignal(dialog.export_finished, timeout=10000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    rows = json.loads((tmp_path / "query.json").read_text(encoding="utf-8"))
    assert rows == [{"email": "a@x.org", "n": 1, "at": "2026-05-01T18:30:00+00:00"}]
    dialog.close()
