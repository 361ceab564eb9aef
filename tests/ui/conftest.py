"""Fixtures shared by the GUI tests: the database worker, and a way to know it has finished."""

from __future__ import annotations

import pytest

from ui.operations import Lane
from ui.worker import DbWorker


@pytest.fixture
def worker(qapp, sessions):
    """The GUI's database worker on this test's database; its thread is joined afterwards.

    Fixtures that build a screen on it shut the screen down in their own teardown, which runs
    before this one (they request `worker`), so no job is queued by a live screen after this."""
    worker = DbWorker(sessions)
    yield worker
    worker.shutdown()


@pytest.fixture
def wait_until_idle(qtbot):
    """`wait_until_idle(worker)` returns once every job queued on `worker` so far has run and
    delivered its result to the GUI thread.

    Each lane runs its jobs one at a time in order and delivers results in order, so a no-op
    job's answer on every lane arrives after all of theirs: a real completion condition, where
    a fixed sleep would only guess. Use it before asserting that something did *not* happen."""

    def wait(worker: DbWorker, timeout: int = 5000) -> None:
        for lane in Lane:
            with qtbot.waitCallback(timeout=timeout) as done:
                worker.run(worker, lambda: None, done, done, lane=lane, transaction=False)

    return wait
