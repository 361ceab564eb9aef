"""Long status texts shrink with the window instead of widening it past a small screen."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ui.elided_label import ElidedLabel

PATH = "Database: SQLite file /home/greeter/.local/share/CredoPass/credopass.db"


def test_a_long_text_gives_way_and_stays_whole_underneath(qtbot):
    label = ElidedLabel(PATH)
    qtbot.addWidget(label)
    assert label.minimumSizeHint().width() < label.fontMetrics().horizontalAdvance(PATH) / 3
    label.resize(label.fontMetrics().horizontalAdvance(PATH) // 2, 30)
    shown = label.shown_text()
    assert "…" in shown and shown.startswith("Database") and shown.endswith("credopass.db")
    assert label.text() == PATH and label.toolTip() == PATH

    label.setText("Database unreachable — retrying")
    assert label.toolTip() == "Database unreachable — retrying"


def test_right_elision_keeps_the_start(qtbot):
    label = ElidedLabel(
        "Sun 12 Jan · 10:00–12:00 · Main Sanctuary", elide=Qt.TextElideMode.ElideRight
    )
    qtbot.addWidget(label)
    label.resize(label.fontMetrics().horizontalAdvance(label.text()) // 2, 30)
    assert label.shown_text().startswith("Sun 12 Jan") and label.shown_text().endswith("…")
    label.resize(label.sizeHint().width() + 10, 30)
    assert label.shown_text() == label.text()
