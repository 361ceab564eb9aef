"""Keyboard first at the door (issue 10): refusals leave the input ready for the next scan,
Enter/Esc answer the undo question, walk-in messages follow the fields."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest

from app.checkin.outcomes import Outcome
from tests.ui.kiosk_support import close_door, open_door, scan
from ui.kiosk.banner import BannerState


@pytest.fixture
def door(qtbot, worker, sessions):
    door = open_door(qtbot, worker, sessions)
    yield door
    close_door(door)


def test_a_not_found_name_is_selected_so_the_next_scan_replaces_it(qtbot, door):
    screen = door.screen
    with qtbot.waitSignal(screen.message_shown, timeout=5000):
        qtbot.keyClicks(screen.input, "zzqx")
        qtbot.keyClick(screen.input, Qt.Key.Key_Return)
    assert screen.banner.state is BannerState.REFUSAL
    assert screen.input.selectedText() == "zzqx"
    # The scanner's next keystrokes replace the old text instead of being appended.
    result = scan(qtbot, door, str(door.jane_id))
    assert result.outcome is Outcome.CHECKED_IN


def test_enter_confirms_the_undo_question_and_esc_cancels_it(qtbot, door):
    screen = door.screen
    scan(qtbot, door, str(door.jane_id))
    QTest.keySequence(screen.input, QKeySequence(QKeySequence.StandardKey.Undo))
    qtbot.waitUntil(screen.undo.isVisible, timeout=2000)
    qtbot.keyClick(screen.input, Qt.Key.Key_Escape)
    assert not screen.undo.isVisible()
    assert door.attendance(door.jane_id).attended
    QTest.keySequence(screen.input, QKeySequence(QKeySequence.StandardKey.Undo))
    qtbot.waitUntil(screen.undo.isVisible, timeout=2000)
    with qtbot.waitSignal(screen.result_shown, timeout=5000) as blocker:
        qtbot.keyClick(screen.input, Qt.Key.Key_Return)
    assert blocker.args[0].outcome is Outcome.UNDONE


def test_enter_confirms_the_undo_question_after_a_refusal_left_its_text(qtbot, door):
    """Found at the door under Xvfb: a refused name stays selected in the field, and Enter
    searched it again instead of answering the question that says "Enter: yes"."""
    screen = door.screen
    scan(qtbot, door, str(door.jane_id))
    with qtbot.waitSignal(screen.message_shown, timeout=5000):
        qtbot.keyClicks(screen.input, "zzqx")
        qtbot.keyClick(screen.input, Qt.Key.Key_Return)
    assert screen.input.selectedText() == "zzqx"
    QTest.keySequence(screen.input, QKeySequence(QKeySequence.StandardKey.Undo))
    qtbot.waitUntil(screen.undo.isVisible, timeout=2000)
    with qtbot.waitSignal(screen.result_shown, timeout=5000) as blocker:
        qtbot.keyClick(screen.input, Qt.Key.Key_Return)
    assert blocker.args[0].outcome is Outcome.UNDONE
    assert screen.input.text() == ""


def test_walk_in_focus_goes_to_the_first_bad_field_and_messages_go_when_fixed(qtbot, door):
    with qtbot.waitSignal(door.screen.walk_in.opened, timeout=2000) as blocker:
        qtbot.mouseClick(door.screen.walk_in_button, Qt.MouseButton.LeftButton)
    dialog = blocker.args[0]
    qtbot.keyClicks(dialog.edits["first_name"], "Maria")
    qtbot.keyClicks(dialog.edits["email"], "maria@")
    qtbot.keyClicks(dialog.edits["phone"], "12")
    qtbot.mouseClick(dialog.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.error_labels["email"].isHidden(), timeout=5000)
    assert not dialog.error_labels["last_name"].isHidden()
    assert dialog.edits["last_name"].hasFocus()  # the first field in error, top to bottom
    qtbot.keyClicks(dialog.edits["email"], "example.org")
    assert dialog.error_labels["email"].isHidden()
    assert not dialog.error_labels["phone"].isHidden()
    assert not dialog.error_labels["last_name"].isHidden()
    qtbot.keyClicks(dialog.edits["last_name"], "Lopez")
    assert dialog.error_labels["last_name"].isHidden()
    dialog.reject()


def test_check_out_mode_shows_on_the_screen_itself(qtbot, door):
    screen = door.screen
    assert screen.checkout_band.isHidden()
    qtbot.mouseClick(screen.checkout_toggle, Qt.MouseButton.LeftButton)
    assert screen.checkout_band.isVisible() and "CHECK-OUT" in screen.checkout_band.text()
    assert screen.banner.title.startswith("Check-out: scan a pass")
    screen.grab().save("/tmp/door_checkout.png")
    qtbot.mouseClick(screen.checkout_toggle, Qt.MouseButton.LeftButton)
    assert screen.checkout_band.isHidden()
    assert screen.banner.title.startswith("Ready")
