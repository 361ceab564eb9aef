"""A thin table model over one report table (plain values, already computed on the worker).

In heat-map mode the percentage columns are coloured from white (0 %) to deep green (100 %),
which is how the retention cohort table reads at a glance."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from app.reports import Table
from app.reports.tables import cell_text

_Index = QModelIndex | QPersistentModelIndex
_LOW = QColor("#ffffff")
_HIGH = QColor("#1e7b3c")


def heat_colour(value: float) -> QColor:
    share = max(0.0, min(1.0, value / 100.0))
    return QColor(
        round(_LOW.red() + (_HIGH.red() - _LOW.red()) * share),
        round(_LOW.green() + (_HIGH.green() - _LOW.green()) * share),
        round(_LOW.blue() + (_HIGH.blue() - _LOW.blue()) * share),
    )


class ReportTableModel(QAbstractTableModel):
    def __init__(self, table: Table | None = None, *, heat: bool = False, parent=None):
        super().__init__(parent)
        self._table = table or Table("", [], [])
        self._heat = heat

    @property
    def table(self) -> Table:
        return self._table

    def set_table(self, table: Table, *, heat: bool = False) -> None:
        self.beginResetModel()
        self._table, self._heat = table, heat
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._table.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._table.headers)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        value = self._table.rows[index.row()][index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return cell_text(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, int | float):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if self._heat and isinstance(value, float) and self._is_share(index.column()):
            if role == Qt.ItemDataRole.BackgroundRole:
                return heat_colour(value)
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor("#ffffff") if value >= 55 else QColor("#000000")
        return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._table.headers):
            return self._table.headers[section]
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._table.rows):
            return str(section + 1)
        return None

    def _is_share(self, column: int) -> bool:
        return self._table.headers[column].endswith("%")
