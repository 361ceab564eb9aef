"""The PIN lock survives a restart: a new window at the same station still shows the wait."""

from __future__ import annotations

import time

from app.pin import PinLockState, _write_pin_lock
from db.session import run_in_transaction
from tests.ui.test_kiosk_lock import make_window, open_tab, type_pin  # noqa: F401 (fixture)


def test_a_restarted_kiosk_keeps_the_lock(qtbot, make_window):  # noqa: F811
    window = make_window(kiosk=True)
    lock = window.kiosk_mode.lock
    locked = PinLockState(failures=5, locked_until=time.time() + 600)
    run_in_transaction(
        window.database.sessions,
        lambda s: _write_pin_lock(s, lock.attempts.station, locked),
    )
    dialog = open_tab(qtbot, window, "Admin")
    qtbot.waitUntil(lambda: "Try again in" in dialog.message_label.text(), timeout=5000)
    assert not dialog.ok_button.isEnabled()
    dialog.grab().save("/tmp/cons/pin_locked.png")
