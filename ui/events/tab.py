"""The Events tab: the event list with filters on the left; the selected event's status
actions, live figures and attendance list on the right. Every database call goes through the
DB worker; the live figures refresh every few seconds without blocking the screen."""

from __future__ import annotations

import uuid
from datetime import tzinfo

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import describe_error
from app.events import (
    EVENT_STATUSES,
    Actor,
    EventRow,
    StatusAction,
    When,
    allowed_actions,
    cancellation_reason,
    list_events,
    live_figures,
)
from app.events.localtime import format_local, zone
from ui.events.actions import EventActions
from ui.events.attendance_panel import AttendancePanel
from ui.events.live_panel import LivePanel
from ui.events.models import STATUS_LABELS, EventListModel
from ui.operations import Policy
from ui.worker import DbWorker

LIVE_REFRESH_MS = 4000

# Local to this tab (and its dialogs): the shared theme stays about the whole app.
STYLE = """
QLabel#eventTitle { font-size: 22px; font-weight: 600; }
QLabel#fieldError { color: #b00020; }
QLabel#actionMessage { font-weight: 600; }
QFrame#liveFigure { border: 1px solid #c8c8c8; border-radius: 6px; }
QLabel#liveFigureValue { font-size: 30px; font-weight: 700; }
"""
WHEN_CHOICES = (
    (When.UPCOMING, "Upcoming"),
    (When.TODAY, "Today"),
    (When.PAST, "Past"),
    (When.ALL, "All"),
)


class EventsTab(QWidget):
    # emitted when the event list arrived from the database
    events_loaded = Signal()
    # emitted when new live figures were shown
    figures_updated = Signal()
    # emitted when an action finished, with the message shown to the organizer
    action_finished = Signal(str)

    def __init__(
        self,
        worker: DbWorker,
        station: str,
        *,
        tz: tzinfo | None = None,
        refresh_ms: int = LIVE_REFRESH_MS,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self._worker = worker
        self._tz = zone(tz)
        self._actor = Actor(station=station, method="admin")
        self._wanted_id: uuid.UUID | None = None
        self._shown_id: uuid.UUID | None = None
        self._shown_row: EventRow | None = None
        self._applying = False
        self.event_actions = EventActions(worker, self._actor, self._tz, self)
        self.event_actions.finished.connect(self._on_actions_finished)

        self.setStyleSheet(STYLE)
        self._build_filters()
        self._build_list()
        self._build_detail()
        # The list on top, full width so every column reads; the selected event below, its
        # figures and chart beside its attendance list.
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 5)
        splitter.setSizes([190, 560])
        self.message = QLabel("")
        self.message.setObjectName("actionMessage")
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(self.filter_row)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)

        self.timer = QTimer(self)
        self.timer.setInterval(refresh_ms)
        self.timer.timeout.connect(self._on_timer_timeout)
        self.timer.start()
        self._update_actions()
        self.reload()

    # -- building ------------------------------------------------------------------------------

    def _build_filters(self) -> None:
        self.when = QComboBox()
        self.when.setAccessibleName("Which events")
        for value, label in WHEN_CHOICES:
            self.when.addItem(label, value)
        self.status = QComboBox()
        self.status.setAccessibleName("Status filter")
        self.status.addItem("Any status", None)
        for status in EVENT_STATUSES:
            self.status.addItem(STATUS_LABELS[status], status)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search name, place or description")
        self.search.setAccessibleName("Search events")
        self.search.setClearButtonEnabled(True)
        self.new_button = QPushButton("New event…")
        self.edit_button = QPushButton("Edit…")
        self.duplicate_button = QPushButton("Duplicate")
        self.repeat_button = QPushButton("Repeat…")
        self.delete_button = QPushButton("Delete")
        self.filter_row = QHBoxLayout()
        self.filter_row.addWidget(self.when)
        self.filter_row.addWidget(self.status)
        self.filter_row.addWidget(self.search, 1)
        for button in (
            self.new_button,
            self.edit_button,
            self.duplicate_button,
            self.repeat_button,
            self.delete_button,
        ):
            button.setAccessibleName(button.text().rstrip("…"))
            self.filter_row.addWidget(button)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(250)
        self._search_timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.when.currentIndexChanged.connect(lambda _i: self.reload())
        self.status.currentIndexChanged.connect(lambda _i: self.reload())
        self.new_button.clicked.connect(self._on_new_clicked)
        self.edit_button.clicked.connect(lambda: self._with_selected(self.event_actions.open_form))
        self.duplicate_button.clicked.connect(
            lambda: self._with_selected(self.event_actions.duplicate)
        )
        self.repeat_button.clicked.connect(lambda: self._with_selected(self.event_actions.repeat))
        self.delete_button.clicked.connect(lambda: self._with_selected(self.event_actions.delete))

    def _build_list(self) -> None:
        self.model = EventListModel(self._tz, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Events")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.table.doubleClicked.connect(
            lambda _i: self._with_selected(self.event_actions.open_form)
        )

    def _build_detail(self) -> None:
        self.detail = QWidget()
        self.title = QLabel("Pick an event")
        self.title.setObjectName("eventTitle")
        self.subtitle = QLabel("")
        self.subtitle.setWordWrap(True)
        self.action_buttons: dict[StatusAction, QPushButton] = {}
        actions = QHBoxLayout()
        for action in StatusAction:
            button = QPushButton(action.label)
            button.setAccessibleName(action.label.rstrip("…"))
            button.clicked.connect(
                lambda _c=False, a=action: self._with_selected(
                    lambda event: self.event_actions.change_status(event, a)
                )
            )
            self.action_buttons[action] = button
            actions.addWidget(button)
        self.live = LivePanel(self._tz)
        self.attendance = AttendancePanel(self._worker, self._actor, self._tz)
        self.attendance.attendance_changed.connect(self._on_attendance_changed)
        heading = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(self.title)
        titles.addWidget(self.subtitle)
        heading.addLayout(titles, 1)
        heading.addLayout(actions)
        body = QHBoxLayout()
        body.addWidget(self.live, 4)
        body.addWidget(self.attendance, 5)
        column = QVBoxLayout(self.detail)
        column.setContentsMargins(0, 6, 0, 0)
        column.addLayout(heading)
        column.addLayout(body, 1)

    # -- the list ------------------------------------------------------------------------------

    def selected_event(self) -> EventRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def reload(self, select: uuid.UUID | None = None) -> None:
        """Fetch the list with the current filters; keep (or move to) the selected event."""
        current = self.selected_event()
        self._wanted_id = select or (current.id if current else self._wanted_id)
        when, status, search, tz = (
            self.when.currentData(),
            self.status.currentData(),
            self.search.text(),
            self._tz,
        )
        self._worker.run(
            self,
            lambda s: list_events(s, when=when, status=status, search=search, tz=tz),
            self._on_events_loaded,
            self._on_failed,
            write=False,
            key="list",
            policy=Policy.LATEST_ONLY,  # a newer filter supersedes the older request
        )

    def _on_events_loaded(self, rows: list[EventRow]) -> None:
        # A model reset drops the selection; re-select quietly, then react once, so a refresh
        # does not blank the attendance list every few seconds.
        self._applying = True
        try:
            self.model.set_rows(rows)
            row = self.model.index_of(self._wanted_id) if self._wanted_id else -1
            if row < 0 and rows:
                row = 0  # the soonest upcoming event: during a service, today's event
            if row >= 0:
                self.table.selectRow(row)
        finally:
            self._applying = False
        self._on_selection_settled()
        if not rows:  # say why the list is empty, also when it was empty before
            self._show_event(None)
        self.events_loaded.emit()

    def _on_table_selection_changed(self, *_args) -> None:
        if not self._applying:
            self._on_selection_settled()

    def _on_selection_settled(self) -> None:
        event = self.selected_event()
        if event != self._shown_row:
            self._shown_row = event
            self._show_event(event)
        new_id = event.id if event else None
        if new_id is not None:
            self._wanted_id = new_id
        if new_id != self._shown_id:
            self._shown_id = new_id
            self.live.show_figures(None)
            self.attendance.set_event(new_id)
            self._refresh_live()

    def _show_event(self, event: EventRow | None) -> None:
        if event is None and not self.model.rowCount():
            which = self.when.currentText().lower()
            self.title.setText("No events" if which == "all" else f"No {which} events")
            self.subtitle.setText(
                "Nothing matches these filters. Choose “All” to see every event, "
                "or plan one with “New event…”."
            )
        elif event is None:
            self.title.setText("No event selected")
            self.subtitle.setText("Pick an event in the list to see who came.")
        else:
            self.title.setText(event.name)
            when = format_local(event.start_time, self._tz)
            end = format_local(event.end_time, self._tz, "%H:%M")
            capacity = "no limit" if event.capacity is None else f"capacity {event.capacity:,}"
            self.subtitle.setText(
                f"{when}–{end} · {event.location} · {capacity} · host {event.host_name} · "
                f"{STATUS_LABELS[event.status]}"
            )
            if event.status == "cancelled":
                self._show_cancellation_reason(event.id)
        self._update_actions()

    def _show_cancellation_reason(self, event_id: uuid.UUID) -> None:
        def show(reason):
            current = self.selected_event()
            if reason and current and current.id == event_id:
                self.subtitle.setText(f"{self.subtitle.text()} — reason: {reason}")

        self._worker.run(self, lambda s: cancellation_reason(s, event_id), show, write=False)

    def _update_actions(self) -> None:
        event = self.selected_event()
        allowed = allowed_actions(event.status) if event else []
        for action, button in self.action_buttons.items():
            button.setVisible(event is not None)
            button.setEnabled(action in allowed)
        for button in (self.edit_button, self.duplicate_button, self.repeat_button):
            button.setEnabled(event is not None)
        self.delete_button.setEnabled(event is not None)

    # -- live figures --------------------------------------------------------------------------

    def _on_timer_timeout(self) -> None:
        if not self.isVisible() or self._worker.is_running(self, "list"):
            return  # nobody is looking, or the last refresh is still queued: spare the database
        self._refresh_live()
        self.attendance.refresh()
        self.reload()

    def _refresh_live(self) -> None:
        event = self.selected_event()
        if event is None:
            return
        event_id, tz = event.id, self._tz
        # One at a time: a slow database must not collect a queue of refreshes; an answer for
        # another event asks again (below).
        self._worker.run(
            self,
            lambda s: live_figures(s, event_id, tz=tz),
            self._on_live_loaded,
            None,
            write=False,
            key="live",
            policy=Policy.ONE_AT_A_TIME,
        )

    def _on_live_loaded(self, figures) -> None:
        current = self.selected_event()
        if current is None:
            return
        if figures is not None and figures.event_id == current.id:
            self.live.show_figures(figures)
            self.figures_updated.emit()
        elif figures is not None:
            self._refresh_live()  # the selection moved while this was on its way

    def _on_attendance_changed(self) -> None:
        self._refresh_live()
        self.reload()

    # -- actions -------------------------------------------------------------------------------

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.action_finished.emit(text)

    def _on_failed(self, error) -> None:
        self._say(f"Not done: {describe_error(error)}")

    def _on_new_clicked(self) -> None:
        self.event_actions.open_form(None)

    def _with_selected(self, do) -> None:
        event = self.selected_event()
        if event is not None:
            do(event)

    def _on_actions_finished(self, message: str, select_id) -> None:
        self._say(message)
        if select_id is not None and self.model.index_of(select_id) < 0:
            # e.g. a new event outside the current filter: show all so it can be seen
            self.when.blockSignals(True)
            self.when.setCurrentIndex(self.when.findData(When.ALL))
            self.when.blockSignals(False)
        self.reload(select=select_id)
        self._refresh_live()

    def shutdown(self) -> None:
        self.timer.stop()
