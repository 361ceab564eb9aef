"""The one input field: scanners and people type here; Up/Down/Esc steer the results list."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QLineEdit, QWidget

from app.passes.codes import parse_pass_code
from app.uuid_text import parse_uuid

REPEAT_SECONDS = 3.0


class ScanInput(QLineEdit):
    # emitted when Up (-1) or Down (+1) was pressed, to move the selection in the results
    selection_moved = Signal(int)
    # emitted when Esc was pressed (the field is cleared too)
    cleared = Signal()
    # emitted when Ctrl+Z was pressed: the screen's undo, not the text field's own
    undo_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("kioskInput")
        self.setAccessibleName("Scan a pass or type a name")
        self.setPlaceholderText("Scan a pass, or type a name or email…")
        self.setClearButtonEnabled(False)
        self.setMaxLength(200)

    def focusNextPrevChild(self, _next: bool) -> bool:
        # Tab stays here: a scan typed into the event picker would jump to another event by
        # keyboard search. The picker and buttons are for pointing and touching.
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if event.matches(QKeySequence.StandardKey.Undo):
            # QLineEdit would take Ctrl+Z for its own text undo, which a scan field never needs.
            self.undo_requested.emit()
        elif key == Qt.Key.Key_Up:
            self.selection_moved.emit(-1)
        elif key == Qt.Key.Key_Down:
            self.selection_moved.emit(1)
        elif key == Qt.Key.Key_Escape:
            self.clear()
            self.cleared.emit()
        else:
            super().keyPressEvent(event)


def scan_code(text: str) -> str | None:
    """The normalised pass code if `text` is one (a patron UUID in any form, or a QR pass's
    code), else None."""
    patron_id = parse_uuid(text)
    return patron_id.hex if patron_id is not None else parse_pass_code(text)


class RepeatGuard:
    """Scanners that send their output twice: the same code within 3 s counts once."""

    def __init__(
        self, seconds: float = REPEAT_SECONDS, clock: Callable[[], float] = time.monotonic
    ):
        self.seconds = seconds
        self.clock = clock
        self._last: tuple[str, float] | None = None

    def is_repeat(self, code: str) -> bool:
        """True when `code` was seen less than `seconds` ago; remembers it either way."""
        now = self.clock()
        repeat = (
            self._last is not None and self._last[0] == code and now - self._last[1] < self.seconds
        )
        if not repeat:
            self._last = (code, now)
        return repeat
