"""Operation objects: how the GUI runs database (and file) work, in the spirit of Anki's
`CollectionOp`.

An operation is a job plus what to do with its answer: `on_success(result)` or
`on_failure(error)`, both called on the GUI thread. Every operation has an owner (the widget
or object that asked); when the owner is destroyed, or drops its operations with
`DbWorker.drop(owner)`, answers still on their way are thrown away instead of reaching a
deleted widget. A key and a policy replace the in-flight flags widgets used to keep:

- `Policy.QUEUE` (no key needed): every operation runs, in order.
- `Policy.LATEST_ONLY`: a newer operation with the same owner and key supersedes an older one;
  the older one's answer is dropped, and if it had not started yet it never starts (searches,
  pages, refreshes).
- `Policy.ONE_AT_A_TIME`: while an operation with the same owner and key is queued or running,
  another one is refused (`DbWorker.run` returns None): a double click does not save twice.

Two lanes (`Lane`) on the DB worker (ui/worker.py): the door lane runs short units of work with
the door's deadlines and never waits behind anything long; the bulk lane (exports, imports,
reports, the SQL console, reading and writing files) runs on its own thread with its own
connection. `OperationRunner` holds what every runner shares (lanes, keys, owners, delivery);
devices that must not wait behind the database (the camera's decoder, the badge printer) use
one of their own.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from enum import Enum
from functools import partial
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

Callback = Callable[[Any], None] | None
_SKIPPED = object()  # the job never ran (dropped before its turn): nothing to deliver


class Lane(Enum):
    DOOR = "door"  # short units of work: the door, pickers, pages; door deadlines
    BULK = "bulk"  # long jobs and file work: export, import, reports, console


class Policy(Enum):
    QUEUE = "queue"
    LATEST_ONLY = "latest_only"
    ONE_AT_A_TIME = "one_at_a_time"


class Operation:
    """One submitted job, made by `OperationRunner.run`; `cancel()` drops its answer."""

    __slots__ = (
        "owner",
        "owner_id",
        "job",
        "on_success",
        "on_failure",
        "lane",
        "key",
        "policy",
        "options",
        "dropped",
    )

    def __init__(
        self,
        owner: QObject,
        job: Callable[..., Any],
        on_success: Callback,
        on_failure: Callback,
        *,
        lane: Hashable,
        key: str | None,
        policy: Policy,
        options: dict[str, Any],
    ):
        self.owner = owner
        self.owner_id = id(owner)  # stable while this operation holds the owner
        self.job = job
        self.on_success = on_success
        self.on_failure = on_failure
        self.lane = lane
        self.key = key
        self.policy = policy
        self.options = options  # how the runner calls the job (e.g. in a transaction)
        # Read by the lane's thread before starting; only the GUI thread sets it.
        self.dropped = False

    @property
    def scope(self) -> tuple[int, str] | None:
        """Where the policy applies: the same key of the same owner."""
        return None if self.key is None else (self.owner_id, self.key)

    def cancel(self) -> None:
        """Drop the answer; if the job has not started yet it will not start."""
        self.dropped = True

    def __repr__(self) -> str:
        return f"<Operation {self.key or '-'} {self.lane} {self.policy.value}>"


class OperationRunner(QObject):
    """Runs operations on named lanes (one thread each) and answers on the GUI thread.

    All bookkeeping (keys, owners) happens on the GUI thread; a lane's thread only reads
    `Operation.dropped` before it starts one.
    """

    # internal: carries a finished operation back to the GUI thread (op, result, error)
    _finished = Signal(object, object, object)

    def __init__(self, lanes: dict[Hashable, str], parent: QObject | None = None):
        """`lanes`: each lane and the name of its thread."""
        super().__init__(parent)
        self._lanes = {
            lane: ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
            for lane, name in lanes.items()
        }
        self._closed = False
        self._scopes: dict[tuple[int, str], Operation] = {}  # keyed operations not yet answered
        self._by_owner: dict[int, set[Operation]] = {}
        self._watched: set[int] = set()  # owners whose `destroyed` we listen to
        self._finished.connect(self._deliver)

    def start(
        self,
        owner: QObject,
        job: Callable[..., Any],
        on_success: Callback = None,
        on_failure: Callback = None,
        *,
        lane: Hashable,
        key: str | None = None,
        policy: Policy = Policy.QUEUE,
        options: dict[str, Any] | None = None,
    ) -> Operation | None:
        """Run `job()` on `lane`; the operation, or None when refused (one at a time, owner
        gone, runner shut down)."""
        if self._closed or not shiboken6.isValid(owner):
            log.debug("operation after shutdown or for a deleted owner: dropped")
            return None
        if policy is not Policy.QUEUE and key is None:
            raise ValueError(f"{policy} needs a key")
        op = Operation(
            owner,
            job,
            on_success,
            on_failure,
            lane=lane,
            key=key,
            policy=policy,
            options=options or {},
        )
        scope = op.scope
        if scope is not None:
            previous = self._scopes.get(scope)
            if previous is not None:
                if policy is Policy.ONE_AT_A_TIME:
                    return None
                previous.cancel()
            self._scopes[scope] = op
        self._by_owner.setdefault(op.owner_id, set()).add(op)
        self._watch(owner)
        self._lanes[lane].submit(self._execute, op)
        return op

    def is_running(self, owner: QObject, key: str) -> bool:
        """An operation of `owner` with `key` is queued or running (to enable buttons)."""
        return (id(owner), key) in self._scopes

    def cancel(self, owner: QObject, key: str) -> None:
        """Drop the answer of `owner`'s operation with `key`, if one is on its way."""
        op = self._scopes.pop((id(owner), key), None)
        if op is not None:
            op.cancel()

    def drop(self, owner: QObject) -> None:
        """Answers of `owner`'s operations still on their way are dropped; queued ones do not
        start (the owner is going away, or starts over)."""
        self._forget_owner(id(owner))

    def shutdown(self, wait: bool = True) -> None:
        """No more answers; queued jobs are dropped, a running one is waited for."""
        self._closed = True
        for executor in self._lanes.values():
            executor.shutdown(wait=wait, cancel_futures=True)

    # -- hooks ----------------------------------------------------------------------------------

    def _call(self, op: Operation) -> Any:
        """Run the job on its lane's thread."""
        return op.job()

    def _answered(self, op: Operation, error: BaseException | None) -> None:
        """Every answer passes here on the GUI thread, also one whose owner is gone."""

    # -- the lanes' threads ---------------------------------------------------------------------

    def _execute(self, op: Operation) -> None:
        if op.dropped or self._closed:
            self._emit(op, _SKIPPED, None)
            return
        try:
            result = self._call(op)
        except Exception as exc:  # delivered to on_failure on the GUI thread
            self._emit(op, None, exc)
            return
        self._emit(op, result, None)

    def _emit(self, op: Operation, result, error) -> None:
        if not self._closed:
            self._finished.emit(op, result, error)

    # -- the GUI thread -------------------------------------------------------------------------

    def _deliver(self, op: Operation, result, error) -> None:
        self._release(op)
        if result is _SKIPPED:
            return
        self._answered(op, error)
        if op.dropped or not shiboken6.isValid(op.owner):
            return
        callback = op.on_success if error is None else op.on_failure
        if callback is not None:
            callback(error if error is not None else result)

    def _release(self, op: Operation) -> None:
        scope = op.scope
        if scope is not None and self._scopes.get(scope) is op:
            del self._scopes[scope]
        ops = self._by_owner.get(op.owner_id)
        if ops is not None:
            ops.discard(op)
            if not ops:
                del self._by_owner[op.owner_id]

    def _watch(self, owner: QObject) -> None:
        owner_id = id(owner)
        if owner is self or owner_id in self._watched:
            # Never our own `destroyed`: the connection would keep us alive in a cycle, and the
            # garbage collector would then run it at a random moment while Qt is deleting us
            # (a segfault seen in the test run). Our own operations end with `shutdown`.
            return
        self._watched.add(owner_id)
        # A partial of the id, not the owner: the owner is half gone when `destroyed` fires.
        # And a weak reference to us: the owner's connection must not keep this runner alive.
        owner.destroyed.connect(partial(_owner_destroyed, weakref.ref(self), owner_id))

    def _on_owner_destroyed(self, owner_id: int, *_args) -> None:
        self._watched.discard(owner_id)
        self._forget_owner(owner_id)

    def _forget_owner(self, owner_id: int) -> None:
        for op in self._by_owner.pop(owner_id, set()):
            op.cancel()
            scope = op.scope
            if scope is not None and self._scopes.get(scope) is op:
                del self._scopes[scope]


def _owner_destroyed(runner_ref: weakref.ref, owner_id: int, *_args) -> None:
    runner = runner_ref()
    if runner is not None:
        runner._on_owner_destroyed(owner_id)
