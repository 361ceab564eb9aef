"""The one thread that talks to the database.

Every database call of the GUI goes through `DbWorker.submit`; results and errors come back to
the GUI thread through a queued signal, so the GUI thread never waits on the database and
widgets are only ever touched on the GUI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.errors import Stopped, ValidationError
from app.masking import mask_secrets
from db.session import run_in_transaction

log = logging.getLogger(__name__)

Callback = Callable[[Any], None] | None


class DbWorker(QObject):
    # emitted when a call failed because the database could not be reached
    connection_lost = Signal(str)
    # emitted when a call succeeded after `connection_lost`
    connection_restored = Signal()
    # internal: carries a finished job back to the GUI thread
    _job_finished = Signal(object, object, object, object)

    def __init__(self, sessions: sessionmaker[Session], parent: QObject | None = None):
        super().__init__(parent)
        self._sessions = sessions
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="credopass-db")
        self._online = True
        self._closed = False
        self._job_finished.connect(self._deliver)

    def submit(
        self,
        action: Callable[[Session], Any],
        on_result: Callback = None,
        on_error: Callback = None,
        *,
        write: bool = True,
    ) -> Future:
        """Run `action(session)` in one transaction on the worker thread."""
        return self.call(
            lambda: run_in_transaction(self._sessions, action, write=write), on_result, on_error
        )

    def call(self, fn: Callable[[], Any], on_result: Callback = None, on_error: Callback = None):
        """Run a plain function on the worker thread (for work that manages its own session)."""

        def job():
            try:
                result = fn()
            except Exception as exc:  # delivered to on_error on the GUI thread
                self._emit(on_error, None, exc, False)
                return None
            self._emit(on_result, result, None, True)
            return result

        return self._executor.submit(job)

    def _emit(self, callback, result, error, ok) -> None:
        if not self._closed:
            self._job_finished.emit(callback, result, error, ok)

    def _deliver(self, callback, result, error, ok) -> None:
        if ok:
            if not self._online:
                self._online = True
                self.connection_restored.emit()
            if callback is not None:
                callback(result)
            return
        if is_connection_error(error):
            self._online = False
            self.connection_lost.emit(describe_error(error))
        elif isinstance(error, (ValidationError, Stopped)):
            # Refused input and cancelled work are shown to the person; no traceback in the log.
            log.info("database job refused: %s", describe_error(error))
        else:
            log.error("database job failed", exc_info=error)
        if callback is not None:
            callback(error)

    def shutdown(self, wait: bool = True) -> None:
        self._closed = True
        self._executor.shutdown(wait=wait, cancel_futures=True)


def is_connection_error(error: BaseException | None) -> bool:
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, OperationalError):
        text = str(error.orig).lower()
        return any(
            word in text
            for word in ("connection", "could not connect", "server closed", "timeout", "terminat")
        )
    return False


def describe_error(error: BaseException | None) -> str:
    """One line a person can read; never a traceback, never a password (drivers omit it)."""
    if error is None:
        return "unknown error"
    orig = getattr(error, "orig", None) or error
    text = mask_secrets(str(orig)).strip()  # a driver may echo a connection string
    return text.splitlines()[0] if text else type(orig).__name__
