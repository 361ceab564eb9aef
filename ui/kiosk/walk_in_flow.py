"""The walk-in dialog's round trips: submit -> field errors, a known email, or checked in."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from app.checkin.queries import PatronCard
from app.checkin.walk_in_offer import ExistingPatronOffer
from ui.kiosk.controller import KioskController
from ui.kiosk.walk_in_dialog import WalkInDialog


class WalkInFlow(QObject):
    # emitted when the dialog closed (added, chose an existing person, or cancelled)
    finished = Signal()
    # emitted when the dialog opened (tests and screenshots use it)
    opened = Signal(object)

    def __init__(self, parent_widget: QWidget, controller: KioskController):
        super().__init__(parent_widget)
        self._parent_widget = parent_widget
        self.controller = controller
        self.dialog: WalkInDialog | None = None
        self._event_id: uuid.UUID | None = None
        self._waiting = False
        controller.walk_in_invalid.connect(self._on_controller_walk_in_invalid)
        controller.walk_in_existing.connect(self._on_controller_walk_in_existing)
        controller.action_finished.connect(self._on_controller_action_finished)
        controller.action_failed.connect(self._on_controller_action_failed)

    @property
    def is_open(self) -> bool:
        return self.dialog is not None

    def start(self, event_id: uuid.UUID) -> None:
        if self.dialog is not None:
            self.dialog.raise_()
            return
        self._event_id = event_id
        self.dialog = WalkInDialog(self._parent_widget)
        self.dialog.submitted.connect(self._on_dialog_submitted)
        self.dialog.existing_person_chosen.connect(self._on_dialog_existing_person_chosen)
        self.dialog.finished.connect(self._on_dialog_finished)
        self.dialog.open()
        self.dialog.edits["first_name"].setFocus()
        self.opened.emit(self.dialog)

    def _on_dialog_submitted(self, fields: dict) -> None:
        self._waiting = True
        self.controller.walk_in(self._event_id, fields)

    def _on_dialog_existing_person_chosen(self, card: PatronCard) -> None:
        self._waiting = True
        self.controller.check_in(self._event_id, card.id, method="walk_in")

    def _on_controller_walk_in_invalid(self, errors: dict) -> None:
        if self.dialog is not None:
            self._waiting = False
            self.dialog.show_errors(errors)

    def _on_controller_walk_in_existing(self, offer: ExistingPatronOffer) -> None:
        if self.dialog is not None:
            self._waiting = False
            self.dialog.show_existing(offer.card)

    def _on_controller_action_finished(self, _result) -> None:
        # The screen's banner shows the result; the dialog's job is done.
        if self.dialog is not None and self._waiting:
            self._waiting = False
            self.dialog.accept()

    def _on_controller_action_failed(self, message: str) -> None:
        if self.dialog is not None and self._waiting:
            self._waiting = False
            self.dialog.show_general_error(message)

    def _on_dialog_finished(self, _result: int) -> None:
        dialog, self.dialog = self.dialog, None
        self._waiting = False
        if dialog is not None:
            dialog.deleteLater()
        self.finished.emit()
