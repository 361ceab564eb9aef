"""The check-in screen with issue 13: pass codes scan like ids, the camera path feeds the same
scanner path (debounce, banners), badges print after a check-in and a failed one can be
reprinted while the check-in stands."""

from __future__ import annotations

import io

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from app.checkin.outcomes import Outcome
from app.passes.png import pass_png
from app.passes.store import current_pass
from db.models import AuditLog
from tests.app.passes.rasterize import pdf_text
from tests.ui.kiosk_support import close_door, open_door, scan
from ui.kiosk.banner import BannerState
from ui.passes.badge_printer import BadgeConfig
from ui.passes.camera import add_camera_button
from ui.passes.frame_decoder import FrameDecoder


@pytest.fixture
def door(qtbot, worker, sessions):
    door = open_door(qtbot, worker, sessions)
    with sessions.begin() as session:
        from app.checkin.identify import identify

        door.jane_code = current_pass(session, identify(session, door.jane_id)).code
    yield door
    close_door(door)


def test_a_pass_code_scans_like_an_id(qtbot, door):
    result = scan(qtbot, door, door.jane_code.lower())
    assert result.outcome is Outcome.CHECKED_IN and door.screen.banner.title == "Welcome, Jane!"
    assert door.screen.results_view.isHidden()  # never treated as a typed name


def test_the_camera_feeds_the_scanner_path_with_its_debounce(qtbot, door):
    assert door.screen.camera_button is None  # no camera in tests: no button
    buffer = io.BytesIO()
    pass_png(door.jane_code, buffer)
    frame = QImage.fromData(buffer.getvalue())
    decoder = FrameDecoder()
    decoder.code_read.connect(door.screen.submit_scan)
    with qtbot.waitSignal(door.screen.result_shown, timeout=5000) as shown:
        assert decoder.offer(frame)
    assert shown.args[0].outcome is Outcome.CHECKED_IN
    # the camera sees the pass again a moment later: the 3 s guard makes it one scan
    with qtbot.waitSignal(decoder.code_read, timeout=5000):
        decoder.offer(frame)
    assert door.count(AuditLog) == 1
    decoder.close()


def test_a_camera_button_appears_when_a_camera_exists(qtbot, door):
    row = door.screen.actions_row
    button = add_camera_button(row, door.screen.submit_scan, door.screen, lambda: ["webcam"])
    assert button is not None and button.text().endswith("Camera") and row.indexOf(button) >= 0
    assert add_camera_button(row, door.screen.submit_scan, door.screen, lambda: []) is None


def test_a_badge_prints_to_the_folder_and_a_failure_can_be_reprinted(qtbot, door, tmp_path):
    printer = door.screen.badge_printer
    missing = tmp_path / "badges"
    printer.config = BadgeConfig(enabled=True, pdf_folder=str(missing))
    with qtbot.waitSignal(printer.badge_failed, timeout=5000):
        result = scan(qtbot, door, str(door.jane_id))
    assert result.outcome is Outcome.CHECKED_IN and door.attendance(door.jane_id).attended
    assert door.screen.banner.state is BannerState.SUCCESS  # the check-in stands
    warning = door.screen.badge_warning
    assert warning.isVisible() and "Badge not printed" in warning.label.text()
    door.screen.grab().save(str(tmp_path / "warning.png"))

    missing.mkdir()
    with qtbot.waitSignal(printer.badge_printed, timeout=5000) as printed:
        qtbot.mouseClick(warning.reprint_button, Qt.MouseButton.LeftButton)
    assert not warning.isVisible()
    text = pdf_text(printed.args[0])
    assert "Jane" in text and "Smith" in text and "Sunday Service" in text


def test_no_badge_when_printing_is_off_or_the_scan_is_refused(qtbot, door, wait_until_idle):
    printer = door.screen.badge_printer
    assert not printer.config.enabled  # the station default
    with qtbot.assertNotEmitted(printer.badge_printed):
        scan(qtbot, door, str(door.jane_id))
        wait_until_idle(door.worker)  # a badge page asked for by the scan would be made by now
    assert printer.last_page is None  # none was made, so none is printing either


def test_after_a_check_in_the_greeter_can_show_the_pass(qtbot, door, tmp_path):
    button = door.screen.pass_button
    assert not button.isVisible()
    scan(qtbot, door, str(door.jane_id))
    assert button.isVisible() and button.text() == "Pass for Jane…"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = button.dialog
    qtbot.waitUntil(lambda: dialog.info is not None, timeout=5000)
    assert dialog.info.code == door.jane_code
    dialog.close()
    scan(qtbot, door, "CP-00000-00000")
    assert not button.isVisible()
