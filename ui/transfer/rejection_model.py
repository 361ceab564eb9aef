"""A thin table model over the rows of an import plan that a person should look at: rejected
rows, rows needing a first/last name, and rows imported with a warning (issue 15)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from app.transfer import Rejection, RowWarning

_HEADERS = ("Row", "Reason", "Name", "Email", "Outcome")
SKIPPED = "Skipped"
NEEDS_NAME = "Needs first/last name"
WARNED = "Imported, check"


def plan_rows(plan) -> list[tuple[int, str, str, str, str]]:
    """(row, reason, name, email, outcome) for every rejection and warning, by row number."""
    rows = [
        (r.line, r.reason, r.name, r.email, NEEDS_NAME if r.needs_name else SKIPPED)
        for r in plan.rejected
    ]
    rows += [(w.line, w.message, w.name, "", WARNED) for w in plan.warnings]
    return sorted(rows, key=lambda row: row[0])


class RejectionModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: tuple[tuple, ...] = ()

    def set_rejections(self, rows) -> None:
        """Rejections and warnings (as returned by `plan_rows`, or Rejection/RowWarning)."""
        self.beginResetModel()
        self._rows = tuple(_as_tuple(row) for row in rows)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_HEADERS)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            line, *rest = row
            return (str(line), *rest)[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(_HEADERS)
        ):
            return _HEADERS[section]
        return None


def _as_tuple(row) -> tuple:
    if isinstance(row, Rejection):
        outcome = NEEDS_NAME if row.needs_name else SKIPPED
        return (row.line, row.reason, row.name, row.email, outcome)
    if isinstance(row, RowWarning):
        return (row.line, row.message, row.name, "", WARNED)
    return tuple(row)
