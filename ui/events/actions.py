"""What the Events tab's buttons do: open the form, repeat, duplicate, delete (after a
confirmation) and change the status (cancel asks for a reason). Each finished action reports a
message for the organizer and, when there is one, the event to select next."""

from __future__ import annotations

from datetime import tzinfo

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from app.errors import describe_error
from app.events import (
    Actor,
    EventRow,
    StatusAction,
    allowed_actions,
    change_status,
    delete_event,
    duplicate_event,
    repeat_event,
)
from ui.events.form_dialog import EventFormDialog
from ui.events.small_dialogs import CancelDialog, RepeatDialog
from ui.worker import DbWorker


def _deleted_when_closed(dialog):
    """`dialog`, deleted when it closes: each action opens a new one, and closed ones would
    otherwise pile up as children of the window for as long as it lives."""
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    return dialog


class EventActions(QObject):
    # emitted when an action finished: the message to show, and the event id to select or None
    finished = Signal(str, object)

    def __init__(self, worker: DbWorker, actor: Actor, tz: tzinfo, parent: QWidget):
        super().__init__(parent)
        self._worker = worker
        self._actor = actor
        self._tz = tz
        self._window = parent
        self.form_dialog: EventFormDialog | None = None
        self.repeat_dialog: RepeatDialog | None = None
        self.cancel_dialog: CancelDialog | None = None
        self.confirm_box: QMessageBox | None = None
        self.refusal_box: QMessageBox | None = None

    def _on_failed(self, error) -> None:
        self.finished.emit(f"Not done: {describe_error(error)}", None)

    def open_form(self, event: EventRow | None) -> None:
        """The create form (event None) or the edit form; saving reports the saved event."""
        self.form_dialog = _deleted_when_closed(
            EventFormDialog(
                self._worker, self._actor, event=event, tz=self._tz, parent=self._window
            )
        )
        self.form_dialog.event_saved.connect(
            lambda row: self.finished.emit(f"Saved {row.name}.", row.id)
        )
        self.form_dialog.open()

    def duplicate(self, event: EventRow) -> None:
        actor = self._actor
        self._worker.run(
            self,
            lambda s: duplicate_event(s, event.id, actor=actor),
            lambda row: self.finished.emit(
                f"Created {row.name} as a draft; edit its date and publish it.", row.id
            ),
            self._on_failed,
        )

    def repeat(self, event: EventRow) -> None:
        self.repeat_dialog = _deleted_when_closed(RepeatDialog(event, self._tz, self._window))
        self.repeat_dialog.accepted.connect(lambda: self._repeat(event))
        self.repeat_dialog.open()

    def _repeat(self, event: EventRow) -> None:
        every, count = self.repeat_dialog.every_days.value(), self.repeat_dialog.count.value()
        tz, actor = self._tz, self._actor
        self._worker.run(
            self,
            lambda s: repeat_event(s, event.id, every_days=every, count=count, tz=tz, actor=actor),
            lambda rows: self.finished.emit(f"Created {len(rows)} more of {event.name}.", None),
            self._on_failed,
        )

    def delete(self, event: EventRow) -> None:
        self.confirm_box = _deleted_when_closed(
            QMessageBox(
                QMessageBox.Icon.Question,
                "Delete event",
                f"Delete {event.name}? This cannot be undone.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                self._window,
            )
        )
        self.confirm_box.setDefaultButton(QMessageBox.StandardButton.No)
        # QMessageBox finishes with the button's code, not Accepted: look at the button.
        self.confirm_box.buttonClicked.connect(
            lambda button: (
                self._delete(event)
                if self.confirm_box.standardButton(button) == QMessageBox.StandardButton.Yes
                else None
            )
        )
        self.confirm_box.open()

    def _delete(self, event: EventRow) -> None:
        actor = self._actor
        self._worker.run(
            self,
            lambda s: delete_event(s, event.id, actor=actor),
            lambda result: self._on_deleted(event, result),
            self._on_failed,
        )

    def _on_deleted(self, event: EventRow, result) -> None:
        self.finished.emit(result.message, None if result.deleted else event.id)
        if result.deleted or StatusAction.CANCEL not in allowed_actions(event.status):
            return
        # Refused because people came or registered: offer the way that keeps their record.
        self.refusal_box = _deleted_when_closed(
            QMessageBox(
                QMessageBox.Icon.Information, "Cannot delete", result.message, parent=self._window
            )
        )
        cancel = self.refusal_box.addButton("Cancel event…", QMessageBox.ButtonRole.AcceptRole)
        self.refusal_box.addButton("Keep it", QMessageBox.ButtonRole.RejectRole)
        self.refusal_box.buttonClicked.connect(
            lambda button: (
                self.change_status(event, StatusAction.CANCEL) if button is cancel else None
            )
        )
        self.refusal_box.open()

    def change_status(self, event: EventRow, action: StatusAction) -> None:
        if action is StatusAction.CANCEL:
            self.cancel_dialog = _deleted_when_closed(CancelDialog(event, self._window))
            self.cancel_dialog.accepted.connect(
                lambda: self._change_status(event, action, self.cancel_dialog.reason.text())
            )
            self.cancel_dialog.open()
            return
        self._change_status(event, action, None)

    def _change_status(self, event: EventRow, action: StatusAction, reason: str | None) -> None:
        actor = self._actor
        self._worker.run(
            self,
            lambda s: change_status(s, event.id, action, reason=reason, actor=actor),
            lambda change: self.finished.emit(change.message, event.id),
            self._on_failed,
        )
