"""The greeter's check-in screen: one always-focused input, a big result banner, nothing else
in the way. It only asks and shows; the rules live in app/checkin/actions.py, reached via the controller.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.checkin.outcomes import CheckInResult, Outcome
from app.checkin.queries import KioskEvent, PatronCard
from ui.kiosk.banner import BannerState, ResultBanner
from ui.kiosk.controller import KioskController
from ui.kiosk.event_bar import EventBar
from ui.kiosk.results_model import PatronResultsModel
from ui.kiosk.scan_input import RepeatGuard, ScanInput, scan_code
from ui.kiosk.status_line import StatusLine
from ui.kiosk.style import kiosk_style_sheet
from ui.kiosk.texts import banner_for
from ui.kiosk.undo import UndoPanel
from ui.kiosk.walk_in_flow import WalkInFlow
from ui.passes import kiosk_hooks as passes_hooks
from ui.worker import DbWorker

SEARCH_DELAY_MS = 150
REFRESH_MS = 5000


def _button(text: str, name: str, *, checkable: bool = False) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(text)
    button.setCheckable(checkable)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a click must not take focus from the input
    return button


class CheckInScreen(QWidget):
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

        # NOTE: no keyword properties in Qt constructors: PySide6 6.12 miscounts references
        # to them (True/None) and the interpreter aborts at exit.
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

    # -- layout -----------------------------------------------------------------------------------

    def _build(self, location: str, station: str, banner_ms: int) -> None:
        self.event_bar = EventBar()
        self.event_bar.event_picked.connect(self._on_event_bar_event_picked)
        self.event_bar.done.connect(self._on_event_bar_done)
        self.event_combo = self.event_bar.combo
        self.headcount_label = self.event_bar.headcount

        self.input = ScanInput()
        self.input.textChanged.connect(self._on_input_text_changed)
        self.input.returnPressed.connect(self._on_input_return_pressed)
        self.input.selection_moved.connect(self._on_input_selection_moved)
        self.input.cleared.connect(self._on_input_cleared)
        self.input.undo_requested.connect(self._on_input_undo_requested)

        self.results_model = PatronResultsModel(self)
        self.results_view = QListView()
        self.results_view.setObjectName("kioskResults")
        self.results_view.setAccessibleName("Matching people")
        self.results_view.setModel(self.results_model)
        self.results_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.results_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results_view.setUniformItemSizes(True)
        self.results_view.clicked.connect(self._on_results_view_clicked)
        self.results_view.setVisible(False)

        self.banner = ResultBanner(show_ms=banner_ms)
        self.banner.returned_to_ready.connect(self.refocus)

        self.checkout_toggle = _button("⇄ Check-out mode", "kioskCheckoutToggle", checkable=True)
        self.checkout_toggle.toggled.connect(self._on_checkout_toggle_toggled)
        self.walk_in_button = _button("+ Walk-in", "kioskWalkInButton")
        self.walk_in_button.clicked.connect(self._on_walk_in_button_clicked)
        self.actions_row_widget = QWidget()
        self.actions_row = QHBoxLayout(self.actions_row_widget)
        self.actions_row.setContentsMargins(0, 0, 0, 0)
        self.actions_row.addWidget(self.checkout_toggle)
        self.actions_row.addWidget(self.walk_in_button)
        self.actions_row.addStretch(1)

        self.status_line = StatusLine(location, station)

        # Check-out mode must be visible on the screen itself, not only on its button: a
        # greeter coming back to the desk would otherwise check people out by mistake.
        self.checkout_band = QLabel("CHECK-OUT MODE · scans check people OUT")
        self.checkout_band.setObjectName("kioskCheckoutBand")
        self.checkout_band.setAccessibleName("Check-out mode is on")
        self.checkout_band.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.checkout_band.setStyleSheet(
            "background: #b45309; color: white; font-weight: bold; padding: 6px;"
        )
        self.checkout_band.setVisible(False)

        layout = QVBoxLayout(self)
        layout.addWidget(self.checkout_band)
        layout.addWidget(self.event_bar)
        layout.addWidget(self.input)
        layout.addWidget(self.results_view)
        layout.addWidget(self.banner, 1)
        layout.addWidget(self.actions_row_widget)
        layout.addWidget(self.status_line)

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

    # -- events and headcount ---------------------------------------------------------------------

    def _on_controller_events_loaded(self, events: list, default) -> None:
        # Loaded every few seconds (the live picker): the greeter's event is kept, in its
        # latest form (an organizer may have renamed or moved it), unless it left the door.
        previous = self.event
        kept = next((e for e in events if previous and e.id == previous.id), None)
        changed = events != self.events
        self.events = events
        self.event_bar.set_events(events)
        if previous is not None and kept is None:
            self._choose_event(None)
            self._say(
                BannerState.REFUSAL,
                f"{previous.name} is closed at the door",
                "It was closed, cancelled or moved. Choose an event in the list above.",
                sticky=True,
            )
        elif kept is not None:
            if kept != previous:
                self._choose_event(kept)
        else:
            self._choose_event(default)
        if changed:
            self.events_changed.emit(events)

    def _on_controller_undo_window_loaded(self, seconds: int) -> None:
        if self._undo_from_setting:
            self.undo.seconds = float(seconds)

    def reload_events(self, *_args) -> None:
        """Ask for the open events again (after demo data was loaded, or an organizer's edit)."""
        self.controller.load_events()

    def _on_controller_events_failed(self, message: str) -> None:
        self.banner.set_ready_text("Waiting for the database…", message)

    def _on_event_bar_done(self) -> None:
        # The list was a popup window; take activation back so the next scan reaches the input.
        self.window().activateWindow()
        QTimer.singleShot(0, self, self.refocus)  # cancelled if the screen is gone

    def _on_event_bar_event_picked(self, event: KioskEvent) -> None:
        self._choose_event(event)
        self.refocus()

    def choose_event(self, event_id: uuid.UUID) -> None:
        """Select an event by id (organizers' choice; tests use it too)."""
        self._choose_event(next((e for e in self.events if e.id == event_id), None))

    def _choose_event(self, event: KioskEvent | None) -> None:
        self.event = event
        self.event_bar.show_event(event)
        if event is not None:
            self.controller.refresh_headcount(event.id)
        self._update_ready_text()

    def _on_controller_headcount_loaded(self, event_id, count) -> None:
        if self.event is not None and event_id == self.event.id:
            self.event_bar.show_headcount(count)

    def _on_refresh_timer_timeout(self) -> None:
        # Every tick: events published, started, closed or edited anywhere (the Events tab,
        # another station, the web service) reach the picker within REFRESH_MS.
        self.controller.load_events()
        if self.event is not None:
            self.controller.refresh_headcount(self.event.id)

    def _update_ready_text(self) -> None:
        if self.event is None and not self.events:
            self.banner.set_ready_text(
                "No event to check in to", "An organizer can publish one in the Events tab."
            )
        elif self.event is None:
            self.banner.set_ready_text(
                "Choose an event", "Pick the event in the list above to start."
            )
        elif self.checkout_mode:
            self.banner.set_ready_text(
                "Check-out: scan a pass to check someone out", f"Leaving {self.event.name}"
            )
        else:
            self.banner.set_ready_text("Ready: scan a pass or type a name", self.event.name)

    # -- typing and searching ---------------------------------------------------------------------

    def _on_input_text_changed(self, text: str) -> None:
        self._enter_pending = False
        query = text.strip()
        if scan_code(query) is not None or len(query) < 2:
            self._search_timer.stop()
            self.controller.cancel_search()
            self._show_results(None, [])
            return
        self._search_timer.start()

    def _on_search_timer_timeout(self) -> None:
        query = self.input.text().strip()
        if len(query) >= 2:
            self.controller.search(query)

    def _on_controller_search_finished(self, query: str, cards: list) -> None:
        if query != self.input.text().strip():
            return  # typed on since; a newer search is coming
        self._show_results(query, cards)
        if self._enter_pending:
            self._enter_pending = False
            self._act_on_results(query)

    def _on_controller_search_failed(self, query: str, message: str) -> None:
        if query != self.input.text().strip():
            return
        self._show_results(None, [])
        if self._enter_pending:
            self._enter_pending = False
            self._say(BannerState.REFUSAL, "Search did not run", message)

    def _show_results(self, query: str | None, cards: list[PatronCard]) -> None:
        self._results_query = query
        self.results_model.set_cards(cards)
        self.results_view.setVisible(bool(cards))
        if len(cards) == 1:
            self._select_row(0)
        self.results_changed.emit(cards)

    def _selected_card(self) -> PatronCard | None:
        rows = self.results_view.selectionModel().selectedRows()
        return self.results_model.card_at(rows[0].row()) if rows else None

    def _select_row(self, row: int) -> None:
        index = self.results_model.index(row, 0)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        self.results_view.selectionModel().setCurrentIndex(index, flags)
        self.results_view.scrollTo(index)

    def _on_input_selection_moved(self, step: int) -> None:
        count = self.results_model.rowCount()
        if not count:
            return
        current = self.results_view.selectionModel().currentIndex()
        row = current.row() + step if current.isValid() else (0 if step > 0 else count - 1)
        self._select_row(max(0, min(count - 1, row)))

    def _on_input_cleared(self) -> None:
        self._search_timer.stop()
        self.controller.cancel_search()
        self._show_results(None, [])
        self.undo.hide_confirmation()
        self.banner.show_ready()

    def _on_results_view_clicked(self, index) -> None:
        card = self.results_model.card_at(index.row())
        if card is not None:
            self._act(card.id, "search")
        self.refocus()

    # -- Enter ------------------------------------------------------------------------------------

    def _on_input_return_pressed(self) -> None:
        text = self.input.text().strip()
        # Enter confirms the undo question (Esc cancels it), also when the field still holds the
        # last refused text, selected so that a new scan replaces it: that text is not a new scan.
        leftover = self.input.hasSelectedText() and self.input.selectedText() == self.input.text()
        if self.undo.is_asking() and (not text or leftover):
            self.input.clear()
            self.undo.confirm()
            return
        if not text:
            return
        code = scan_code(text)
        if code is not None:
            self._search_timer.stop()
            self.controller.cancel_search()
            self.input.clear()
            if not self.repeat_guard.is_repeat(code):
                self._act(code, "scan")
            return
        if len(text) < 2:
            self._say(BannerState.INFO, "Type at least 2 letters", "Or scan a pass.")
            return
        if self._results_query == text:
            self._act_on_results(text)
            return
        self._enter_pending = True  # act when this text's results arrive
        self._search_timer.stop()
        self.controller.search(text)

    def _act_on_results(self, text: str) -> None:
        cards = self.results_model.cards
        card = self._selected_card() or (cards[0] if len(cards) == 1 else None)
        if card is not None:
            self._act(card.id, "search")
        elif cards:
            self._say(
                BannerState.INFO,
                f"{len(cards)} people match “{text}”",
                "Choose one with ↑ ↓ and press Enter, or tap the name.",
            )
        elif "@" in text:
            self._act(text, "scan")  # an exact email works like a pass
        else:
            self._say(
                BannerState.REFUSAL,
                f"No one found for “{text}”",
                "Check the spelling, or add them as a walk-in.",
            )

    def _act(self, who: str | uuid.UUID, method: str) -> None:
        if self.event is None:
            self._say(BannerState.REFUSAL, "Choose an event first", "Pick it in the list above.")
            return
        self.input.clear()
        if self.checkout_mode:
            self.banner.show_busy("Checking out…")
            self.controller.check_out(self.event.id, who, method=method)
        else:
            self.banner.show_busy("Checking in…")
            self.controller.check_in(self.event.id, who, method=method)
        self.refocus()

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
