"""The main window's size and place: fitted to the screen the first time, then as it was left.

No fixed size: a 1280x800 window does not fit a 1024x768 door laptop (its buttons end up off
screen). Small screens (up to 1366 px wide, the common laptop sizes) open maximized; larger
ones open at a comfortable size, centred. Size and position are remembered in QSettings (an
INI file under the user's config directory, XDG_CONFIG_HOME on Linux: tests point it
elsewhere), and only reused when they still fit one of the screens.
"""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_config_dir
from PySide6.QtCore import QByteArray, QRect, QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

MAXIMIZE_UP_TO_WIDTH = 1366
COMFORTABLE = (1280, 800)
_KEY = "mainWindow/geometry"


def app_settings() -> QSettings:
    # The path is resolved on every call: Qt's own user-scope path is computed once per process,
    # so a changed XDG_CONFIG_HOME (tests, a second profile) would still write to the first one.
    folder = Path(user_config_dir("CredoPass", appauthor=False))
    return QSettings(str(folder / "CredoPass Kiosk.ini"), QSettings.Format.IniFormat)


def initial_geometry(available: QRect) -> tuple[QRect, bool]:
    """(geometry, maximize) for a first start on a screen whose free area is `available`."""
    if available.width() <= MAXIMIZE_UP_TO_WIDTH:
        return QRect(available), True
    width = min(COMFORTABLE[0], available.width())
    height = min(COMFORTABLE[1], available.height())
    left = available.x() + (available.width() - width) // 2
    top = available.y() + (available.height() - height) // 2
    return QRect(left, top, width, height), False


def _fits_a_screen(rect: QRect) -> bool:
    return any(
        screen.availableGeometry().contains(rect.center())
        and rect.width() <= screen.availableGeometry().width()
        and rect.height() <= screen.availableGeometry().height()
        for screen in QGuiApplication.screens()
    )


def show_fitted(window: QWidget, settings: QSettings | None = None) -> None:
    """Show `window` as it was left last time if that still fits, else fitted to its screen."""
    settings = settings or app_settings()
    saved = settings.value(_KEY)
    restored = isinstance(saved, QByteArray) and window.restoreGeometry(saved)
    if restored and (window.isMaximized() or _fits_a_screen(window.geometry())):
        window.show()
        return
    screen = window.screen() or QGuiApplication.primaryScreen()
    geometry, maximize = initial_geometry(screen.availableGeometry())
    window.setGeometry(geometry)
    if maximize:
        window.showMaximized()
    else:
        window.show()


def remember(window: QWidget, settings: QSettings | None = None) -> None:
    settings = settings or app_settings()
    settings.setValue(_KEY, window.saveGeometry())
    settings.sync()
