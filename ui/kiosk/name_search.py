"""The check-in screen's input: a scanned code acts at once; typed text searches people by name
(after a short pause), and Enter acts on the one match, the chosen match, or says why not.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QTimer, SignalInstance
from PySide6.QtWidgets import QListView, QWidget

from app.checkin.queries import KioskEvent, PatronCard
from app.search import MIN_QUERY_LENGTH
from ui.kiosk.banner import BannerState, ResultBanner
from ui.kiosk.controller import KioskController
from ui.kiosk.results_model import PatronResultsModel
from ui.kiosk.scan_input import RepeatGuard, ScanInput, scan_code
from ui.kiosk.undo import UndoPanel

# Type checkers see the mixin as the widget it is mixed into; at run time it is a plain class.
_Widget = QWidget if TYPE_CHECKING else object


class NameSearch(_Widget):
    """Mixed into CheckInScreen; what it uses of the screen is listed here."""

    banner: ResultBanner
    controller: KioskController
    input: ScanInput
    repeat_guard: RepeatGuard
    results_model: PatronResultsModel
    results_view: QListView
    results_changed: SignalInstance
    undo: UndoPanel
    event: KioskEvent | None
    checkout_mode: bool
    _results_query: str | None
    _enter_pending: bool
    _search_timer: QTimer
    refocus: Callable[[], None]
    _say: Callable[..., None]

    def _on_input_text_changed(self, text: str) -> None:
        self._enter_pending = False
        query = text.strip()
        if scan_code(query) is not None or len(query) < MIN_QUERY_LENGTH:
            self._search_timer.stop()
            self.controller.cancel_search()
            self._show_results(None, [])
            return
        self._search_timer.start()

    def _on_search_timer_timeout(self) -> None:
        query = self.input.text().strip()
        if len(query) >= MIN_QUERY_LENGTH:
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
        if len(text) < MIN_QUERY_LENGTH:
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
