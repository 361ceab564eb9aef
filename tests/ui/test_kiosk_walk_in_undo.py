"""Walk-ins with inline field messages, the known-email offer, and undo within the window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest

from app.checkin.outcomes import Outcome
from app.settings import UNDO_WINDOW_SECONDS, set_setting
from db.models import Attendance, User
from tests.ui.kiosk_support import close_door, open_door, scan
from ui.kiosk.banner import BannerState


@pytest.fixture
def door(qtbot, worker, sessions):
    door = open_door(qtbot, worker, sessions)
    yield door
    close_door(door)


def _open_walk_in(qtbot, door):
    with qtbot.waitSignal(door.screen.walk_in.opened, timeout=2000) as blocker:
        qtbot.mouseClick(door.screen.walk_in_button, Qt.MouseButton.LeftButton)
    return blocker.args[0]


def _fill(qtbot, dialog, **values):
    for key, text in values.items():
        dialog.edits[key].clear()
        qtbot.keyClicks(dialog.edits[key], text)


def test_walk_in_bad_email_shows_inline_message_then_corrected_checks_in(qtbot, door):
    dialog = _open_walk_in(qtbot, door)
    _fill(qtbot, dialog, first_name="Maria", last_name="Lopez", email="maria@", phone="12")
    qtbot.mouseClick(dialog.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error_labels["email"].isVisible(), timeout=5000)
    assert "name@example.com" in dialog.error_labels["email"].text()
    assert "digits" in dialog.error_labels["phone"].text()
    assert not dialog.error_labels["first_name"].isVisible()
    assert door.count(User) == 2 and door.count(Attendance) == 0  # nothing written

    _fill(qtbot, dialog, email="Maria@Example.org", phone="+1 (555) 010-2030")
    with qtbot.waitSignal(door.screen.result_shown, timeout=5000) as blocker:
        qtbot.mouseClick(dialog.submit_button, Qt.MouseButton.LeftButton)
    result = blocker.args[0]
    assert result.outcome is Outcome.CHECKED_IN and not result.existing_patron
    assert door.screen.banner.title == "Welcome, Maria!"
    qtbot.waitUntil(lambda: door.screen.walk_in.dialog is None, timeout=2000)
    assert door.attendance(result.patron.id).attended
    with door.sessions() as session:
        assert session.get(User, result.patron.id).email == "maria@example.org"


def test_walk_in_with_a_known_email_offers_that_person(qtbot, door):
    dialog = _open_walk_in(qtbot, door)
    _fill(qtbot, dialog, first_name="J", last_name="S", email="  JANE@example.com ")
    qtbot.mouseClick(dialog.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.existing_frame.isVisible, timeout=5000)
    offer = dialog.existing_label.text()
    assert "Jane S." in offer and "j***@example.com" in offer and "jane@example.com" not in offer
    assert door.count(User) == 2 and door.count(Attendance) == 0
    with qtbot.waitSignal(door.screen.result_shown, timeout=5000) as blocker:
        qtbot.mouseClick(dialog.use_existing_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0].outcome is Outcome.CHECKED_IN
    assert blocker.args[0].patron.id == door.jane_id
    assert door.count(User) == 2


def test_walk_in_cancel_writes_nothing(qtbot, door):
    dialog = _open_walk_in(qtbot, door)
    _fill(qtbot, dialog, first_name="Ann", last_name="Lee", email="ann@example.com")
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: door.screen.walk_in.dialog is None, timeout=2000)
    assert door.count(User) == 2


def test_undo_within_the_window_reverts_row_and_points(qtbot, door):
    scan(qtbot, door, str(door.jane_id))
    assert door.balance(door.jane_id) == 10
    undo = door.screen.undo
    assert door.screen.undo_button.isVisible() and "Jane S." in door.screen.undo_button.text()
    door.clock.advance(45)
    undo.tick()
    assert "(15 s)" in door.screen.undo_button.text()
    qtbot.mouseClick(door.screen.undo_button, Qt.MouseButton.LeftButton)
    assert undo.isVisible() and "Undo the check-in of Jane S.?" in undo.question.text()
    with qtbot.waitSignal(door.screen.result_shown, timeout=5000) as blocker:
        qtbot.mouseClick(undo.yes_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0].outcome is Outcome.UNDONE
    assert door.screen.banner.state is BannerState.INFO
    assert door.attendance(door.jane_id) is None  # a walk-in to the event: no row again
    assert door.balance(door.jane_id) == 0
    assert not door.screen.undo_button.isVisible()


def test_ctrl_z_asks_and_no_keeps_the_check_in(qtbot, door):
    scan(qtbot, door, str(door.jane_id))
    QTest.keySequence(door.screen.input, QKeySequence(QKeySequence.StandardKey.Undo))
    qtbot.waitUntil(door.screen.undo.isVisible, timeout=2000)
    qtbot.mouseClick(door.screen.undo.no_button, Qt.MouseButton.LeftButton)
    assert not door.screen.undo.isVisible()
    assert door.attendance(door.jane_id).attended and door.balance(door.jane_id) == 10


def test_undo_is_no_longer_offered_after_sixty_seconds(qtbot, door):
    scan(qtbot, door, str(door.jane_id))
    door.clock.advance(61)
    door.screen.undo.tick()
    assert not door.screen.undo_button.isVisible()
    QTest.keySequence(door.screen.input, QKeySequence(QKeySequence.StandardKey.Undo))
    assert not door.screen.undo.isVisible()
    assert door.attendance(door.jane_id).attended


def test_undo_window_follows_the_shared_setting(qtbot, worker, sessions):
    with sessions.begin() as session:
        set_setting(session, UNDO_WINDOW_SECONDS, 10)
    door = open_door(qtbot, worker, sessions)
    try:
        qtbot.waitUntil(lambda: door.screen.undo.seconds == 10, timeout=5000)
        scan(qtbot, door, str(door.jane_id))
        assert "(10 s)" in door.screen.undo_button.text()
        door.clock.advance(11)
        door.screen.undo.tick()
        assert not door.screen.undo_button.isVisible()
    finally:
        close_door(door)
