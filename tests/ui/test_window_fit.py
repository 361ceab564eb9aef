"""Windows that fit (issue 10): no fixed size, maximized on small screens, remembered, and
every door dialog fits 1024x768 with its buttons on screen."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import QRect, QSettings

from ui.kiosk.walk_in_dialog import WalkInDialog
from ui.pin_dialog import PinDialog
from ui.window_geometry import app_settings, initial_geometry, remember, show_fitted


@pytest.mark.parametrize("width,height", [(1024, 768), (1366, 768)])
def test_small_screens_open_maximized(width, height):
    geometry, maximize = initial_geometry(QRect(0, 0, width, height - 40))
    assert maximize and geometry == QRect(0, 0, width, height - 40)


def test_a_large_screen_opens_centred_at_a_comfortable_size():
    geometry, maximize = initial_geometry(QRect(0, 0, 1920, 1040))
    assert not maximize and geometry.size().toTuple() == (1280, 800)
    assert QRect(0, 0, 1920, 1040).contains(geometry)


def test_settings_live_under_the_test_config_directory():
    path = app_settings().fileName()
    assert path.startswith(os.environ["XDG_CONFIG_HOME"])


def test_size_and_position_are_remembered(qtbot, tmp_path):
    from PySide6.QtWidgets import QWidget

    settings = QSettings(str(tmp_path / "geometry.ini"), QSettings.Format.IniFormat)
    first = QWidget()
    qtbot.addWidget(first)
    first.setGeometry(40, 50, 500, 400)
    first.show()
    remember(first, settings)
    second = QWidget()
    qtbot.addWidget(second)
    show_fitted(second, settings)
    assert second.size().toTuple() == (500, 400)


@pytest.mark.parametrize("make", [WalkInDialog, lambda: PinDialog("Type the admin PIN.")])
def test_door_dialogs_fit_1024x768(qtbot, make):
    dialog = make()
    qtbot.addWidget(dialog)
    dialog.show()
    hint = dialog.sizeHint().expandedTo(dialog.minimumSizeHint())
    assert hint.width() <= 1024 and hint.height() <= 768 - 60
    dialog.grab().save(f"/tmp/door_{type(dialog).__name__}.png")
