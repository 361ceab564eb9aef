"""Undo of this station's last check-in: a button with a countdown and an inline confirmation.

The confirmation is a bar inside the screen rather than a modal box, so a touch screen can use
it and the scanner input is never blocked behind a dialog. The engine enforces the real rule
(same station, within the undo window); this only offers it while it can succeed.
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from app.checkin.outcomes import PatronRef
from app.masking import display_name


class UndoPanel(QFrame):
    # emitted when the greeter confirmed the undo: (event id, patron id)
    confirmed = Signal(object, object)
    # emitted when the confirmation bar closed without or after acting
    closed = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        seconds: float = 60.0,
    ):
        super().__init__(parent)
        self.setObjectName("kioskUndoBar")
        self.clock = clock
        self.seconds = seconds
        self._target: tuple[uuid.UUID, uuid.UUID, str, float] | None = None

        self.button = QPushButton("↶ Undo")
        self.button.setObjectName("kioskUndoButton")
        self.button.setAccessibleName("Undo the last check-in")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.clicked.connect(self.ask)
        self.button.setVisible(False)

        self.question = QLabel("")
        self.question.setObjectName("kioskUndoQuestion")
        self.question.setWordWrap(True)
        self.yes_button = QPushButton("Yes, undo it")
        self.yes_button.setObjectName("kioskUndoYes")
        self.yes_button.setAccessibleName("Yes, undo the check-in")
        self.no_button = QPushButton("No, keep it")
        self.no_button.setAccessibleName("No, keep the check-in")
        for button in (self.yes_button, self.no_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.yes_button.clicked.connect(self._on_yes_clicked)
        self.no_button.clicked.connect(self.hide_confirmation)
        row = QHBoxLayout(self)
        row.addWidget(self.question, 1)
        row.addWidget(self.no_button)
        row.addWidget(self.yes_button)
        self.setVisible(False)

        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self.tick)

    def offer(self, event_id: uuid.UUID, patron: PatronRef) -> None:
        """A check-in just happened at this station: it may be undone for `seconds`."""
        name = display_name(patron.first_name, patron.last_name)
        self._target = (event_id, patron.id, name, self.clock())
        self.hide_confirmation()
        self._ticker.start()
        self.tick()

    def remaining(self) -> float:
        if self._target is None:
            return 0.0
        return max(0.0, self.seconds - (self.clock() - self._target[3]))

    def is_available(self) -> bool:
        return self.remaining() > 0

    def tick(self) -> None:
        """Refresh the countdown; the offer ends when the window has passed."""
        left = self.remaining()
        if left <= 0:
            self.clear()
            return
        name = self._target[2]
        self.button.setText(f"↶ Undo {name} ({math.ceil(left)} s)")
        self.button.setAccessibleName(f"Undo the check-in of {name}")
        self.button.setVisible(True)

    def ask(self) -> None:
        """Show the confirmation (button or Ctrl+Z)."""
        if not self.is_available():
            self.clear()
            return
        self.question.setText(
            f"Undo the check-in of {self._target[2]}? Their points for it are taken back. "
            "Enter: yes · Esc: no"
        )
        self.setVisible(True)

    def hide_confirmation(self) -> None:
        if self.isVisible():
            self.setVisible(False)
            self.closed.emit()

    def clear(self) -> None:
        self._target = None
        self._ticker.stop()
        self.button.setVisible(False)
        self.hide_confirmation()

    def is_asking(self) -> bool:
        """The confirmation bar is up (Enter in the scan field confirms it)."""
        return not self.isHidden()

    def confirm(self) -> None:
        self._on_yes_clicked()

    def _on_yes_clicked(self) -> None:
        if not self.is_available():
            self.clear()
            return
        event_id, patron_id = self._target[0], self._target[1]
        self.clear()
        self.confirmed.emit(event_id, patron_id)
