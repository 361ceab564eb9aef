"""The DB worker runs calls off the GUI thread and delivers results on it."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from app.errors import Stopped, ValidationError
from db.models import User


def test_result_arrives_on_gui_thread(qtbot, worker):
    gui_thread = threading.get_ident()
    seen = {}

    def action(session):
        seen["worker_thread"] = threading.get_ident()
        return session.scalar(select(func.count()).select_from(User))

    def on_result(count):
        seen["callback_thread"] = threading.get_ident()
        seen["count"] = count

    worker.submit(action, on_result)
    qtbot.waitUntil(lambda: "count" in seen, timeout=5000)
    assert seen["count"] == 0
    assert seen["worker_thread"] != gui_thread
    assert seen["callback_thread"] == gui_thread


def test_error_goes_to_error_callback_and_rolls_back(qtbot, worker, sessions):
    errors = []

    def action(session):
        session.add(User(email="a@example.com", first_name="A", last_name="B"))
        session.flush()
        raise ValueError("refused on purpose")

    worker.submit(action, on_error=errors.append)
    qtbot.waitUntil(lambda: len(errors) == 1, timeout=5000)
    assert isinstance(errors[0], ValueError)
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
    qtbot, worker, caplog, error, level, traceback
):
    def action(_session):
        raise error

    errors = []
    with caplog.at_level("INFO", logger="ui.worker"):
        worker.submit(action, on_error=errors.append)
        qtbot.waitUntil(lambda: errors == [error], timeout=5000)
    (record,) = [r for r in caplog.records if r.name == "ui.worker"]
    assert record.levelname == level
    assert (record.exc_info is not None) is traceback
