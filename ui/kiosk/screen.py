"""The greeter's check-in screen: one always-focused input, a big result banner, nothing else
in the way. It only asks and shows; the rules live in app/checkin/actions.py, reached via the controller.

The screen is put together from one file per concept: its widgets (screen_layout.py), the
event it checks in to (event_picking.py), and the input with its name search (name_search.py).
This file wires them up and shows what the door actions did.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

from app.checkin.outcomes import CheckInResult, Outcome
from app.checkin.queries import KioskEvent
from ui.kiosk.banner import BannerState
from ui.kiosk.controller import KioskController
from ui.kiosk.event_picking import EventPicking
from ui.kiosk.name_search import NameSearch
from ui.kiosk.scan_input import RepeatGuard
from ui.kiosk.screen_layout import ScreenLayout
from ui.kiosk.style import kiosk_style_sheet
from ui.kiosk.texts import banner_for
from ui.kiosk.undo import UndoPanel
from ui.kiosk.walk_in_flow import WalkInFlow
from ui.passes import kiosk_hooks as passes_hooks
from ui.worker import DbWorker

SEARCH_DELAY_MS = 150
REFRESH_MS = 5000


class CheckInScreen(EventPicking, NameSearch, ScreenLayout, QWidget):
    # emitted when a door action's result was put on the banner (a CheckInResult)
    result_shown = Signal(object)
    # emitted when a message that is not a door result was put on the banner (its title)
    message_shown = Signal(str)
    # emitted when the list of events in the picker changed
    events_changed = Signal(list)
    # emitted when the search results on screen changed (the cards shown)
    results_changed = Signal(list)

    def __init__(
        self,
        worker: DbWorker,
        *,
        location: str,
        station: str,
        clock: Callable[[], float] = time.monotonic,
        banner_ms: int = 3000,
        undo_seconds: float | None = None,
        search_delay_ms: int = SEARCH_DELAY_MS,
        refresh_ms: int = REFRESH_MS,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("kioskScreen")
        self.setStyleSheet(kiosk_style_sheet())
        self.controller = KioskController(worker, station, self)
        self.repeat_guard = RepeatGuard(clock=clock)
        self.events: list[KioskEvent] = []
        self.event: KioskEvent | None = None
        self._results_query: str | None = None
        self._enter_pending = False
        self._build(location, station, banner_ms)
        # None: follow the shared `undo_window_seconds` setting (read with the events).
        self.undo = UndoPanel(self, clock=clock, seconds=undo_seconds or 60.0)
        self._undo_from_setting = undo_seconds is None
        self.undo.confirmed.connect(self._on_undo_confirmed)
        self.undo.closed.connect(self.refocus)
        self.layout().insertWidget(self.layout().indexOf(self.actions_row_widget) + 1, self.undo)
        self.undo_button = self.undo.button
        self.actions_row.insertWidget(2, self.undo.button)
        self.walk_in = WalkInFlow(self, self.controller)
        self.walk_in.finished.connect(self.refocus)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(search_delay_ms)
        self._search_timer.timeout.connect(self._on_search_timer_timeout)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setInterval(refresh_ms)
        self._refresh_timer.timeout.connect(self._on_refresh_timer_timeout)
        self._refresh_timer.start()

        c = self.controller
        c.events_loaded.connect(self._on_controller_events_loaded)
        c.undo_window_loaded.connect(self._on_controller_undo_window_loaded)
        c.events_failed.connect(self._on_controller_events_failed)
        c.headcount_loaded.connect(self._on_controller_headcount_loaded)
        c.search_finished.connect(self._on_controller_search_finished)
        c.search_failed.connect(self._on_controller_search_failed)
        c.action_finished.connect(self._on_controller_action_finished)
        c.action_failed.connect(self._on_controller_action_failed)
        c.reachability_changed.connect(self._on_controller_reachability_changed)
        QShortcut(QKeySequence.StandardKey.Undo, self, self._on_input_undo_requested)
        passes_hooks.attach(self, worker, station)  # issue 13: camera button, badges
        self.banner.set_ready_text("Loading events…")
        c.load_events()

    # -- scans from elsewhere, closing ----------------------------------------------------------

    def submit_scan(self, text: str) -> None:
        """A code from another scanner (the camera): the same path as a scan and Enter."""
        self.input.setText(text)
        self._on_input_return_pressed()

    def stop(self) -> None:
        """Stop the timers before the database worker shuts down (the window is closing)."""
        self.badge_printer.close()
        self._refresh_timer.stop()
        self._search_timer.stop()
        self.undo.clear()
        self.controller.stop()

    # -- focus ------------------------------------------------------------------------------------

    def refocus(self) -> None:
        """Back to the input, whatever was clicked: the next scan must land there."""
        if self.isVisible() and not self.walk_in.is_open:
            self.input.setFocus(Qt.FocusReason.OtherFocusReason)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self, self.refocus)  # cancelled if the screen is gone

    # -- results of actions -----------------------------------------------------------------------

    def _on_controller_action_finished(self, result: CheckInResult) -> None:
        text = banner_for(result)
        self.banner.show_result(text.state, text.title, text.detail)
        if result.outcome is Outcome.CHECKED_IN and result.patron and result.event:
            self.undo.offer(result.event.id, result.patron)
        elif result.outcome is Outcome.UNDONE:
            self.undo.clear()
        if self.event is not None:
            self.controller.refresh_headcount(self.event.id)
        self.result_shown.emit(result)
        self.refocus()

    def _on_controller_action_failed(self, message: str) -> None:
        self._say(BannerState.REFUSAL, "Not recorded", message, sticky=False)

    def _say(self, state: BannerState, title: str, detail: str = "", *, sticky=False) -> None:
        self.banner.show_result(state, title, detail, sticky=sticky)
        self.message_shown.emit(title)
        self.refocus()
        if state is BannerState.REFUSAL:
            # What was typed stays to be corrected, but selected: the next scan replaces it
            # instead of being appended to it.
            self.input.selectAll()

    def _on_controller_reachability_changed(self, reachable: bool, reason: str) -> None:
        self.status_line.set_connected(reachable, reason)
        if not reachable:
            self.banner.set_ready_text(
                "Cannot reach the database", "Retrying every few seconds. Check-ins wait."
            )
        else:
            self._update_ready_text()
            if not self.events:
                self.controller.load_events()

    # -- modes, walk-in, undo ---------------------------------------------------------------------

    @property
    def checkout_mode(self) -> bool:
        return self.checkout_toggle.isChecked()

    def _on_checkout_toggle_toggled(self, on: bool) -> None:
        self.checkout_toggle.setText("⇄ Check-out mode: ON" if on else "⇄ Check-out mode")
        self.walk_in_button.setEnabled(not on)
        self.setProperty("checkout", on)
        self.checkout_band.setVisible(on)
        self._update_ready_text()
        self.banner.show_ready()
        self.refocus()

    def _on_walk_in_button_clicked(self) -> None:
        if self.event is None:
            self._say(BannerState.REFUSAL, "Choose an event first", "Pick it in the list above.")
            return
        self.walk_in.start(self.event.id)

    def _on_input_undo_requested(self) -> None:
        self.undo.ask()

    def _on_undo_confirmed(self, event_id: uuid.UUID, patron_id: uuid.UUID) -> None:
        self.banner.show_busy("Undoing…")
        self.controller.undo(event_id, patron_id)
        self.refocus()
