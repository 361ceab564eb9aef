"""The repeat dialog (with a preview of the local dates) and the cancel-with-a-reason dialog."""

from __future__ import annotations

from datetime import tzinfo

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.events import EventRow, occurrence_times
from app.events.localtime import format_local, zone
from app.events.series import MAX_INTERVAL_DAYS, MAX_OCCURRENCES
from app.events.status import MAX_REASON


class RepeatDialog(QDialog):
    """Every N days for the next N occurrences; the list shows the dates before anything is
    written, in local time (daylight-saving changes included)."""

    def __init__(self, event: EventRow, tz: tzinfo | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self._event = event
        self._tz = zone(tz)
        self.setWindowTitle(f"Repeat {event.name}")
        self.every_days = QSpinBox()
        self.every_days.setRange(1, MAX_INTERVAL_DAYS)
        self.every_days.setValue(7)
        self.every_days.setSuffix(" days")
        self.every_days.setAccessibleName("Repeat every")
        self.count = QSpinBox()
        self.count.setRange(1, MAX_OCCURRENCES)
        self.count.setValue(12)
        self.count.setAccessibleName("Number of occurrences")
        self.preview = QListWidget()
        self.preview.setAccessibleName("Dates that will be created")
        form = QFormLayout()
        form.addRow("Repeat every", self.every_days)
        form.addRow("Occurrences", self.count)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Create series")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("These events will be created (each can be edited on its own):"))
        layout.addWidget(self.preview)
        layout.addWidget(buttons)
        self.every_days.valueChanged.connect(self._on_values_changed)
        self.count.valueChanged.connect(self._on_values_changed)
        self._on_values_changed()

    def _on_values_changed(self, *_args) -> None:
        self.preview.clear()
        for start, end in occurrence_times(
            self._event.start_time,
            self._event.end_time,
            every_days=self.every_days.value(),
            count=self.count.value(),
            tz=self._tz,
        ):
            self.preview.addItem(
                f"{format_local(start, self._tz)}–{format_local(end, self._tz, '%H:%M')}"
            )


class CancelDialog(QDialog):
    """Cancelling needs a reason; it is kept in the audit log."""

    def __init__(self, event: EventRow, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Cancel {event.name}")
        self.reason = QLineEdit()
        self.reason.setMaxLength(MAX_REASON)
        self.reason.setPlaceholderText("Why is it cancelled? (e.g. snow, venue closed)")
        self.reason.setAccessibleName("Reason for cancelling")
        self.error = QLabel("")
        self.error.setObjectName("fieldError")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Cancel event")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Keep it")
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                f"Cancel {event.name}? People who registered stay on the list; "
                "check-in will be refused."
            )
        )
        layout.addWidget(self.reason)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _on_buttons_accepted(self) -> None:
        if not self.reason.text().strip():
            self.error.setText("Say why the event is cancelled.")
            self.reason.setFocus()
            return
        self.accept()
