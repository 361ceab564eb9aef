"""Create or edit an event: local date and time editors, a host picked by name or email, and
each rule's message shown next to its field."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, tzinfo

from PySide6.QtCore import QDate, QDateTime, QTime, Signal
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.errors import ValidationError, describe_error
from app.events import (
    Actor,
    EventInput,
    EventRow,
    HostChoice,
    create_event,
    update_event,
    validate_event,
)
from app.events.localtime import local_to_utc, to_local, zone
from ui.events.host_picker import PersonPicker
from ui.field_messages import hide_fixed_messages
from ui.operations import Policy
from ui.worker import DbWorker

FIELDS = ("name", "location", "start_time", "end_time", "capacity", "host", "description")


def to_qdatetime(moment: datetime, tz: tzinfo) -> QDateTime:
    local = to_local(moment, tz)
    return QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute))


def from_editor(editor: QDateTimeEdit, tz: tzinfo) -> datetime:
    """The wall-clock time in the editor, read as a time in `tz`, to UTC."""
    d, t = editor.date(), editor.time()
    return local_to_utc(datetime(d.year(), d.month(), d.day(), t.hour(), t.minute()), tz)


class EventFormDialog(QDialog):
    # emitted when the event was saved (an EventRow)
    event_saved = Signal(object)

    def __init__(
        self,
        worker: DbWorker,
        actor: Actor,
        *,
        event: EventRow | None = None,
        default_start: datetime | None = None,
        tz: tzinfo | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self._worker = worker
        self._actor = actor
        self._event = event
        self._tz = zone(tz)
        self.setWindowTitle(f"Edit {event.name}" if event else "New event")
        self.setMinimumWidth(520)

        self.name = QLineEdit()
        self.location = QLineEdit()
        self.start = self._datetime_editor()
        self.end = self._datetime_editor()
        self.capacity = QLineEdit()
        self.capacity.setPlaceholderText("No limit")
        self.host = PersonPicker(worker, "Host: type a name or email")
        self.description = QPlainTextEdit()
        self.description.setFixedHeight(70)
        self.errors: dict[str, QLabel] = {}

        form = QFormLayout()
        for field, label, widget in (
            ("name", "Name", self.name),
            ("location", "Location", self.location),
            ("start_time", "Starts", self.start),
            ("end_time", "Ends", self.end),
            ("capacity", "Capacity", self.capacity),
            ("host", "Host", self.host),
            ("description", "Description", self.description),
        ):
            widget.setAccessibleName(label)
            error = QLabel("")
            error.setObjectName("fieldError")
            error.setWordWrap(True)
            error.setVisible(False)
            self.errors[field] = error
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(2)
            column.addWidget(widget)
            column.addWidget(error)
            form.addRow(label, box)

        self.general_error = QLabel("")
        self.general_error.setObjectName("fieldError")
        self.general_error.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self._fill(event, default_start)
        self._last_start = self.start.dateTime()
        self.start.dateTimeChanged.connect(self._on_start_changed)
        for signal in (
            self.name.textChanged,
            self.location.textChanged,
            self.capacity.textChanged,
            self.start.dateTimeChanged,
            self.end.dateTimeChanged,
            self.description.textChanged,
            self.host.person_changed,
        ):
            signal.connect(self._on_field_edited)

    def _on_field_edited(self, *_args) -> None:
        # The capacity check against people already checked in is the engine's, so that
        # message waits for the save.
        hide_fixed_messages(self.errors, lambda: validate_event(self.current_input()))

    def _datetime_editor(self) -> QDateTimeEdit:
        editor = QDateTimeEdit()
        editor.setCalendarPopup(True)
        editor.setDisplayFormat("ddd d MMM yyyy  HH:mm")
        return editor

    def _fill(self, event: EventRow | None, default_start: datetime | None) -> None:
        if event is None:
            start = default_start or datetime.now(self._tz).replace(
                minute=0, second=0, microsecond=0
            ) + timedelta(days=1)
            self.start.setDateTime(to_qdatetime(start, self._tz))
            self.end.setDateTime(to_qdatetime(start + timedelta(hours=2), self._tz))
            return
        self.name.setText(event.name)
        self.location.setText(event.location)
        self.start.setDateTime(to_qdatetime(event.start_time, self._tz))
        self.end.setDateTime(to_qdatetime(event.end_time, self._tz))
        self.capacity.setText("" if event.capacity is None else str(event.capacity))
        self.host.set_chosen(HostChoice(event.host_id, event.host_name, event.host_email))
        self.description.setPlainText(event.description or "")

    def _on_start_changed(self, _value) -> None:
        # Moving the start moves the end with it, so the length stays what it was.
        delta = self._last_start.secsTo(self.start.dateTime())
        self.end.setDateTime(self.end.dateTime().addSecs(delta))
        self._last_start = self.start.dateTime()

    def current_input(self) -> EventInput:
        chosen = self.host.chosen
        return EventInput(
            name=self.name.text(),
            location=self.location.text(),
            start_time=from_editor(self.start, self._tz),
            end_time=from_editor(self.end, self._tz),
            host_id=chosen.id if chosen else None,
            description=self.description.toPlainText(),
            capacity=self.capacity.text(),
        )

    def show_errors(self, errors: dict[str, str]) -> None:
        for field, label in self.errors.items():
            label.setText(errors.get(field, ""))
            label.setVisible(field in errors)
        other = [msg for key, msg in errors.items() if key not in self.errors]
        self.general_error.setText(" ".join(other))
        first = next((f for f in FIELDS if f in errors), None)
        widget = {
            "name": self.name,
            "location": self.location,
            "start_time": self.start,
            "end_time": self.end,
            "capacity": self.capacity,
            "host": self.host.search,
            "description": self.description,
        }.get(first)
        if widget is not None:
            widget.setFocus()

    def _on_buttons_accepted(self) -> None:
        data = self.current_input()
        self.save_button.setEnabled(False)
        event_id: uuid.UUID | None = self._event.id if self._event else None
        actor = self._actor
        if event_id is None:
            action = lambda s: create_event(s, data, actor=actor)  # noqa: E731
        else:
            action = lambda s: update_event(s, event_id, data, actor=actor)  # noqa: E731
        self._worker.run(
            self,
            action,
            self._on_saved,
            self._on_save_failed,
            key="save",
            policy=Policy.ONE_AT_A_TIME,
        )

    def _on_saved(self, row: EventRow) -> None:
        self.save_button.setEnabled(True)
        self.show_errors({})
        self.event_saved.emit(row)
        self.accept()

    def _on_save_failed(self, error) -> None:
        self.save_button.setEnabled(True)
        if isinstance(error, ValidationError):
            self.show_errors(error.errors)
        else:
            self.show_errors({"general": f"Could not save: {describe_error(error)}"})
