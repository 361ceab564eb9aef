"""Kiosk lock-down of the main window: PIN before Events/Admin, closing, or leaving kiosk mode.

Installed by MainWindow; kept here so the window file stays about tabs and wiring. The gate
recognises tabs by title, so it keeps working when the Events and Admin owners swap their
real widgets in for the placeholders.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QPushButton, QTabWidget, QWidget

from app.pin import PinAttempts
from ui.lock import AdminLock, TabGate
from ui.worker import DbWorker

CHECK_IN_TITLE = "Check-in"
KIOSK_PROTECTED = {"Events", "Reports", "Admin"}
DESK_PROTECTED = {"Admin"}


def show_full_screen(window: QMainWindow) -> None:
    # Full screen is the window manager's job on X11; a bare kiosk session may run without one,
    # so cover the screen ourselves first.
    screen = window.screen()
    if screen is not None:
        window.setGeometry(screen.geometry())
    window.showFullScreen()


class KioskMode(QObject):
    # emitted when kiosk mode was switched on or off (True = kiosk)
    mode_changed = Signal(bool)

    def __init__(
        self,
        window: QMainWindow,
        tabs: QTabWidget,
        worker: DbWorker,
        *,
        kiosk: bool,
        attempts: PinAttempts | None = None,
    ):
        super().__init__(window)
        self.window = window
        self.tabs = tabs
        self.kiosk = kiosk
        self._close_granted = False
        self.pin_is_set: bool | None = None  # unknown until the database answered
        self.lock = AdminLock(worker, window, kiosk=kiosk, attempts=attempts)
        self.gate = TabGate(tabs, self.lock, self.protected_titles)
        window.installEventFilter(self)
        shortcut = QShortcut(QKeySequence(Qt.Key.Key_F11), window)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(self._on_f11_activated)
        self.leave_button = QPushButton("Leave kiosk mode…")
        self.leave_button.setObjectName("kioskLeaveButton")
        self.leave_button.setAccessibleName("Leave kiosk mode (needs the admin PIN)")
        self.leave_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.leave_button.clicked.connect(self.request_leave)
        # Short: at 1024 px a longer hint squeezed "Connected" into "Co…cted".
        self.pin_hint = QLabel("⚠ No admin PIN yet")
        self.pin_hint.setToolTip("Set one with “Leave kiosk mode…”: it asks for a new PIN twice.")
        self.pin_hint.setObjectName("kioskPinHint")
        self.pin_hint.setVisible(False)
        # The status line's extra controls: the hint (until a PIN is set) and the way out.
        self.status_controls = QWidget()
        row = QHBoxLayout(self.status_controls)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.pin_hint)
        row.addWidget(self.leave_button)
        self.lock.pin_presence_known.connect(self._on_lock_pin_presence_known)
        tabs.currentChanged.connect(self._on_tabs_current_changed)
        self._apply_mode()
        self.lock.check_pin_presence()

    def protected_titles(self) -> set[str]:
        return KIOSK_PROTECTED if self.kiosk else DESK_PROTECTED

    # -- entering and leaving ---------------------------------------------------------------------

    def request_leave(self) -> None:
        if not self.kiosk:
            return
        self.lock.request("Type the admin PIN to leave kiosk mode.", self._leave)

    def _leave(self) -> None:
        self.kiosk = False
        self.lock.kiosk = False
        self.lock.lock()  # the PIN opened the way out, not the Admin tab
        self._apply_mode()
        self.window.showNormal()
        self.mode_changed.emit(False)

    def enter(self) -> None:
        self.kiosk = True
        self.lock.kiosk = True
        self.lock.lock()
        self._apply_mode()
        self.tabs.setCurrentIndex(self._check_in_index())
        show_full_screen(self.window)
        self.mode_changed.emit(True)

    def _on_lock_pin_presence_known(self, pin_is_set: object) -> None:
        self.pin_is_set = bool(pin_is_set)
        self.pin_hint.setVisible(self.kiosk and not self.pin_is_set)

    def _apply_mode(self) -> None:
        self.leave_button.setVisible(self.kiosk)
        if not self.kiosk:
            self.pin_hint.setVisible(False)
        self.window.setProperty("kiosk", self.kiosk)
        self._on_tabs_current_changed(self.tabs.currentIndex())

    def _check_in_index(self) -> int:
        for i in range(self.tabs.count()):
            if self.tabs.tabText(i).replace("&", "") == CHECK_IN_TITLE:
                return i
        return 0

    def _on_f11_activated(self) -> None:
        if self.kiosk:
            self.request_leave()
        elif self.window.isFullScreen():
            self.window.showNormal()
        else:
            self.window.showFullScreen()

    def _on_tabs_current_changed(self, _index: int) -> None:
        # The check-in screen has its own status line; the window's would repeat it. Read the
        # current index rather than the argument: the gate may already have switched back.
        on_check_in = self.tabs.currentIndex() == self._check_in_index()
        self.window.statusBar().setVisible(not on_check_in)

    # -- closing ----------------------------------------------------------------------------------

    def eventFilter(self, watched, event) -> bool:
        closing = watched is self.window and event.type() == QEvent.Type.Close
        if closing and self.kiosk and not self._close_granted:
            event.ignore()
            self.lock.request("Type the admin PIN to close CredoPass.", self._close)
            return True
        return super().eventFilter(watched, event)

    def _close(self) -> None:
        self._close_granted = True
        self.window.close()
