"""The top of the check-in screen: which event, when and where, and the live headcount."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.checkin.queries import Headcount, KioskEvent
from ui.elided_label import ElidedLabel
from ui.kiosk.texts import event_choice_label, event_line


class EventCombo(QComboBox):
    # emitted when the list closed, picked or not (the screen takes the focus back)
    popup_hidden = Signal()

    def hidePopup(self) -> None:
        super().hidePopup()
        self.popup_hidden.emit()


class EventBar(QWidget):
    # emitted when the greeter picked an event in the list (KioskEvent)
    event_picked = Signal(object)
    # emitted when the event list closed: the next scan must not land in the picker
    done = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.events: list[KioskEvent] = []
        self.combo = EventCombo()
        self.combo.setObjectName("kioskEventPicker")
        self.combo.setAccessibleName("Event")
        self.combo.setPlaceholderText("Choose an event")
        self.combo.setMinimumContentsLength(18)
        self.combo.activated.connect(self._on_combo_activated)
        self.combo.popup_hidden.connect(self.done)
        self.details = ElidedLabel("", elide=Qt.TextElideMode.ElideRight)
        self.details.setObjectName("kioskEventDetails")
        self.headcount = QLabel("")
        self.headcount.setObjectName("kioskHeadcount")
        self.headcount.setAccessibleName("Headcount")
        self.headcount.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        # The picker gets the whole width (long names stay readable on a 1024-pixel screen); when,
        # where and the headcount share the line below.
        below = QHBoxLayout()
        below.addWidget(self.details, 1)
        below.addWidget(self.headcount)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo)
        layout.addLayout(below)

    def set_events(self, events: list[KioskEvent]) -> None:
        """Today's events first, then (after a line) the other open ones organizers may pick.
        The same list again (the live refresh, every few seconds) leaves the picker alone, so
        an open list does not flicker or lose the greeter's place."""
        if list(events) == self.events and self.combo.count():
            return
        self.events = list(events)
        self.combo.blockSignals(True)
        self.combo.clear()
        for i, event in enumerate(events):
            if i > 0 and events[i - 1].today and not event.today:
                self.combo.insertSeparator(self.combo.count())
            self.combo.addItem(event_choice_label(event), str(event.id))
        self.combo.blockSignals(False)

    def show_event(self, event: KioskEvent | None) -> None:
        self.combo.setCurrentIndex(self.combo.findData(str(event.id)) if event else -1)
        self.headcount.clear()
        if event is not None:
            self.details.setText(event_line(event))
        elif self.events:
            self.details.setText("No event today. Choose one above.")
        else:
            self.details.setText("No open events. An organizer can publish one in Events.")

    def show_headcount(self, count: Headcount) -> None:
        self.headcount.setText(count.summary())
        self.headcount.setAccessibleDescription(count.summary())

    def _on_combo_activated(self, index: int) -> None:
        event_id = self.combo.itemData(index)
        picked = next((e for e in self.events if str(e.id) == event_id), None)
        if picked is not None:
            self.event_picked.emit(picked)
