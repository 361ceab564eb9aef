"""The greeter's screen, driven as a greeter does: scan, type, Enter, on both backends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import update

from app.checkin.outcomes import Outcome
from db.models import Attendance, AuditLog, Event, User
from db.types import utcnow
from tests.ui.kiosk_support import STATION, close_door, open_door, scan
from ui.kiosk import CheckInScreen
from ui.kiosk.banner import BannerState


@pytest.fixture
def door(qtbot, worker, sessions):
    door = open_door(qtbot, worker, sessions)
    yield door
    close_door(door)


def test_event_default_and_headcount(qtbot, door):
    assert door.screen.event.id == door.event_id
    assert door.screen.event_combo.currentText().startswith("Sunday Service")
    qtbot.waitUntil(lambda: "0 checked in" in door.screen.headcount_label.text(), timeout=5000)
    assert "100 places left" in door.screen.headcount_label.text()
    assert "test.db" in door.screen.status_line.text and "door-1" in door.screen.status_line.text


def test_scan_checks_in_with_green_welcome(qtbot, door):
    result = scan(qtbot, door, str(door.jane_id).upper())
    assert result.outcome is Outcome.CHECKED_IN
    banner = door.screen.banner
    assert banner.state is BannerState.SUCCESS
    assert banner.title == "Welcome, Jane!"
    assert "Bronze · 10 points" in banner.detail
    assert banner.glyph_label.text() == "✔"  # never colour alone
    row = door.attendance(door.jane_id)
    assert row is not None and row.attended and row.check_in_time is not None
    assert door.screen.input.text() == ""
    qtbot.waitUntil(lambda: "1 checked in" in door.screen.headcount_label.text(), timeout=5000)
    assert "1 inside now" in door.screen.headcount_label.text()


def test_same_scan_within_three_seconds_is_one_scan(qtbot, door, wait_until_idle):
    code = str(door.jane_id)
    scan(qtbot, door, code)
    with qtbot.assertNotEmitted(door.screen.result_shown):
        qtbot.keyClicks(door.screen.input, code)
        qtbot.keyClick(door.screen.input, Qt.Key.Key_Return)
        wait_until_idle(door.worker)  # a check-in the repeat had started would have answered
    assert door.screen.banner.state is BannerState.SUCCESS
    assert door.count(AuditLog) == 1
    door.clock.advance(3.5)
    again = scan(qtbot, door, code)
    assert again.outcome is Outcome.ALREADY_CHECKED_IN


def test_type_a_few_letters_shows_masked_results_and_enter_checks_in(qtbot, door):
    screen = door.screen
    qtbot.keyClicks(screen.input, "jan")
    qtbot.waitUntil(lambda: screen.results_model.rowCount() == 1, timeout=5000)
    texts = [screen.results_model.data(screen.results_model.index(0, 0))]
    assert "Jane S." in texts[0] and "j***@example.com" in texts[0] and "•••• 7890" in texts[0]
    assert "jane@example.com" not in texts[0] and "Smith" not in texts[0]
    assert "123 7890" not in texts[0]
    with qtbot.waitSignal(screen.result_shown, timeout=5000) as blocker:
        qtbot.keyClick(screen.input, Qt.Key.Key_Return)
    assert blocker.args[0].outcome is Outcome.CHECKED_IN
    assert blocker.args[0].patron.id == door.jane_id
    assert door.attendance(door.jane_id).attended
    assert screen.input.text() == "" and not screen.results_view.isVisible()


def test_enter_before_results_arrive_still_checks_in(qtbot, door):
    # A fast typist presses Enter before the debounced search ran.
    result = scan(qtbot, door, "john")
    assert result.outcome is Outcome.CHECKED_IN and result.patron.id == door.john_id


def test_up_down_choose_among_several_matches_and_esc_clears(qtbot, door):
    with door.sessions.begin() as session:
        session.add(User(email="janet@example.com", first_name="Janet", last_name="Jones"))
    screen = door.screen
    qtbot.keyClicks(screen.input, "jan")
    qtbot.waitUntil(lambda: screen.results_model.rowCount() == 2, timeout=5000)
    with qtbot.waitSignal(screen.message_shown, timeout=5000) as blocker:
        qtbot.keyClick(screen.input, Qt.Key.Key_Return)
    assert blocker.args[0] == "2 people match “jan”"
    assert door.count(Attendance) == 0
    qtbot.keyClick(screen.input, Qt.Key.Key_Down)
    qtbot.keyClick(screen.input, Qt.Key.Key_Down)
    chosen = screen.results_model.cards[1]
    with qtbot.waitSignal(screen.result_shown, timeout=5000) as blocker:
        qtbot.keyClick(screen.input, Qt.Key.Key_Return)
    assert blocker.args[0].patron.id == chosen.id
    qtbot.keyClicks(screen.input, "zz")
    qtbot.keyClick(screen.input, Qt.Key.Key_Escape)
    assert screen.input.text() == "" and screen.results_model.rowCount() == 0


def test_unknown_code_is_red_in_plain_words(qtbot, door):
    result = scan(qtbot, door, "0f3c2a9e-6b1d-4c8e-9a47-5d2e8b1f7c30")
    assert result.outcome is Outcome.NOT_FOUND
    assert door.screen.banner.state is BannerState.REFUSAL
    assert door.screen.banner.title == "No one found for this code"
    assert door.screen.banner.glyph_label.text() == "✖"


def test_already_checked_in_is_amber_with_the_first_time(qtbot, door):
    first = utcnow() - timedelta(minutes=25)
    with door.sessions.begin() as session:
        session.add(
            Attendance(
                event_id=door.event_id, patron_id=door.jane_id, attended=True, check_in_time=first
            )
        )
    result = scan(qtbot, door, str(door.jane_id))
    assert result.outcome is Outcome.ALREADY_CHECKED_IN
    banner = door.screen.banner
    assert banner.state is BannerState.WARNING and banner.glyph_label.text() == "⚠"
    assert banner.title == f"Jane was already checked in at {first.astimezone():%H:%M}"
    assert door.attendance(door.jane_id).check_in_time == first


def test_full_event_is_red_and_writes_no_row(qtbot, worker, sessions):
    door = open_door(qtbot, worker, sessions, capacity=1)
    try:
        assert scan(qtbot, door, str(door.john_id)).outcome is Outcome.CHECKED_IN
        result = scan(qtbot, door, str(door.jane_id))
        assert result.outcome is Outcome.EVENT_FULL
        assert door.screen.banner.state is BannerState.REFUSAL
        assert "Sunday Service is full" in door.screen.banner.title
        assert door.attendance(door.jane_id) is None
        qtbot.waitUntil(lambda: "Full" in door.screen.headcount_label.text(), timeout=5000)
    finally:
        close_door(door)


def test_closed_event_is_red(qtbot, door):
    # An organizer closes the event while this screen still shows it.
    with door.sessions.begin() as session:
        session.execute(update(Event).where(Event.id == door.event_id).values(status="completed"))
    result = scan(qtbot, door, str(door.jane_id))
    assert result.outcome is Outcome.EVENT_NOT_OPEN
    assert door.screen.banner.state is BannerState.REFUSAL
    assert door.screen.banner.title == "Sunday Service has finished"
    assert door.attendance(door.jane_id) is None


def test_check_out_mode(qtbot, door):
    scan(qtbot, door, str(door.jane_id))
    qtbot.mouseClick(door.screen.checkout_toggle, Qt.MouseButton.LeftButton)
    assert door.screen.checkout_mode
    door.clock.advance(5)
    result = scan(qtbot, door, str(door.jane_id))
    assert result.outcome is Outcome.CHECKED_OUT
    assert door.screen.banner.title == "Goodbye, Jane!"
    assert door.attendance(door.jane_id).check_out_time is not None
    qtbot.waitUntil(lambda: "0 inside now" in door.screen.headcount_label.text(), timeout=5000)


def test_focus_returns_to_the_input_after_clicks(qtbot, door):
    screen = door.screen
    qtbot.mouseClick(screen.checkout_toggle, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.checkout_toggle, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.banner, Qt.MouseButton.LeftButton)
    assert not screen.checkout_toggle.hasFocus()
    qtbot.waitUntil(screen.input.hasFocus, timeout=2000)
    scan(qtbot, door, str(door.jane_id))
    qtbot.waitUntil(screen.input.hasFocus, timeout=2000)
    qtbot.keyClick(screen.input, Qt.Key.Key_Tab)
    assert screen.input.hasFocus()
    # Opening the event list and closing it without a choice: the next scan lands in the input.
    screen.event_combo.setFocus()
    screen.event_combo.showPopup()
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None, timeout=2000)
    screen.event_combo.hidePopup()
    qtbot.waitUntil(screen.input.hasFocus, timeout=2000)


def test_tapping_a_result_checks_that_person_in(qtbot, door):
    screen = door.screen
    qtbot.keyClicks(screen.input, "john")
    qtbot.waitUntil(lambda: screen.results_model.rowCount() == 1, timeout=5000)
    rect = screen.results_view.visualRect(screen.results_model.index(0, 0))
    with qtbot.waitSignal(screen.result_shown, timeout=5000) as blocker:
        qtbot.mouseClick(
            screen.results_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center()
        )
    assert blocker.args[0].patron.id == door.john_id
    qtbot.waitUntil(screen.input.hasFocus, timeout=2000)


def test_another_open_event_can_be_picked(qtbot, door):
    with door.sessions.begin() as session:
        later = Event(
            name="Youth Night",
            status="scheduled",
            start_time=utcnow() + timedelta(hours=1),  # its door is open already
            end_time=utcnow() + timedelta(hours=3),
            location="Hall B",
            capacity=None,
            host_id=door.john_id,
        )
        session.add(later)
    with qtbot.waitSignal(door.screen.events_changed, timeout=5000):
        door.screen.reload_events()
    assert door.screen.event.id == door.event_id  # the running one stays chosen
    door.screen.choose_event(later.id)
    assert door.screen.event_combo.currentText().startswith("Youth Night")
    result = scan(qtbot, door, str(door.jane_id))
    assert result.outcome is Outcome.CHECKED_IN and result.event.name == "Youth Night"


def test_no_open_event_says_so_instead_of_asking_to_pick_one(qtbot, worker):
    screen = CheckInScreen(worker, location="SQLite file test.db", station=STATION)
    qtbot.addWidget(screen)
    try:
        screen.show()
        qtbot.waitUntil(lambda: screen.banner.title == "No event to check in to", timeout=5000)
        assert "Events tab" in screen.banner.detail
    finally:
        screen.stop()
