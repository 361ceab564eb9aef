"""Pick a person by typing part of a name or email (never a raw id): used for the host and for
a supervisor's manual check-in."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from app.events import HostChoice, find_hosts
from app.search import MIN_QUERY_LENGTH
from ui.operations import Policy
from ui.worker import DbWorker

SEARCH_DELAY_MS = 200
TOO_SHORT = f"Type at least {MIN_QUERY_LENGTH} letters of a name or email."


class PersonPicker(QWidget):
    # emitted when a person was chosen (a HostChoice) or the choice was cleared (None)
    person_changed = Signal(object)
    # emitted when a search came back (its number of matches), mostly for tests
    matches_shown = Signal(int)

    def __init__(self, worker: DbWorker, placeholder: str, parent: QWidget | None = None):
        super().__init__(parent)
        self._worker = worker
        self._chosen: HostChoice | None = None
        self.search = QLineEdit()
        self.search.setPlaceholderText(placeholder)
        self.search.setAccessibleName(placeholder)
        self.search.setClearButtonEnabled(True)
        self.matches = QListWidget()
        self.matches.setAccessibleName("Matching people")
        self.matches.setMaximumHeight(110)
        self.matches.setVisible(False)
        self.hint = QLabel("")
        self.hint.setObjectName("pickerHint")
        self.hint.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.matches)
        layout.addWidget(self.hint)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.search.textEdited.connect(self._on_search_edited)
        self.search.returnPressed.connect(self._on_search_return)
        self.matches.itemActivated.connect(self._on_match_chosen)
        self.matches.itemClicked.connect(self._on_match_chosen)

    def hideEvent(self, event) -> None:
        self._timer.stop()  # a closed dialog must not search any more
        super().hideEvent(event)

    def _hint(self, text: str) -> None:
        self.hint.setText(text)
        self.hint.setVisible(bool(text))

    @property
    def chosen(self) -> HostChoice | None:
        return self._chosen

    def set_chosen(self, person: HostChoice | None) -> None:
        self._chosen = person
        self.search.setText(person.label if person else "")
        self.matches.clear()
        self.matches.setVisible(False)
        self._hint("")
        self.person_changed.emit(person)

    def _on_search_edited(self, _text: str) -> None:
        if self._chosen is not None:
            self._chosen = None
            self.person_changed.emit(None)
        self._timer.start()

    def _on_timer_timeout(self) -> None:
        query = self.search.text().strip()
        if len(query) < MIN_QUERY_LENGTH:
            self._worker.cancel(self, "search")  # an answer on its way is stale
            self.matches.clear()
            self.matches.setVisible(False)
            self._hint(TOO_SHORT if query else "")
            return
        self._worker.run(
            self,
            lambda s: find_hosts(s, query, limit=20),
            self._on_matches_found,
            lambda _err: self._hint("Search failed; see the connection status."),
            write=False,
            key="search",
            policy=Policy.LATEST_ONLY,  # a newer search supersedes it
        )

    def _on_matches_found(self, found) -> None:
        if not isinstance(found, list):
            return
        self.matches.clear()
        for person in found:
            item = QListWidgetItem(person.label)
            item.setData(Qt.ItemDataRole.UserRole, person)
            self.matches.addItem(item)
        self.matches.setVisible(bool(found))
        self._hint("" if found else "Nobody matches; check the spelling.")
        if found:
            self.matches.setCurrentRow(0)
        self.matches_shown.emit(len(found))

    def _on_search_return(self) -> None:
        item = self.matches.currentItem()
        if item is not None and self.matches.isVisible():
            self._on_match_chosen(item)

    def _on_match_chosen(self, item: QListWidgetItem) -> None:
        self.set_chosen(item.data(Qt.ItemDataRole.UserRole))
