"""The admin PIN gate: a PIN dialog, and the lock that guards tabs, closing and leaving kiosk mode.

The PIN is checked on the DB worker (scrypt is slow on purpose and the hash lives in the
database), so the dialog stays responsive while it is checked. Wrong PINs are counted per
station in the database (`app.pin.attempt_admin_pin`): from the fifth in a row, entry is
locked for a growing time (1 min, 2, 4, ...), and a restart does not reset it.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.pin import (
    PIN_MAX_DIGITS,
    PinAttempts,
    PinCheck,
    attempt_admin_pin,
    is_pin_set,
    read_pin_lock,
)
from ui.kiosk.style import kiosk_style_sheet
from ui.worker import DbWorker

SET_PIN_HINT = (
    "No admin PIN is set yet, so this stays locked. A supervisor can set one at a terminal "
    "with:  credopass admin set-pin"
)


class PinDialog(QDialog):
    """Asks for the admin PIN; the gate decides what a PIN means and calls `show_*` back."""

    # emitted when the person submitted a PIN to check
    pin_submitted = Signal(str)

    def __init__(self, reason: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("pinDialog")
        self.setStyleSheet(kiosk_style_sheet())
        self.setWindowTitle("Admin PIN")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.reason_label = QLabel(reason)
        self.reason_label.setObjectName("pinReason")
        self.reason_label.setWordWrap(True)
        self.pin_edit = QLineEdit()
        self.pin_edit.setObjectName("pinInput")
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_edit.setMaxLength(PIN_MAX_DIGITS)
        self.pin_edit.setValidator(QRegularExpressionValidator(r"[0-9]*", self.pin_edit))
        self.pin_edit.setAccessibleName("Admin PIN")
        self.pin_edit.setPlaceholderText("PIN")
        self.message_label = QLabel("")
        self.message_label.setObjectName("pinMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setAccessibleName("PIN message")
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Unlock")
        self.ok_button.setAccessibleName("Unlock")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.reason_label)
        layout.addWidget(self.pin_edit)
        layout.addWidget(self.message_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)

    def _on_buttons_accepted(self) -> None:
        pin = self.pin_edit.text()
        if not pin:
            self.show_message("Type the PIN first.")
            return
        self.set_busy(True)
        self.pin_submitted.emit(pin)

    def set_busy(self, busy: bool) -> None:
        self.ok_button.setEnabled(not busy)
        self.pin_edit.setEnabled(not busy)
        if busy:
            self.message_label.setText("Checking…")
            self._fit_text()

    def _fit_text(self) -> None:
        # A wrapped message can need more lines than the dialog had: grow, never cut it off.
        needed = self.layout().totalHeightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)

    def show_message(self, text: str, *, allow_entry: bool = True) -> None:
        self.message_label.setText(text)
        self._fit_text()
        self.ok_button.setEnabled(allow_entry)
        self.pin_edit.setEnabled(allow_entry)
        if allow_entry:
            self.pin_edit.clear()
            self.pin_edit.setFocus()


class AdminLock(QObject):
    """Grants supervisor actions after the admin PIN; counts wrong PINs; relocks on demand.

    `kiosk` decides what an unset PIN means: in kiosk mode everything stays locked and the dialog
    says how to set a PIN; on an organizer's laptop without a PIN, access is granted.
    """

    # emitted when access was granted (after a right PIN, or no PIN outside kiosk mode)
    unlocked = Signal()
    # emitted when the lock closed again
    locked = Signal()
    # emitted when a PIN dialog is shown (tests and the window use it to find the dialog)
    dialog_opened = Signal(object)
    # emitted when the database said whether a PIN is set (True/False, as an object)
    pin_presence_known = Signal(object)

    def __init__(
        self,
        worker: DbWorker,
        parent_widget: QWidget,
        *,
        kiosk: bool,
        attempts: PinAttempts | None = None,
    ):
        super().__init__(parent_widget)
        self.worker = worker
        self.kiosk = kiosk
        self.attempts = attempts or PinAttempts()
        self.dialog: PinDialog | None = None
        self._parent_widget = parent_widget
        self._is_unlocked = False
        self._on_granted: Callable[[], None] | None = None
        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._on_countdown_timeout)

    @property
    def is_unlocked(self) -> bool:
        return self._is_unlocked

    def lock(self) -> None:
        if self._is_unlocked:
            self._is_unlocked = False
            self.locked.emit()

    def request(self, reason: str, on_granted: Callable[[], None]) -> None:
        """Run `on_granted` now if unlocked; otherwise after the right PIN is typed."""
        if self._is_unlocked:
            on_granted()
            return
        if self.dialog is not None:  # one dialog at a time; the newest request wins
            self.dialog.reason_label.setText(reason)
            self._on_granted = on_granted
            return
        self._on_granted = on_granted
        self.dialog = PinDialog(reason, self._parent_widget)
        self.dialog.pin_submitted.connect(self._on_dialog_pin_submitted)
        self.dialog.finished.connect(self._on_dialog_finished)
        self.dialog.set_busy(True)
        self.dialog.open()
        self.dialog_opened.emit(self.dialog)
        station = self.attempts.station
        self.worker.submit(
            lambda session: (is_pin_set(session), read_pin_lock(session, station)),
            self._on_presence_and_lock_read,
            self._on_check_failed,
            write=False,
        )

    def check_pin_presence(self) -> None:
        """Ask whether a PIN is set (answered by `pin_presence_known`)."""
        self.worker.submit(
            is_pin_set, lambda found: self.pin_presence_known.emit(bool(found)), write=False
        )

    def _on_pin_presence_known(self, pin_is_set) -> None:
        self.pin_presence_known.emit(bool(pin_is_set))
        if self.dialog is None:
            return
        if not pin_is_set:
            if self.kiosk:
                self.dialog.show_message(SET_PIN_HINT, allow_entry=False)
            else:
                self._grant()
            return
        self._show_ready_or_locked()

    def _on_presence_and_lock_read(self, answer) -> None:
        # The count lives in the database: after a restart a lock still holds.
        pin_is_set, state = answer
        self.attempts.apply(state)
        self._on_pin_presence_known(pin_is_set)

    def _show_ready_or_locked(self) -> None:
        if self.dialog is None:
            return
        seconds = self.attempts.seconds_locked()
        if seconds > 0:
            self.dialog.show_message(
                f"Too many wrong PINs. Try again in {_wait_text(seconds)}.", allow_entry=False
            )
            self._countdown.start()
        else:
            self._countdown.stop()
            self.dialog.show_message("Type the admin PIN and press Enter.")

    def _on_countdown_timeout(self) -> None:
        self._show_ready_or_locked()

    def _on_dialog_pin_submitted(self, pin: str) -> None:
        if self.attempts.seconds_locked() > 0:
            self._show_ready_or_locked()
            return
        station, now = self.attempts.station, self.attempts.clock()
        self.worker.submit(
            lambda session: attempt_admin_pin(session, pin, station=station, now=now),
            self._on_pin_checked,
            self._on_check_failed,
        )

    def _on_pin_checked(self, outcome) -> None:
        check, state = outcome
        self.attempts.apply(state)
        if self.dialog is None:
            return
        if check is PinCheck.OK:
            self._grant()
        elif check is PinCheck.NOT_SET:
            self._on_pin_presence_known(False)
        else:
            if self.attempts.seconds_locked() > 0:
                self._show_ready_or_locked()
            else:
                left = max(self.attempts.max_failures - self.attempts.failures, 1)
                self.dialog.show_message(
                    f"That PIN is not right. {left} {'try' if left == 1 else 'tries'} left "
                    "before a lock."
                )

    def _on_check_failed(self, _error) -> None:
        if self.dialog is not None:
            self.dialog.show_message(
                "Cannot check the PIN: the database is not reachable. Try again in a moment."
            )

    def _grant(self) -> None:
        callback, self._on_granted = self._on_granted, None
        self._is_unlocked = True
        dialog, self.dialog = self.dialog, None
        self._countdown.stop()
        if dialog is not None:
            dialog.finished.disconnect(self._on_dialog_finished)
            dialog.accept()
            dialog.deleteLater()
        self.unlocked.emit()
        if callback is not None:
            callback()

    def _on_dialog_finished(self, _result: int) -> None:
        # Cancelled (or closed): nothing is granted.
        self._countdown.stop()
        self._on_granted = None
        if self.dialog is not None:
            self.dialog.deleteLater()
            self.dialog = None


class TabGate(QObject):
    """Keeps protected tabs of a QTabWidget closed until the lock grants access.

    Tabs are recognised by their title, not their widget, so the gate keeps working when the
    owners of those tabs swap their real widgets in for the placeholders. Any way of switching
    (click, Ctrl+Tab, code) ends in `currentChanged`; a locked switch is undone at once, before
    anything is painted, and the PIN is asked for.
    """

    def __init__(
        self,
        tabs: QTabWidget,
        lock: AdminLock,
        protected_titles: Callable[[], set[str]],
    ):
        super().__init__(tabs)
        self.tabs = tabs
        self.lock_ = lock
        self._protected_titles = protected_titles
        self._last_allowed = tabs.currentIndex()
        self._switching = False
        tabs.currentChanged.connect(self._on_tabs_current_changed)

    def is_protected(self, index: int) -> bool:
        return self.tabs.tabText(index).replace("&", "") in self._protected_titles()

    def _on_tabs_current_changed(self, index: int) -> None:
        if self._switching or index < 0:
            return
        if not self.is_protected(index):
            self._last_allowed = index
            self.lock_.lock()  # back on an open tab: the supervisor's session is over
            return
        if self.lock_.is_unlocked:
            self._last_allowed = index
            return
        self._set_index(self._last_allowed)
        title = self.tabs.tabText(index).replace("&", "")
        self.lock_.request(
            f"The {title} tab is for supervisors. Type the admin PIN to open it.",
            lambda: self._open(index),
        )

    def _open(self, index: int) -> None:
        if 0 <= index < self.tabs.count():
            self._last_allowed = index
            self._set_index(index)

    def _set_index(self, index: int) -> None:
        self._switching = True
        try:
            self.tabs.setCurrentIndex(index)
        finally:
            self._switching = False


def _wait_text(seconds: float) -> str:
    if seconds < 90:
        return f"{math.ceil(seconds)} s"
    return f"{math.ceil(seconds / 60)} min"
