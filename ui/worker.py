"""The threads that talk to the database, one per lane (ui/operations.py says what runs where).

Every database call of the GUI goes through `DbWorker.run` as an `Operation`; answers come back
to the GUI thread through a queued signal, so the GUI thread never waits on the database and
widgets are only ever touched on the GUI thread. All bookkeeping of operations (keys, owners)
happens on the GUI thread; a lane's thread only reads `Operation.dropped` before it starts one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from sqlalchemy.orm import Session, sessionmaker

from app.errors import Stopped, ValidationError, describe_error, is_connection_lost
from app.unit_of_work import run_unit
from ui.operations import Callback, Lane, Operation, OperationRunner, Policy

log = logging.getLogger(__name__)


class DbWorker(OperationRunner):
    # emitted when a call failed because the database could not be reached
    connection_lost = Signal(str)
    # emitted when a call succeeded after `connection_lost`
    connection_restored = Signal()

    def __init__(self, sessions: sessionmaker[Session], parent: QObject | None = None):
        # One thread per lane; each thread holds its own pooled connection, so an export
        # streaming a million rows on the bulk lane never holds the door's connection.
        super().__init__({lane: f"credopass-{lane.value}" for lane in Lane}, parent)
        self._sessions = sessions
        self._online = True

    def run(
        self,
        owner: QObject,
        job: Callable[..., Any],
        on_success: Callback = None,
        on_failure: Callback = None,
        *,
        write: bool = True,
        lane: Lane = Lane.DOOR,
        key: str | None = None,
        policy: Policy = Policy.QUEUE,
        transaction: bool = True,
        door_deadline: bool | None = None,
    ) -> Operation | None:
        """Run `job(session)` in one transaction on `lane` (or `job()` with transaction=False:
        work that opens its own sessions, or touches only files). Returns the operation, or
        None when it was refused (one at a time, owner gone, worker shut down).

        Door-lane transactions get the door's deadlines unless `door_deadline=False`.
        """
        options = {
            "transaction": transaction,
            "write": write,
            "door": lane is Lane.DOOR if door_deadline is None else door_deadline,
        }
        return self.start(
            owner,
            job,
            on_success,
            on_failure,
            lane=lane,
            key=key,
            policy=policy,
            options=options,
        )

    def _call(self, op: Operation) -> Any:
        how = op.options
        if not how["transaction"]:
            return op.job()
        return run_unit(self._sessions, op.job, write=how["write"], door=how["door"])

    def _answered(self, op: Operation, error: BaseException | None) -> None:
        if error is None:
            if not self._online:
                self._online = True
                self.connection_restored.emit()
        elif is_connection_lost(error):
            self._online = False
            self.connection_lost.emit(describe_error(error))
        elif isinstance(error, (ValidationError, Stopped)):
            # Refused input and cancelled work are shown to the person; no traceback in the log.
            log.info("database job refused: %s", describe_error(error))
        else:
            log.error("database job failed", exc_info=error)

