"""The check-in screen's event picking: which event the greeter checks people in to, kept up
to date as events open, change and close, with its headcount and the banner's ready text.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, SignalInstance
from PySide6.QtWidgets import QWidget

from app.checkin.queries import KioskEvent
from ui.kiosk.banner import BannerState, ResultBanner
from ui.kiosk.controller import KioskController
from ui.kiosk.event_bar import EventBar
from ui.kiosk.undo import UndoPanel

# Type checkers see the mixin as the widget it is mixed into; at run time it is a plain class.
_Widget = QWidget if TYPE_CHECKING else object


class EventPicking(_Widget):
    """Mixed into CheckInScreen; what it uses of the screen is listed here."""

    banner: ResultBanner
    controller: KioskController
    event_bar: EventBar
    undo: UndoPanel
    events_changed: SignalInstance
    events: list[KioskEvent]
    event: KioskEvent | None
    _undo_from_setting: bool
    checkout_mode: bool
    refocus: Callable[[], None]
    _say: Callable[..., None]

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
