"""Carrying progress from the DB worker thread to the GUI thread, and the cancel flag back."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal


class ProgressRelay(QObject):
    """Call it from any thread; `progressed` arrives on the thread this object lives in (the GUI
    thread) through a queued connection. `cancel_requested()` is safe from any thread."""

    # emitted when the job reported progress: rows done, total (-1 when unknown)
    progressed = Signal(int, int)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._cancel = threading.Event()

    def __call__(self, done: int, total: int | None) -> None:
        self.progressed.emit(int(done), -1 if total is None else int(total))

    def cancel(self) -> None:
        self._cancel.set()

    def reset(self) -> None:
        self._cancel.clear()

    def cancel_requested(self) -> bool:
        return self._cancel.is_set()
