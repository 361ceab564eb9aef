"""The Admin tab driven like a supervisor would: browse, filter, edit, follow links, delete, query."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QMessageBox
from sqlalchemy import func, select

from db.models import Attendance, AuditLog, Event, User
from tests.admin_data import small_world
from ui.admin.tab import AdminTab


@pytest.fixture
def world(session):
    return small_world(session)


@pytest.fixture
def tab(qtbot, worker, engine, world):
    tab = AdminTab(worker, engine, engine.url, "desk-1")
    qtbot.addWidget(tab)
    tab.resize(1300, 700)
    with qtbot.waitSignal(tab.browser.model.first_page_loaded, timeout=5000):
        tab.show()
    yield tab
    tab.shutdown()


def _rows(qtbot, tab, count):
    model = tab.browser.model
    qtbot.waitUntil(lambda: model.count_is_exact and model.rowCount() == count, timeout=5000)


def _column(tab, name):
    return tab.browser.model.columns.index(
        next(c for c in tab.browser.model.columns if c.name == name)
    )


def _open(qtbot, tab, row):
    with qtbot.waitSignal(tab.browser.model.first_page_loaded, timeout=5000):
        tab.table_list.setCurrentRow(row)


def test_table_list_shows_counts_and_the_first_table(qtbot, tab):
    qtbot.waitUntil(lambda: "30" in tab.table_list.item(0).text(), timeout=5000)
    qtbot.waitUntil(lambda: "100" in tab.table_list.item(2).text(), timeout=5000)
    _rows(qtbot, tab, 30)
    assert tab.browser.title.text() == "Users"
    assert (tab.browser.view.sort, tab.browser.view.descending) == ("createdAt", True)
    newest = tab.browser.model.row_values(0)[_column(tab, "email")]
    assert newest == "person000029@example.com"  # newest first


def test_search_and_filters_run_in_the_database(qtbot, tab):
    bar = tab.browser.filter_bar
    qtbot.keyClicks(bar.search, "john doe")
    qtbot.keyClick(bar.search, Qt.Key.Key_Return)
    _rows(qtbot, tab, 1)
    bar.search.clear()
    _rows(qtbot, tab, 30)
    bar.column.setCurrentText("phone")
    bar.operator.setCurrentIndex(bar.operator.findData("is_null"))
    qtbot.mouseClick(bar.add_button, Qt.MouseButton.LeftButton)
    _rows(qtbot, tab, 20)
    assert "phone is NULL" in tab.browser.title.text()
    bar.remove_filter("phone")
    _rows(qtbot, tab, 30)
    bar.column.setCurrentText("firstName")
    bar.operator.setCurrentIndex(bar.operator.findData("contains"))
    qtbot.keyClicks(bar.value, "irst00001")
    qtbot.keyClick(bar.value, Qt.Key.Key_Return)
    _rows(qtbot, tab, 10)


def test_header_click_sorts_in_the_database(qtbot, tab):
    _open(qtbot, tab, 1)
    name = _column(tab, "name")
    header = tab.browser.grid.horizontalHeader()
    with qtbot.waitSignal(tab.browser.model.first_page_loaded, timeout=5000):
        header.sectionClicked.emit(name)
    with qtbot.waitSignal(tab.browser.model.first_page_loaded, timeout=5000):
        header.sectionClicked.emit(name)
    assert tab.browser.view.sort == "name" and tab.browser.view.descending
    assert tab.browser.model.data(tab.browser.model.index(0, name)) == "Event 0003"


def test_staged_edit_applies_and_is_logged(qtbot, tab, session, world):
    people, _events = world
    grid, model = tab.browser.grid, tab.browser.model
    qtbot.keyClicks(tab.browser.filter_bar.search, "john@")
    qtbot.keyClick(tab.browser.filter_bar.search, Qt.Key.Key_Return)
    _rows(qtbot, tab, 1)
    index = model.index(0, _column(tab, "firstName"))
    grid.setCurrentIndex(index)
    grid.edit(index)
    editor = grid.viewport().findChild(QLineEdit)
    assert editor is not None and editor.text() == "John"
    editor.selectAll()
    qtbot.keyClicks(editor, "Johnny")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: model.data(index) == "Johnny", timeout=2000)  # Qt commits queued
    assert model.data(index, Qt.ItemDataRole.BackgroundRole) is not None  # highlighted
    assert tab.browser.apply_button.isEnabled()
    with qtbot.waitSignal(tab.browser.rows_written, timeout=5000):
        qtbot.keyClick(grid, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Save
    session.rollback()
    assert session.get(User, people[0]).first_name == "Johnny"
    logged = session.scalars(select(AuditLog).where(AuditLog.method == "admin")).all()
    assert [(r.action, r.patron_id) for r in logged] == [("admin_update", people[0])]


def test_invalid_edit_writes_nothing_and_shows_the_error(qtbot, tab, session, world):
    people, _events = world
    model = tab.browser.model
    qtbot.keyClicks(tab.browser.filter_bar.search, "john@")
    qtbot.keyClick(tab.browser.filter_bar.search, Qt.Key.Key_Return)
    _rows(qtbot, tab, 1)
    email = model.index(0, _column(tab, "email"))
    assert model.setData(email, "person000003@EXAMPLE.com")
    qtbot.mouseClick(tab.browser.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Nothing was saved" in tab.browser.status.text(), timeout=5000)
    assert "already" in model.data(email, Qt.ItemDataRole.ToolTipRole)
    session.rollback()
    assert session.get(User, people[0]).email == "john@example.com"
    qtbot.mouseClick(tab.browser.revert_button, Qt.MouseButton.LeftButton)
    assert model.data(email) == "john@example.com"


def test_foreign_keys_show_labels_and_navigate(qtbot, tab, world):
    people, _events = world
    _open(qtbot, tab, 1)
    browser, model = tab.browser, tab.browser.model
    host = _column(tab, "hostId")
    row = next(r for r in range(4) if model.row_values(r)[host] == people[0])
    assert model.data(model.index(row, host)) == "John Doe <john@example.com>"
    # Double-clicking a foreign key edits it with the picker; it does not leave the table.
    cell = model.index(row, host)
    browser.grid.scrollTo(cell)
    browser.grid.setCurrentIndex(cell)
    rect = browser.grid.visualRect(cell)
    # as a mouse sends it: a press (which picks the cell), then the double click
    qtbot.mouseClick(browser.grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(browser.grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: browser.grid.state() == browser.grid.State.EditingState, timeout=3000)
    assert browser.view.table == "events"
    editor = browser.grid.indexWidget(cell) or browser.grid.focusWidget()
    assert type(editor).__name__ != "LazyGrid" and editor is not browser.grid
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert model.staged_count == 0
    # Following the link is an explicit action.
    browser.grid.setCurrentIndex(cell)
    with qtbot.waitSignal(model.first_page_loaded, timeout=5000):
        qtbot.keyClick(browser.grid, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    _rows(qtbot, tab, 1)
    assert browser.view.table == "users"
    with qtbot.waitSignal(model.first_page_loaded, timeout=5000):
        assert browser.show_related(0, "Attendance")
    _rows(qtbot, tab, 4)
    with qtbot.waitSignal(model.first_page_loaded, timeout=5000):
        browser.go_back()
    assert browser.view.table == "users"
    menu = browser.context_menu(model.index(0, 0))
    titles = [a.text() for a in menu.actions()]
    assert "Show related" in titles


def test_delete_shows_the_cascade_and_removes_exactly_that(qtbot, tab, session, world):
    people, _events = world
    browser, model = tab.browser, tab.browser.model
    qtbot.keyClicks(browser.filter_bar.search, "john@")
    qtbot.keyClick(browser.filter_bar.search, Qt.Key.Key_Return)
    _rows(qtbot, tab, 1)
    browser.grid.setCurrentIndex(model.index(0, 0))
    before = {m: session.scalar(select(func.count()).select_from(m)) for m in (Event, Attendance)}
    qtbot.mouseClick(browser.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(browser, "delete_preview", None) is not None, timeout=5000)
    box = browser.delete_preview
    assert box.text().startswith("Deleting John Doe also deletes 2 events, ")
    cancel = box.button(QMessageBox.StandardButton.Cancel)
    assert box.defaultButton() is cancel and box.escapeButton() is cancel
    assert box.standardButtons() == QMessageBox.StandardButton.Cancel
    preview = box.text()  # read now: the box is deleted once it closes
    delete = next(b for b in box.buttons() if b.text() == "Delete")
    with qtbot.waitSignal(browser.rows_written, timeout=5000):
        qtbot.mouseClick(delete, Qt.MouseButton.LeftButton)
    session.rollback()
    assert session.get(User, people[0]) is None
    after = {m: session.scalar(select(func.count()).select_from(m)) for m in (Event, Attendance)}
    assert before[Event] - after[Event] == 2
    assert f"{before[Attendance] - after[Attendance]} attendance rows" in preview
    assert browser.status.text().startswith("Deleted John Doe; also deleted 2 events, ")
    _rows(qtbot, tab, 0)


def test_enter_in_the_delete_preview_cancels(qtbot, tab, session, world):
    people, _events = world
    browser, model = tab.browser, tab.browser.model
    browser.grid.setCurrentIndex(model.index(0, 0))
    browser.grid.setFocus()
    qtbot.keyClick(browser.grid, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: getattr(browser, "delete_preview", None) is not None, timeout=5000)
    box = browser.delete_preview
    qtbot.waitUntil(box.isVisible, timeout=3000)
    cancel, clicked = box.button(QMessageBox.StandardButton.Cancel), []
    box.buttonClicked.connect(clicked.append)
    with qtbot.waitSignal(box.finished, timeout=3000):
        qtbot.keyClick(box, Qt.Key.Key_Return)
    assert clicked == [cancel]
    session.rollback()
    assert session.scalar(select(func.count()).select_from(User)) == 30
    assert not browser.status.text().startswith("Deleted")


def test_console_refuses_writes_and_shows_results_in_the_grid(qtbot, qtmodeltester, tab):
    console = tab.console
    tab.sections.setCurrentWidget(console)
    console.editor.setPlainText("SELECT 1; DELETE FROM users")
    with qtbot.waitSignal(console.query_failed, timeout=5000) as blocker:
        qtbot.mouseClick(console.run_button, Qt.MouseButton.LeftButton)
    assert "one statement" in blocker.args[0]
    console.editor.setPlainText('SELECT email, "firstName" FROM users ORDER BY email')
    with qtbot.waitSignal(console.query_finished, timeout=5000):
        qtbot.keyClick(console.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert console.model.rowCount() == 30
    assert console.model.data(console.model.index(0, 0)) == "john@example.com"
    assert "30 rows" in console.message.text()
    assert console.history_box.itemData(0).startswith("SELECT email")
    qtmodeltester.check(console.model, force_py=True)


def test_admin_model_passes_the_model_tester(qtbot, qtmodeltester, tab):
    _rows(qtbot, tab, 30)
    qtmodeltester.check(tab.browser.model, force_py=True)
