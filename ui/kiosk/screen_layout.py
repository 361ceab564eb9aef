"""The check-in screen's widgets and where they sit: checkout band, event bar, input, results,
banner, action buttons and status line, top to bottom.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.kiosk.banner import ResultBanner
from ui.kiosk.event_bar import EventBar
from ui.kiosk.results_model import PatronResultsModel
from ui.kiosk.scan_input import ScanInput
from ui.kiosk.status_line import StatusLine

# Type checkers see the mixin as the widget it is mixed into; at run time it is a plain class.
_Widget = QWidget if TYPE_CHECKING else object


def kiosk_button(text: str, name: str, *, checkable: bool = False) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(text)
    button.setCheckable(checkable)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a click must not take focus from the input
    return button


class ScreenLayout(_Widget):
    """Builds the screen's widgets; CheckInScreen provides the `_on_…` slots they connect to."""

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

        self.checkout_toggle = kiosk_button(
            "⇄ Check-out mode", "kioskCheckoutToggle", checkable=True
        )
        self.checkout_toggle.toggled.connect(self._on_checkout_toggle_toggled)
        self.walk_in_button = kiosk_button("+ Walk-in", "kioskWalkInButton")
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
