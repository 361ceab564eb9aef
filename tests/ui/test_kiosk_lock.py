"""Kiosk lock-down: the admin PIN guards Admin/Events, closing and leaving kiosk mode."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel

from app.database import open_for_app
from app.pin import PinAttempts, set_admin_pin
from db.engine import DatabaseTarget
from tests.ui.kiosk_support import FakeClock
from ui.main_window import MainWindow

PIN = "2468"


@pytest.fixture
def make_window(qtbot, engine, database_url):
    """Opens the main window on a migrated database; closes everything afterwards."""
    opened = []

    def make(*, kiosk: bool, pin: str | None = PIN) -> MainWindow:
        database = open_for_app(DatabaseTarget(database_url, "--database-url"))
        if pin is not None:
            with database.sessions.begin() as session:
                set_admin_pin(session, pin)
        window = MainWindow(database, kiosk=kiosk, station="door-1")
        qtbot.addWidget(window)
        window.show()
        opened.append((window, database))
        return window

    yield make
    for window, database in opened:
        window.kiosk_mode.kiosk = False  # let the test end close it without a PIN
        window.shutdown()
        database.dispose()


def tab_index(window, title):
    return next(i for i in range(window.tabs.count()) if window.tabs.tabText(i) == title)


def open_tab(qtbot, window, title):
    """Click a tab the way a person does; returns the PIN dialog if one was asked for."""
    lock = window.kiosk_mode.lock
    bar = window.tabs.tabBar()
    qtbot.mouseClick(
        bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(tab_index(window, title)).center()
    )
    return lock.dialog


def type_pin(qtbot, dialog, pin):
    qtbot.waitUntil(dialog.ok_button.isEnabled, timeout=5000)
    qtbot.keyClicks(dialog.pin_edit, pin)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def test_admin_tab_needs_the_pin(qtbot, make_window):
    window = make_window(kiosk=False)
    dialog = open_tab(qtbot, window, "Admin")
    assert dialog is not None and dialog.isVisible()
    assert window.tabs.currentIndex() == tab_index(window, "Check-in")  # not shown meanwhile
    type_pin(qtbot, dialog, "1111")
    qtbot.waitUntil(lambda: "not right" in dialog.message_label.text(), timeout=5000)
    assert window.tabs.currentIndex() == tab_index(window, "Check-in")
    type_pin(qtbot, dialog, PIN)
    qtbot.waitUntil(lambda: window.tabs.currentIndex() == tab_index(window, "Admin"), timeout=5000)
    # Back on the check-in screen, the supervisor's session ends.
    window.tabs.setCurrentIndex(tab_index(window, "Check-in"))
    assert not window.kiosk_mode.lock.is_unlocked
    window.tabs.setCurrentIndex(tab_index(window, "Admin"))
    assert window.tabs.currentIndex() == tab_index(window, "Check-in")


def test_events_tab_is_open_on_a_desk_but_locked_in_kiosk_mode(qtbot, make_window):
    desk = make_window(kiosk=False)
    assert open_tab(qtbot, desk, "Events") is None
    assert desk.tabs.currentIndex() == tab_index(desk, "Events")
    kiosk = make_window(kiosk=True)
    dialog = open_tab(qtbot, kiosk, "Events")
    assert dialog is not None
    assert kiosk.tabs.currentIndex() == tab_index(kiosk, "Check-in")
    dialog.reject()


def set_new_pin(qtbot, dialog, first, again):
    qtbot.waitUntil(dialog.ok_button.isEnabled, timeout=5000)
    dialog.pin_edit.clear()
    dialog.again_edit.clear()
    qtbot.keyClicks(dialog.pin_edit, first)
    qtbot.keyClicks(dialog.again_edit, again)
    qtbot.keyClick(dialog.again_edit, Qt.Key.Key_Return)


def test_without_a_pin_the_kiosk_admin_tab_offers_to_set_one_then_asks_it(qtbot, make_window):
    window = make_window(kiosk=True, pin=None)
    qtbot.waitUntil(window.kiosk_mode.pin_hint.isVisible, timeout=5000)
    dialog = open_tab(qtbot, window, "Admin")
    qtbot.waitUntil(lambda: dialog.again_edit.isVisible(), timeout=5000)
    assert "Choose one now" in dialog.reason_label.text() and dialog.ok_button.text() == "Set PIN"
    set_new_pin(qtbot, dialog, "12", "12")
    assert "4 to 12 digits" in dialog.message_label.text()
    set_new_pin(qtbot, dialog, "1357", "1358")
    assert "differ" in dialog.message_label.text()
    set_new_pin(qtbot, dialog, "1357", "1357")
    qtbot.waitUntil(lambda: "The admin PIN is set" in dialog.message_label.text(), timeout=5000)
    assert not dialog.again_edit.isVisible()
    assert window.tabs.currentIndex() == tab_index(window, "Check-in")  # not opened by setting
    assert not window.kiosk_mode.pin_hint.isVisible()
    type_pin(qtbot, dialog, "1357")
    qtbot.waitUntil(lambda: window.tabs.currentIndex() == tab_index(window, "Admin"), timeout=5000)


def test_without_a_pin_the_kiosk_can_be_left_after_setting_one(qtbot, make_window):
    window = make_window(kiosk=True, pin=None)
    qtbot.mouseClick(window.kiosk_mode.leave_button, Qt.MouseButton.LeftButton)
    dialog = window.kiosk_mode.lock.dialog
    qtbot.waitUntil(lambda: dialog.again_edit.isVisible(), timeout=5000)
    set_new_pin(qtbot, dialog, "97531", "97531")
    qtbot.waitUntil(lambda: not dialog.again_edit.isVisible(), timeout=5000)
    type_pin(qtbot, dialog, "97531")
    qtbot.waitUntil(lambda: not window.kiosk_mode.kiosk, timeout=5000)


def test_without_a_pin_a_desk_opens_admin(qtbot, make_window):
    window = make_window(kiosk=False, pin=None)
    open_tab(qtbot, window, "Admin")
    qtbot.waitUntil(lambda: window.tabs.currentIndex() == tab_index(window, "Admin"), timeout=5000)
    qtbot.waitUntil(window.admin_tab.pin_warning.isVisible, timeout=5000)
    assert "credopass admin set-pin" in window.admin_tab.pin_warning.text()


def test_with_a_pin_admin_has_no_warning(qtbot, make_window):
    window = make_window(kiosk=False)
    qtbot.waitUntil(lambda: window.kiosk_mode.pin_is_set is True, timeout=5000)
    assert window.admin_tab.pin_warning.isHidden()


def test_five_wrong_pins_lock_entry_for_a_minute(qtbot, make_window):
    window = make_window(kiosk=True)
    clock = FakeClock()
    window.kiosk_mode.lock.attempts = PinAttempts(clock=clock)
    dialog = open_tab(qtbot, window, "Admin")
    for attempt in range(5):
        type_pin(qtbot, dialog, "0000")
        if attempt < 4:
            qtbot.waitUntil(lambda: "not right" in dialog.message_label.text(), timeout=5000)
    qtbot.waitUntil(lambda: "Try again in 60 s" in dialog.message_label.text(), timeout=5000)
    assert not dialog.ok_button.isEnabled() and not dialog.pin_edit.isEnabled()
    clock.advance(61)
    qtbot.waitUntil(dialog.ok_button.isEnabled, timeout=3000)  # the countdown timer notices
    type_pin(qtbot, dialog, PIN)
    qtbot.waitUntil(lambda: window.tabs.currentIndex() == tab_index(window, "Admin"), timeout=5000)


def test_closing_in_kiosk_mode_needs_the_pin(qtbot, make_window):
    window = make_window(kiosk=True)
    qtbot.waitUntil(lambda: window.kiosk_mode.pin_is_set is True, timeout=5000)
    assert not window.kiosk_mode.pin_hint.isVisible()
    window.close()
    assert window.isVisible()
    dialog = window.kiosk_mode.lock.dialog
    assert dialog is not None
    type_pin(qtbot, dialog, PIN)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)


def test_f11_in_kiosk_mode_asks_the_pin_to_leave(qtbot, make_window):
    window = make_window(kiosk=True)
    assert window.kiosk_mode.leave_button.isVisible()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    QTest.keyClick(window.checkin_screen.input, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: window.kiosk_mode.lock.dialog is not None, timeout=2000)
    type_pin(qtbot, window.kiosk_mode.lock.dialog, PIN)
    qtbot.waitUntil(lambda: not window.kiosk_mode.kiosk, timeout=5000)
    assert not window.kiosk_mode.leave_button.isVisible()
    # The PIN opened the way out, not Admin: Admin still asks; Events opens freely on a desk.
    dialog = open_tab(qtbot, window, "Admin")
    assert dialog is not None
    dialog.reject()
    assert open_tab(qtbot, window, "Events") is None


def test_f11_still_works_after_a_pin_dialog_was_cancelled(qtbot, make_window):
    window = make_window(kiosk=True)
    window.activateWindow()
    dialog = open_tab(qtbot, window, "Admin")
    qtbot.waitUntil(dialog.ok_button.isEnabled, timeout=5000)
    qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.kiosk_mode.lock.dialog is None, timeout=2000)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    qtbot.waitUntil(window.checkin_screen.input.hasFocus, timeout=2000)
    QTest.keyClick(window.checkin_screen.input, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: window.kiosk_mode.lock.dialog is not None, timeout=2000)


def test_gate_survives_a_tab_widget_swap(qtbot, make_window):
    # The Admin owner replaces the placeholder with the real widget: still guarded.
    window = make_window(kiosk=True)
    index = tab_index(window, "Admin")
    window.tabs.removeTab(index)
    window.tabs.insertTab(index, QLabel("real admin"), "Admin")
    window.tabs.setCurrentIndex(tab_index(window, "Check-in"))
    assert open_tab(qtbot, window, "Admin") is not None
    assert window.tabs.currentIndex() == tab_index(window, "Check-in")


def worker_caught_up(qtbot, window):
    """Wait until every job queued on the window's door lane so far has answered (it is serial)."""
    with qtbot.waitCallback(timeout=5000) as done:
        window.worker.run(window, lambda _session: None, done, write=False)


def test_kiosk_never_offers_demo_data_and_fits_a_small_screen(qtbot, make_window):
    window = make_window(kiosk=True)  # on an empty database
    worker_caught_up(qtbot, window)
    assert not window.empty_bar.isVisible()
    desk = make_window(kiosk=False, pin=None)
    qtbot.waitUntil(desk.empty_bar.isVisible, timeout=5000)
    # every tab fits the smallest screen a kiosk has (1024 x 768)
    desk.setMinimumSize(0, 0)
    hint = desk.minimumSizeHint()
    assert hint.width() <= 1024 and hint.height() <= 768, hint
    desk.kiosk_mode.enter()
    assert desk.isFullScreen()


def test_reports_tab_is_open_on_a_desk_but_locked_in_kiosk_mode(qtbot, make_window):
    desk = make_window(kiosk=False)
    assert open_tab(qtbot, desk, "Reports") is None
    kiosk = make_window(kiosk=True)
    dialog = open_tab(qtbot, kiosk, "Reports")
    assert dialog is not None
    assert kiosk.tabs.currentIndex() == tab_index(kiosk, "Check-in")
    dialog.reject()


def test_without_a_pin_the_kiosk_status_line_still_reads_connected_at_1024(qtbot, make_window):
    """Seen under Xvfb at 1024 x 768: the no-PIN hint squeezed "Connected" into "Co…cted"."""
    window = make_window(kiosk=True, pin=None)
    qtbot.waitUntil(window.kiosk_mode.pin_hint.isVisible, timeout=5000)
    window.showNormal()
    window.resize(1024, 768)
    status = window.checkin_screen.status_line
    qtbot.waitUntil(lambda: window.width() == 1024, timeout=2000)
    assert status.connection_label.shown_text() == "● Connected"
