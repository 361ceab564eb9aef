"""The kiosk's status line: where the data lives, whether it can be reached, which station."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from ui.elided_label import ElidedLabel


class StatusLine(QFrame):
    def __init__(self, location: str, station: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("kioskStatusLine")
        self.location_label = ElidedLabel(f"Database: {location}")
        self.location_label.setObjectName("kioskStatusLocation")
        self.connection_label = ElidedLabel()
        self.connection_label.setObjectName("kioskConnection")
        self.station_label = QLabel(f"Station: {station}")
        self.station_label.setObjectName("kioskStatusStation")
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 2, 8, 2)
        row.addWidget(self.location_label, 1)
        row.addWidget(self.connection_label)
        row.addSpacing(24)
        row.addWidget(self.station_label)
        self.set_connected(True)

    def set_connected(self, connected: bool, reason: str = "") -> None:
        if connected:
            text = "● Connected"
        else:
            text = "✖ Database unreachable — retrying"
            if reason:
                text += f" ({reason[:80]})"
        self.connection_label.setText(text)
        self.connection_label.setProperty("connected", connected)
        self.connection_label.setAccessibleName(text)
        self.connection_label.style().unpolish(self.connection_label)
        self.connection_label.style().polish(self.connection_label)

    @property
    def text(self) -> str:
        return " | ".join(
            label.text()
            for label in (self.location_label, self.connection_label, self.station_label)
        )

    def add_button(self, button) -> None:
        """A small extra control at the end of the line (e.g. leaving kiosk mode)."""
        self.layout().addWidget(button)
