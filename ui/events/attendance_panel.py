"""The attendance list of one event: who is in, who left, who registered but has not come;
supervisor check-in, check-out and undo through the check-in engine (method "admin"); CSV."""

from __future__ import annotations

import uuid
from datetime import tzinfo
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.checkin import actions as checkin
from app.errors import describe_error
from app.events import Actor, AttendanceList, attendance_csv, attendance_list
from app.events.attendance import INSIDE, LEFT, REGISTERED
from app.events.localtime import zone
from ui.events.host_picker import PersonPicker
from ui.events.models import AttendanceModel
from ui.operations import Lane, Policy
from ui.worker import DbWorker


class ManualCheckInDialog(QDialog):
    """A supervisor checks in someone who is not on the list yet (a walk-in who has a record)."""

    def __init__(self, worker: DbWorker, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Check someone in")
        self.picker = PersonPicker(worker, "Type a name or email")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Check in")
        self.ok_button.setEnabled(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.picker.person_changed.connect(lambda p: self.ok_button.setEnabled(p is not None))
        layout = QVBoxLayout(self)
        layout.addWidget(self.picker)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)


class AttendancePanel(QWidget):
    # emitted when a supervisor action changed the attendance (the tab refreshes its figures)
    attendance_changed = Signal()
    # emitted when a list arrived from the database (mostly for tests)
    list_loaded = Signal()
    # emitted when an export finished, with the path written
    exported = Signal(str)

    def __init__(
        self,
        worker: DbWorker,
        actor: Actor,
        tz: tzinfo | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self._worker = worker
        self._actor = actor
        self._tz = zone(tz)
        self._event_id: uuid.UUID | None = None
        self.listing: AttendanceList | None = None
        self.manual_dialog: ManualCheckInDialog | None = None

        self.counts = QLabel("")
        self.counts.setObjectName("attendanceCounts")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search the list by name or email")
        self.search.setAccessibleName("Search attendance")
        self.search.setClearButtonEnabled(True)
        self.model = AttendanceModel(self._tz, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Attendance")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setAlternatingRowColors(True)

        self.check_in_button = QPushButton("Check in")
        self.check_out_button = QPushButton("Check out")
        self.undo_button = QPushButton("Undo check-in")
        self.someone_button = QPushButton("Check in someone else…")
        self.export_button = QPushButton("Export CSV…")
        self.message = QLabel("")
        self.message.setObjectName("actionMessage")
        self.message.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.counts, 1)
        top.addWidget(self.search, 1)
        # Two rows of buttons, so that the tab still fits a 1024-pixel-wide screen.
        person_actions = QHBoxLayout()
        for button in (self.check_in_button, self.check_out_button, self.undo_button):
            person_actions.addWidget(button)
        person_actions.addStretch(1)
        list_actions = QHBoxLayout()
        list_actions.addWidget(self.someone_button)
        list_actions.addStretch(1)
        list_actions.addWidget(self.export_button)
        for button in (
            self.check_in_button,
            self.check_out_button,
            self.undo_button,
            self.someone_button,
            self.export_button,
        ):
            button.setAccessibleName(button.text().rstrip("…"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(person_actions)
        layout.addLayout(list_actions)
        layout.addWidget(self.message)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)
        self._search_timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.check_in_button.clicked.connect(lambda: self._door("check_in"))
        self.check_out_button.clicked.connect(lambda: self._door("check_out"))
        self.undo_button.clicked.connect(lambda: self._door("undo"))
        self.someone_button.clicked.connect(self._on_someone_clicked)
        self.export_button.clicked.connect(self._on_export_clicked)
        self._update_buttons()

    # -- loading -----------------------------------------------------------------------------

    def set_event(self, event_id: uuid.UUID | None) -> None:
        if event_id != self._event_id:
            self._event_id = event_id
            self.message.setText("")
            self.model.set_rows([])
            self.listing = None
        self.refresh()

    def refresh(self) -> None:
        """Reload the list (keeping the selected person selected)."""
        event_id = self._event_id
        if event_id is None:
            self._worker.cancel(self, "list")  # a list on its way belongs to another event
            self.counts.setText("")
            self._update_buttons()
            return
        query = self.search.text()
        self._worker.run(
            self,
            lambda s: attendance_list(s, event_id, search=query),
            self._on_list_loaded,
            self._on_failed,
            write=False,
            key="list",
            policy=Policy.LATEST_ONLY,  # a newer search or event supersedes it
        )

    def _on_list_loaded(self, listing: AttendanceList) -> None:
        selected = self.selected_row()
        self.listing = listing
        self.model.set_rows(listing.rows)
        self.counts.setText(
            f"{listing.checked_in} checked in · {listing.inside} inside · "
            f"{listing.not_come} not come yet"
        )
        if selected is not None:
            row = self.model.index_of(selected.patron_id)
            if row >= 0:
                self.table.selectRow(row)
        self._update_buttons()
        self.list_loaded.emit()

    def _on_failed(self, error) -> None:
        self.message.setText(f"Could not load the list: {describe_error(error)}")

    # -- selection and supervisor actions ----------------------------------------------------

    def selected_row(self):
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _on_table_selection_changed(self, *_args) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        row = self.selected_row()
        state = row.state if row else None
        self.check_in_button.setEnabled(state in (REGISTERED, LEFT))
        self.check_out_button.setEnabled(state == INSIDE)
        self.undo_button.setEnabled(state in (INSIDE, LEFT))
        self.someone_button.setEnabled(self._event_id is not None)
        self.export_button.setEnabled(self._event_id is not None)

    def _door(self, what: str, patron_id: uuid.UUID | None = None) -> None:
        if patron_id is None:
            row = self.selected_row()
            if row is None or self._event_id is None:
                return
            patron_id = row.patron_id
        event_id, station = self._event_id, self._actor.station
        if what == "check_in":
            # The Events tab is the supervisor's place to record a late attendance: the door
            # window does not apply here, and the audit row says `late` when it would have.
            action = lambda s: checkin.check_in(  # noqa: E731
                s, event_id, patron_id, station=station, method="admin", late=True
            )
        elif what == "check_out":
            action = lambda s: checkin.check_out(  # noqa: E731
                s, event_id, patron_id, station=station, method="admin", late=True
            )
        else:
            action = lambda s: checkin.undo_check_in(  # noqa: E731
                s, event_id, patron_id, station=station, supervisor=True, method="admin", late=True
            )
        self._worker.run(self, action, self._on_door_done, self._on_door_failed)

    def _on_door_done(self, result) -> None:
        self.message.setText(result.message)
        self.refresh()
        self.attendance_changed.emit()

    def _on_door_failed(self, error) -> None:
        self.message.setText(f"Not done: {describe_error(error)}")

    def _on_someone_clicked(self) -> None:
        self.manual_dialog = ManualCheckInDialog(self._worker, self)
        self.manual_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # one per click
        self.manual_dialog.accepted.connect(self._on_manual_dialog_accepted)
        self.manual_dialog.open()

    def _on_manual_dialog_accepted(self) -> None:
        person = self.manual_dialog.picker.chosen if self.manual_dialog else None
        if person is not None:
            self._door("check_in", person.id)

    # -- export -------------------------------------------------------------------------------

    def _on_export_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export the attendance list", "attendance.csv", "CSV files (*.csv)"
        )
        if path:
            self.export_csv(Path(path))

    def export_csv(self, path: Path) -> None:
        """Write the whole list (not just the search hits) to `path` as CSV."""
        event_id, tz = self._event_id, self._tz
        if event_id is None:
            return

        def job(session) -> None:
            text = attendance_csv(attendance_list(session, event_id).rows, tz)
            path.write_text(text, encoding="utf-8-sig", newline="")

        def written(_none) -> None:
            self.message.setText(f"Exported the list to {path}.")
            self.exported.emit(str(path))

        def failed(error) -> None:
            if isinstance(error, OSError):
                self.message.setText(f"Could not write {path.name}: {error.strerror or error}")
            else:
                self._on_failed(error)

        # Writing a file is bulk work: it never occupies the door's thread (nor the GUI's).
        self._worker.run(self, job, written, failed, write=False, lane=Lane.BULK)
