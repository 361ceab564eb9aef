"""The Qt face of the page cache (app/admin/page_cache.py): a table model over pages of rows.

The cache decides what to fetch, keep and drop; this model only turns its news into Qt's
begin/end row calls and signals, shows "…" for a row whose page is on its way, and asks for
missing pages once the event loop is free (a zero-delay timer), never inside `data()`.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer, Signal

from app.admin.page_cache import MAX_PAGES, CacheListener, PageCache, PageSource
from app.admin.paging import PAGE_SIZE
from ui.admin.cells import CellFormatter

__all__ = ["LOADING", "MAX_PAGES", "LazyTableModel"]

LOADING = "…"


class _ModelListener(CacheListener):
    """Passes what the cache reports on to the model (Qt's row protocol and its signals)."""

    def __init__(self, model: LazyTableModel):
        self.model = model

    def before_reset(self) -> None:
        self.model.beginResetModel()

    def after_reset(self) -> None:
        self.model.endResetModel()

    def before_insert_rows(self, first: int, last: int) -> None:
        self.model.beginInsertRows(QModelIndex(), first, last)

    def after_insert_rows(self) -> None:
        self.model.endInsertRows()

    def before_remove_rows(self, first: int, last: int) -> None:
        self.model.beginRemoveRows(QModelIndex(), first, last)

    def after_remove_rows(self) -> None:
        self.model.endRemoveRows()

    def rows_changed(self, first: int, last: int) -> None:
        model = self.model
        right = len(model.columns) - 1
        model.dataChanged.emit(model.index(first, 0), model.index(last, right))

    def flush_wanted(self) -> None:
        if not self.model._flush_timer.isActive():
            self.model._flush_timer.start()

    def first_page_loaded(self) -> None:
        self.model.first_page_loaded.emit()

    def page_loaded(self, block: int) -> None:
        self.model.page_loaded.emit(block)

    def count_settled(self, rows: int) -> None:
        self.model.count_settled.emit(rows)

    def load_failed(self, error: BaseException) -> None:
        from app.errors import describe_error

        self.model.load_failed.emit(describe_error(error))


class LazyTableModel(QAbstractTableModel):
    # emitted when the first page of a new source has arrived (the grid is usable)
    first_page_loaded = Signal()
    # emitted when a page arrived (block number)
    page_loaded = Signal(int)
    # emitted when the row count became exact (the number of rows)
    count_settled = Signal(int)
    # emitted when a page or count could not be read (plain message)
    load_failed = Signal(str)
    # emitted when a header click asked for another order (column name, descending)
    sort_requested = Signal(str, bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.formatter = CellFormatter()
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(0)
        self.cache = PageCache(_ModelListener(self))
        self._flush_timer.timeout.connect(self.cache.flush)

    # -- the cache, as the admin widgets use it -----------------------------------------------

    def set_source(self, source: PageSource | None) -> None:
        self.cache.set_source(source)

    def reload(self) -> None:
        self.set_source(self.cache.source)

    def refresh_pages(self, *, recount: bool = False) -> None:
        """Read the pages on screen again (after a write), keeping the scroll position."""
        self.cache.refresh(recount=recount)

    def count_exactly(self) -> None:
        """Replace the estimate by the exact number of rows (one full count on the worker)."""
        self.cache.count_exactly()

    def set_viewport(self, first: int, last: int) -> None:
        """The rows on screen: pages near them are fetched first and evicted last."""
        self.cache.set_viewport(first, last)

    @property
    def source(self) -> PageSource | None:
        return self.cache.source

    @property
    def columns(self):
        return self.cache.columns

    @property
    def counts_in_background(self) -> bool:
        return self.cache.counts_in_background

    @property
    def count_is_exact(self) -> bool:
        return self.cache.count_is_exact

    @property
    def rows_held(self) -> int:
        return self.cache.rows_held

    @property
    def pages_held(self) -> int:
        return self.cache.pages_held

    @property
    def queries_run(self) -> int:
        return self.cache.queries_run

    def row_values(self, row: int) -> tuple | None:
        return self.cache.row_values(row)

    def label(self, row: int, column: int):
        return self.cache.label(row, column)

    # -- what an editing model adds (see AdminTableModel) -------------------------------------

    def is_editable(self, index) -> bool:
        return False

    def staged_value(self, row: int, column: int) -> tuple | None:
        """A staged new value for the cell, as a 1-tuple (None may be staged), or None."""
        return None

    def staged_label(self, row: int, column: int) -> str | None:
        return None

    def cell_error(self, row: int, column: int) -> str | None:
        return None

    # -- Qt model -----------------------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()):  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else self.cache.rows

    def columnCount(self, parent=QModelIndex()):  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.columns[section].name if 0 <= section < len(self.columns) else None
        return str(section + 1)

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.is_editable(index):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if not self.cache.touch(row):
            if role == Qt.ItemDataRole.DisplayRole:
                self.cache.want(row // PAGE_SIZE)
                return LOADING
            return None
        values = self.cache.row_values(row)
        if values is None:
            return None
        value = values[column]
        staged = self.staged_value(row, column)
        label = self.cache.label(row, column)
        if staged is not None:
            value, label = staged[0], self.staged_label(row, column)
        info = self.columns[column]
        return self.formatter.data(
            info, value, label, role, staged is not None, self.cell_error(row, column)
        )

    def sort(self, column, order=Qt.SortOrder.AscendingOrder):
        if 0 <= column < len(self.columns):
            self.sort_requested.emit(
                self.columns[column].name, order == Qt.SortOrder.DescendingOrder
            )
