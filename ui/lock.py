"""The admin PIN gate: a PIN dialog, and the lock that guards tabs, closing and leaving kiosk mode.

The PIN is checked on the DB worker (scrypt is slow on purpose and the hash lives in the
database), so the dialog stays responsive while it is checked. Wrong PINs are counted per
station in the database (`app.pin.attempt_admin_pin`): from the fifth in a row, entry is
locked for a growing time (1 min, 2, 4, ...), and a restart does not reset it.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QTabWidget,
    QWidget,
)

from app.pin import (
    PinAttempts,
    PinCheck,
    attempt_admin_pin,
    is_pin_set,
    read_pin_lock,
    set_first_pin,
)
from ui.operations import Policy
from ui.pin_dialog import PinDialog
from ui.worker import DbWorker

SET_PIN_HINT = (
    "No admin PIN is set yet. Choose one now (4 to 12 digits, typed twice); it will guard "
    "leaving kiosk mode, Events and Admin. (At a terminal:  credopass admin set-pin)"
)
PIN_SET_TEXT = "The admin PIN is set. Type it to unlock."


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
    # emitted when a PIN dialog closed, granted or not (focus goes back to the window)
    dialog_closed = Signal()
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
        self.dialog.new_pin_submitted.connect(self._on_dialog_new_pin_submitted)
        self.dialog.finished.connect(self._on_dialog_finished)
        self.dialog.set_busy(True)
        self.dialog.open()
        self.dialog_opened.emit(self.dialog)
        station = self.attempts.station
        self.worker.run(
            self,
            lambda session: (is_pin_set(session), read_pin_lock(session, station)),
            self._on_presence_and_lock_read,
            self._on_check_failed,
            write=False,
        )

    def check_pin_presence(self) -> None:
        """Ask whether a PIN is set (answered by `pin_presence_known`)."""
        self.worker.run(
            self, is_pin_set, lambda found: self.pin_presence_known.emit(bool(found)), write=False
        )

    def _on_pin_presence_known(self, pin_is_set) -> None:
        self.pin_presence_known.emit(bool(pin_is_set))
        if self.dialog is None:
            return
        if not pin_is_set:
            if self.kiosk:
                # Never a window only `kill` can close: the person at the computer sets the
                # PIN right here, then types it like any supervisor.
                self.dialog.show_set_pin(SET_PIN_HINT)
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

    def _on_dialog_new_pin_submitted(self, pin: str) -> None:
        self.worker.run(
            self,
            lambda session: set_first_pin(session, pin),
            self._on_new_pin_stored,
            self._on_check_failed,
            key="pin",
            policy=Policy.ONE_AT_A_TIME,
        )

    def _on_new_pin_stored(self, stored) -> None:
        self.pin_presence_known.emit(True)
        if self.dialog is None:
            return
        if stored:
            self.dialog.show_unlock(PIN_SET_TEXT)
        else:
            self.dialog.show_unlock("Another station set the admin PIN meanwhile; type that one.")

    def _on_countdown_timeout(self) -> None:
        self._show_ready_or_locked()

    def _on_dialog_pin_submitted(self, pin: str) -> None:
        if self.attempts.seconds_locked() > 0:
            self._show_ready_or_locked()
            return
        station, now = self.attempts.station, self.attempts.clock()
        self.worker.run(
            self,
            lambda session: attempt_admin_pin(session, pin, station=station, now=now),
            self._on_pin_checked,
            self._on_check_failed,
            key="pin",
            policy=Policy.ONE_AT_A_TIME,
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
        if dialog is not None:
            self._give_focus_back()

    def _on_dialog_finished(self, _result: int) -> None:
        # Cancelled (or closed): nothing is granted.
        self._countdown.stop()
        self._on_granted = None
        if self.dialog is not None:
            self.dialog.deleteLater()
            self.dialog = None
        self._give_focus_back()

    def _give_focus_back(self) -> None:
        # The window's shortcuts (F11...) only fire while it is active: take activation back
        # from the closed dialog, and tell the window to put the focus where it belongs.
        self._parent_widget.window().activateWindow()
        self.dialog_closed.emit()


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
