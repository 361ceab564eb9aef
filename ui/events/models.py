"""Thin table models over plain row values (EventRow, AttendanceRow): no queries in here."""

from __future__ import annotations

from datetime import tzinfo

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.events import AttendanceRow, EventRow
from app.events.attendance import STATE_LABELS
from app.events.localtime import format_local
from app.no_email import shown_email

ROW_ROLE = Qt.ItemDataRole.UserRole

STATUS_LABELS = {
    "draft": "Draft",
    "scheduled": "Scheduled",
    "ongoing": "Check-in open",
    "completed": "Completed",
    "cancelled": "Cancelled",
}


class _RowsModel(QAbstractTableModel):
    headers: tuple[str, ...] = ()

    def __init__(self, tz: tzinfo | None = None, parent=None):
        super().__init__(parent)
        self._rows: list = []
        self._tz = tz

    def set_rows(self, rows: list) -> None:
        """Show new rows. A refresh that brings the same people or events in the same order
        only announces changed cells, so the view keeps its selection and scroll position."""
        rows = list(rows)
        if rows == self._rows:
            return
        same_keys = [self.key(r) for r in rows] == [self.key(r) for r in self._rows]
        if same_keys and rows:
            self._rows = rows
            last = self.index(len(rows) - 1, self.columnCount() - 1)
            self.dataChanged.emit(self.index(0, 0), last)
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def key(self, row):
        raise NotImplementedError

    def rows(self) -> list:
        return list(self._rows)

    def row_at(self, row: int):
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 (Qt's own signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.headers)
        ):
            return self.headers[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    numeric: tuple[int, ...] = ()

    def display(self, row, column: int) -> str:
        raise NotImplementedError


class EventListModel(_RowsModel):
    headers = ("Name", "When", "Location", "Status", "Capacity", "Checked in")
    numeric = (4, 5)

    def display(self, row: EventRow, column: int) -> str:
        if column == 0:
            return row.name
        if column == 1:
            return format_local(row.start_time, self._tz, "%d %b %Y %H:%M")
        if column == 2:
            return row.location
        if column == 3:
            return STATUS_LABELS.get(row.status, row.status)
        if column == 4:
            return "No limit" if row.capacity is None else f"{row.capacity:,}"
        return f"{row.checked_in:,}"

    def key(self, row: EventRow):
        return row.id

    def index_of(self, event_id) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == event_id), -1)


class AttendanceModel(_RowsModel):
    headers = ("Name", "Email", "Status", "Checked in", "Checked out")

    def display(self, row: AttendanceRow, column: int) -> str:
        if column == 0:
            return row.name
        if column == 1:
            return shown_email(row.email)  # a placeholder address reads "no email"
        if column == 2:
            return STATE_LABELS[row.state]
        if column == 3:
            return format_local(row.check_in_time, self._tz, "%H:%M:%S")
        return format_local(row.check_out_time, self._tz, "%H:%M:%S")

    def key(self, row: AttendanceRow):
        return row.patron_id

    def index_of(self, patron_id) -> int:
        return next((i for i, r in enumerate(self._rows) if r.patron_id == patron_id), -1)
