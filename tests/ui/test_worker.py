"""The DB worker runs operations off the GUI thread and delivers their answers on it."""

from __future__ import annotations

import threading

import pytest
import shiboken6
from PySide6.QtCore import QObject
from sqlalchemy import func, select, text

from app.errors import Stopped, ValidationError
from db.models import User
from ui.operations import Lane, Policy

GATE_TIMEOUT_S = 10  # a gate that is never opened (a failing test) lets the lane go anyway


@pytest.fixture
def owner(qtbot):
    owner = QObject()
    yield owner
    if shiboken6.isValid(owner):
        owner.deleteLater()


class Gate:
    """Holds a lane's thread until opened, so that what queues behind it is known."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.opened = threading.Event()

    def job(self, value=None):
        def hold():
            self.started.set()
            self.opened.wait(GATE_TIMEOUT_S)
            return value

        return hold

    def open(self) -> None:
        self.opened.set()


def _wait_for_lane(qtbot, worker, owner, lane=Lane.DOOR) -> None:
    """Every operation queued on `lane` so far has answered (a lane is one thread, in order)."""
    with qtbot.waitCallback(timeout=10_000) as done:
        worker.run(owner, lambda: None, done, lane=lane, transaction=False)


def test_result_arrives_on_gui_thread(qtbot, worker, owner):
    gui_thread = threading.get_ident()
    seen = {}

    def action(session):
        seen["worker_thread"] = threading.get_ident()
        return session.scalar(select(func.count()).select_from(User))

    def on_success(count):
        seen["callback_thread"] = threading.get_ident()
        seen["count"] = count

    worker.run(owner, action, on_success)
    qtbot.waitUntil(lambda: "count" in seen, timeout=5000)
    assert seen["count"] == 0
    assert seen["worker_thread"] != gui_thread
    assert seen["callback_thread"] == gui_thread


def test_failure_callback_gets_the_error_on_the_gui_thread_and_rolls_back(
    qtbot, worker, owner, sessions
):
    gui_thread = threading.get_ident()
    failures = []

    def action(session):
        session.add(User(email="a@example.com", first_name="A", last_name="B"))
        session.flush()
        raise ValueError("refused on purpose")

    def on_failure(error):
        failures.append((error, threading.get_ident()))

    worker.run(owner, action, on_failure=on_failure)
    qtbot.waitUntil(lambda: len(failures) == 1, timeout=5000)
    error, thread = failures[0]
    assert isinstance(error, ValueError)
    assert thread == gui_thread
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0


@pytest.mark.parametrize(
    ("error", "level", "traceback"),
    [
        (
            ValidationError({"email": "Enter an email address like name@example.com."}),
            "INFO",
            False,
        ),
        (Stopped("The query was cancelled."), "INFO", False),
        (RuntimeError("a real fault"), "ERROR", True),
    ],
)
def test_refusals_are_logged_in_one_line_faults_with_their_traceback(
    qtbot, worker, owner, caplog, error, level, traceback
):
    def action(_session):
        raise error

    errors = []
    with caplog.at_level("INFO", logger="ui.worker"):
        worker.run(owner, action, on_failure=errors.append)
        qtbot.waitUntil(lambda: errors == [error], timeout=5000)
    (record,) = [r for r in caplog.records if r.name == "ui.worker"]
    assert record.levelname == level
    assert (record.exc_info is not None) is traceback


def test_latest_only_drops_the_superseded_answer_and_skips_a_queued_one(qtbot, worker, owner):
    gate, ran, answers = Gate(), [], []
    # The first search is in flight (held), the second queued behind it, the third newest.
    in_flight = gate.job("first")
    worker.run(owner, in_flight, answers.append, key="search", policy=Policy.LATEST_ONLY,
               transaction=False)  # fmt: skip
    assert gate.started.wait(GATE_TIMEOUT_S)

    def queued(session):
        ran.append("second")
        return "second"

    worker.run(owner, queued, answers.append, key="search", policy=Policy.LATEST_ONLY)
    with qtbot.waitCallback(timeout=10_000) as newest:
        worker.run(
            owner,
            lambda session: session.scalar(text("SELECT 'third'")),
            newest,
            key="search",
            policy=Policy.LATEST_ONLY,
        )
        gate.open()
    newest.assert_called_with("third")
    assert answers == []  # the superseded answers never arrived
    assert ran == []  # the queued one never started


def test_one_at_a_time_refuses_a_second_while_the_first_runs(qtbot, worker, owner):
    gate = Gate()
    first = worker.run(
        owner, gate.job("saved"), None, key="save", policy=Policy.ONE_AT_A_TIME, transaction=False
    )
    assert first is not None
    assert worker.is_running(owner, "save")
    second = worker.run(owner, lambda _s: "again", key="save", policy=Policy.ONE_AT_A_TIME)
    assert second is None
    other_owner = QObject()
    try:  # the key belongs to its owner: another widget's save is not refused
        assert worker.run(other_owner, lambda _s: None, key="save", policy=Policy.ONE_AT_A_TIME)
        gate.open()
        _wait_for_lane(qtbot, worker, owner)
    finally:
        other_owner.deleteLater()
    assert not worker.is_running(owner, "save")
    with qtbot.waitCallback(timeout=10_000) as third:
        assert worker.run(owner, lambda _s: "third", third, key="save", policy=Policy.ONE_AT_A_TIME)
    third.assert_called_with("third")


def test_a_destroyed_owner_gets_no_callback(qtbot, worker):
    gate, ran, answers = Gate(), [], []
    owner = QObject()
    worker.run(owner, gate.job("late"), answers.append, answers.append, transaction=False)
    assert gate.started.wait(GATE_TIMEOUT_S)

    def queued(_session):
        ran.append("queued")

    worker.run(owner, queued, answers.append, answers.append)
    gone = []
    owner.destroyed.connect(lambda: gone.append(True))
    owner.deleteLater()
    qtbot.waitUntil(lambda: bool(gone), timeout=5000)
    gate.open()
    survivor = QObject()
    try:
        _wait_for_lane(qtbot, worker, survivor)
    finally:
        survivor.deleteLater()
    assert answers == []  # neither the answer in flight nor the queued one reached it
    assert ran == []  # the queued job of a destroyed owner never started
    assert worker.run(owner, lambda _s: None) is None  # a deleted owner cannot ask again


def test_drop_discards_the_answers_still_on_their_way(qtbot, worker, owner):
    gate, answers = Gate(), []
    worker.run(owner, gate.job("late"), answers.append, transaction=False)
    assert gate.started.wait(GATE_TIMEOUT_S)
    worker.drop(owner)
    gate.open()
    _wait_for_lane(qtbot, worker, owner)
    assert answers == []


def test_a_door_operation_completes_while_a_long_bulk_job_runs(qtbot, worker, owner, sessions):
    """The bulk lane holds a real read transaction on its own connection, reading until the
    door answers; the door lane writes and reads meanwhile."""
    door_answered = threading.Event()
    bulk_reads = []

    def long_bulk_job(session):
        while not door_answered.is_set() and len(bulk_reads) < 200_000:
            bulk_reads.append(session.scalar(select(func.count()).select_from(User)))
        return len(bulk_reads)

    def door_job(session):
        session.add(User(email="door@example.com", first_name="D", last_name="Oor"))
        session.flush()
        return session.scalar(select(func.count()).select_from(User))

    bulk_done = []
    worker.run(owner, long_bulk_job, bulk_done.append, bulk_done.append, lane=Lane.BULK,
               write=False)  # fmt: skip
    qtbot.waitUntil(lambda: bool(bulk_reads), timeout=10_000)  # the bulk job is running
    with qtbot.waitCallback(timeout=10_000) as door:
        worker.run(owner, door_job, door, lane=Lane.DOOR)
    door.assert_called_with(1)
    assert bulk_done == []  # the long job was still running when the door answered
    door_answered.set()
    qtbot.waitUntil(lambda: bool(bulk_done), timeout=10_000)
    assert isinstance(bulk_done[0], int)
