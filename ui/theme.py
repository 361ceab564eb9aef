"""The app's style sheet, shipped in `assets/`."""

from __future__ import annotations

from importlib import resources

from PySide6.QtWidgets import QApplication


def apply_theme(app: QApplication) -> None:
    sheet = resources.files("assets").joinpath("theme.qss").read_text(encoding="utf-8")
    app.setStyleSheet(sheet)
