"""*Badge printing…* (issue 13): this station's badge settings, reached from the Admin tab
(behind the admin PIN), validated before they are saved, used by the next check-in."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt

from app.database import open_for_app
from app.pin import set_admin_pin
from db import migrate
from db.engine import DatabaseTarget, create_app_engine
from db.session import make_session_factory, unit_of_work
from ui.main_window import MainWindow
from ui.passes.badge_printer import BadgeConfig
from ui.passes.badge_settings import NO_PRINTERS, BadgeSettingsDialog, check_config

CLICK = Qt.MouseButton.LeftButton


def test_check_config_refuses_what_would_not_work(tmp_path):
    missing = str(tmp_path / "missing")
    assert check_config(BadgeConfig(False, "", missing), [], False) == {}  # off: kept as typed
    assert "does not exist" in check_config(BadgeConfig(True, "", missing), [], False)["pdf_folder"]
    assert check_config(BadgeConfig(True, "", str(tmp_path)), [], False) == {}
    assert check_config(BadgeConfig(True, "", ""), [], False) == {"printer": NO_PRINTERS}
    assert check_config(BadgeConfig(True, "", ""), [], True) == {}  # the default printer
    assert check_config(BadgeConfig(True, "Label62", ""), ["Label62"], False) == {}
    assert (
        "not available" in check_config(BadgeConfig(True, "Gone", ""), ["Label62"], True)["printer"]
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write in any folder")
def test_check_config_refuses_a_folder_that_cannot_be_written(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    assert (
        "may not write" in check_config(BadgeConfig(True, "", str(locked)), [], False)["pdf_folder"]
    )


def _dialog(qtbot, printers=()):
    dialog = BadgeSettingsDialog(printers=lambda: list(printers))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_a_missing_folder_is_refused_and_nothing_is_saved(qtbot, tmp_path):
    dialog = _dialog(qtbot)
    dialog.enabled_box.setChecked(True)
    dialog.folder_radio.setChecked(True)
    qtbot.keyClicks(dialog.folder_edit, str(tmp_path / "nowhere"))
    qtbot.mouseClick(dialog.save_button, CLICK)
    assert dialog.isVisible() and dialog.folder_error.isVisible()
    assert "does not exist" in dialog.folder_error.text()
    assert BadgeConfig.load() == BadgeConfig()
    dialog.folder_edit.clear()
    qtbot.mouseClick(dialog.save_button, CLICK)
    assert "Choose the folder" in dialog.folder_error.text()
    assert BadgeConfig.load() == BadgeConfig()


def test_a_printer_is_chosen_from_this_computers_printers(qtbot):
    dialog = _dialog(qtbot, printers=["Label62", "Office"])
    dialog.enabled_box.setChecked(True)
    dialog.printer_radio.setChecked(True)
    assert dialog.printer_box.isEnabled() and not dialog.folder_edit.isEnabled()
    dialog.printer_box.setCurrentIndex(dialog.printer_box.findData("Label62"))
    with qtbot.waitSignal(dialog.config_saved) as saved:
        qtbot.mouseClick(dialog.save_button, CLICK)
    assert saved.args[0] == BadgeConfig(True, "Label62", "") == BadgeConfig.load()
    assert not dialog.isVisible()
    # The printer is gone next time: it is shown as such, and refused until another is chosen.
    again = _dialog(qtbot, printers=["Office"])
    assert again.printer_box.currentText() == "Label62 (not available)"
    qtbot.mouseClick(again.save_button, CLICK)
    assert "not available" in again.printer_error.text() and again.isVisible()


@pytest.fixture
def window_factory(qtbot, backend, database_url):
    made = []
    if backend == "postgresql":  # the app never migrates PostgreSQL by itself
        migrate_engine = create_app_engine(database_url)
        migrate.upgrade(migrate_engine)
        migrate_engine.dispose()

    def make(pin: str | None = None):
        database = open_for_app(DatabaseTarget(database_url, "--database-url"))
        if pin:
            with unit_of_work(make_session_factory(database.engine)) as session:
                set_admin_pin(session, pin)
        window = MainWindow(database, station="door-1")
        qtbot.addWidget(window)
        window.show()
        made.append((window, database))
        return window

    yield make
    for window, database in made:
        window.shutdown()
        database.dispose()


def _admin_index(window) -> int:
    return next(i for i in range(window.tabs.count()) if window.tabs.tabText(i) == "Admin")


def test_settings_from_the_admin_tab_reach_the_door(qtbot, window_factory, tmp_path):
    window = window_factory()
    window.tabs.setCurrentIndex(_admin_index(window))  # no PIN on a desk: opens once read
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is window.admin_tab, timeout=5000)
    qtbot.mouseClick(window.admin_tab.badge_button, CLICK)
    dialog = window.admin_tab.badge_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=2000)
    dialog.enabled_box.setChecked(True)
    dialog.folder_radio.setChecked(True)
    qtbot.keyClicks(dialog.folder_edit, str(tmp_path))
    with qtbot.waitSignal(window.admin_tab.badge_settings_saved, timeout=2000):
        qtbot.mouseClick(dialog.save_button, CLICK)
    expected = BadgeConfig(True, "", str(tmp_path))
    assert window.checkin_screen.badge_printer.config == expected == BadgeConfig.load()


def test_the_badge_settings_sit_behind_the_admin_pin(qtbot, window_factory):
    window = window_factory(pin="4321")
    with qtbot.waitSignal(window.kiosk_mode.lock.dialog_opened, timeout=5000):
        window.tabs.setCurrentIndex(_admin_index(window))
    assert window.tabs.currentWidget() is not window.admin_tab
    assert not window.admin_tab.badge_button.isVisible()
    window.kiosk_mode.lock.dialog.reject()


def test_screenshot(qtbot, tmp_path):
    """Not an assertion of looks: writes the picture looked at when the dialog was made."""
    dialog = _dialog(qtbot, printers=["Label62 (Brother QL-800)", "Office"])
    dialog.enabled_box.setChecked(True)
    dialog.folder_radio.setChecked(True)
    qtbot.keyClicks(dialog.folder_edit, "/nowhere/badges")
    qtbot.mouseClick(dialog.save_button, CLICK)
    target = os.environ.get("CREDOPASS_SCREENSHOT_DIR")
    if target:
        dialog.grab().save(os.path.join(target, "badge-settings.png"))
