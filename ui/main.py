"""Start the Qt application on the configured database: the composition root of the window.

It wires the engine through `app.database` (ui never imports db), and is imported only when the
window opens (ui.launcher), so a command line never loads Qt."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from app.database import open_configured
from app.errors import DatabaseUnavailable, StartupRefused
from ui.kiosk.window_mode import show_full_screen
from ui.main_window import MainWindow
from ui.theme import apply_theme
from ui.window_geometry import remember, show_fitted


def run_gui(database_url: str | None, *, kiosk: bool = False, station: str | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("CredoPass Kiosk")
    app.setOrganizationName("CredoPass")
    apply_theme(app)
    try:
        database = open_configured(database_url)
    except (DatabaseUnavailable, StartupRefused) as exc:
        QMessageBox.critical(None, "CredoPass cannot start", str(exc))
        print(f"credopass: {exc}", file=sys.stderr)
        return 1
    window = MainWindow(database, kiosk=kiosk, station=station)
    if kiosk:
        show_full_screen(window)
    else:
        show_fitted(window)
    try:
        return app.exec()
    finally:
        if not window.isFullScreen():
            remember(window)
        window.shutdown()
        database.dispose()
