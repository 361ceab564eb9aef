"""A table model that holds only the pages near what is on screen.

Rows are fetched in pages of PAGE_SIZE on the DB worker (never in `data()`): a missing page
shows "…" and is asked for once the event loop is free. A page is read by keyset from its
neighbour or from where it was last seen, so scrolling is exact; a jump into the middle of a
table lands at an estimated position. At most MAX_PAGES pages are held; the ones farthest from
the viewport are dropped first.

The row count starts from the quick count (estimate or capped) and is refined by an exact count
in the background; pages reaching either end of the data correct it too.
"""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer, Signal

from app.admin.paging import PAGE_SIZE
from ui.admin.cells import CellFormatter
from ui.admin.refcount import emit
from ui.admin.sources import AFTER, AT, BEFORE, END, NEAR, START, PageRequest

MAX_PAGES = 24
MAX_IN_FLIGHT = 2
LOADING = "…"


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
        self.source = None
        self.formatter = CellFormatter()
        self._rows = 0
        self._count_exact = False
        self._pages: OrderedDict[int, list[tuple]] = OrderedDict()
        self._labels: dict[int, dict] = {}
        self._anchors: dict[int, tuple] = {}  # block -> key of its first row, as last seen
        self._from_end: set[int] = set()  # blocks placed by counting back from the end
        self._wanted: OrderedDict[int, None] = OrderedDict()
        self._in_flight: set[int] = set()
        self._generation = 0
        self._viewport = (0, 0)
        self.queries_run = 0  # pages asked of the source since the last reset (for tests)
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(0)
        self._flush_timer.timeout.connect(self._flush)
        # Hooks for the editing layer: a staged value and an error for a cell, or None.
        self.staged_value = lambda row, column: None
        self.cell_error = lambda row, column: None
        self.staged_label = lambda row, column: None

    # -- source -------------------------------------------------------------------------------

    def set_source(self, source) -> None:
        self.beginResetModel()
        self.source = source
        self._generation += 1
        self._rows = 0
        self._count_exact = False
        self._pages.clear()
        self._labels.clear()
        self._anchors.clear()
        self._from_end.clear()
        self._wanted.clear()
        self._in_flight.clear()
        self.queries_run = 0
        self.endResetModel()
        if source is None:
            return
        generation = self._generation
        self._request(PageRequest(0, START), generation)
        source.count(
            lambda count: self._on_quick_count(generation, count),
            lambda error: self._on_error(generation, error),
        )

    def reload(self) -> None:
        self.set_source(self.source)

    def refresh_pages(self, *, recount: bool = False) -> None:
        """Read the pages on screen again (after a write), keeping the scroll position."""
        if self.source is None:
            return
        self._generation += 1
        self._pages.clear()
        self._labels.clear()
        self._wanted.clear()
        self._in_flight.clear()
        if recount:
            generation = self._generation
            self._count_exact = False
            self.source.count(
                lambda count: self._on_quick_count(generation, count),
                lambda error: self._on_error(generation, error),
            )
        if self._rows and self.columns:
            bottom = self.index(self._rows - 1, len(self.columns) - 1)
            emit(self.dataChanged, self.index(0, 0), bottom)
        self.set_viewport(*self._viewport)

    @property
    def columns(self):
        return self.source.columns if self.source is not None else ()

    @property
    def counts_in_background(self) -> bool:
        return self.source is not None and self.source.counts_in_background

    @property
    def count_is_exact(self) -> bool:
        return self._count_exact

    @property
    def rows_held(self) -> int:
        return sum(len(rows) for rows in self._pages.values())

    @property
    def pages_held(self) -> int:
        return len(self._pages)

    def row_values(self, row: int) -> tuple | None:
        rows = self._pages.get(row // PAGE_SIZE)
        if rows is None or row % PAGE_SIZE >= len(rows):
            return None
        return rows[row % PAGE_SIZE]

    def label(self, row: int, column: int):
        labels = self._labels.get(row // PAGE_SIZE, {})
        values = self.row_values(row)
        name = self.columns[column].name
        if values is None or name not in labels:
            return None
        return labels[name].get(values[column])

    def set_viewport(self, first: int, last: int) -> None:
        """The rows on screen: pages near them are fetched first and evicted last."""
        self._viewport = (max(first, 0), max(last, first))
        low, high = first // PAGE_SIZE, last // PAGE_SIZE
        # Pages wanted for an earlier position are not worth a query once the view moved on.
        for block in [b for b in self._wanted if not low - 2 <= b <= high + 2]:
            del self._wanted[block]
        for block in range(max(low - 1, 0), high + 2):
            if block * PAGE_SIZE < self._rows and block not in self._pages:
                self._want(block)

    # -- Qt model -----------------------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()):  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else self._rows

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

    def is_editable(self, index) -> bool:
        return False

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        block = row // PAGE_SIZE
        rows = self._pages.get(block)
        if rows is None:
            if role == Qt.ItemDataRole.DisplayRole:
                self._want(block)
                return LOADING
            return None
        self._pages.move_to_end(block)
        if row % PAGE_SIZE >= len(rows):
            return None
        value = rows[row % PAGE_SIZE][column]
        staged = self.staged_value(row, column)
        label = self.label(row, column)
        if staged is not None:
            value, label = staged[0], self.staged_label(row, column)
        info = self.columns[column]
        return self.formatter.data(
            info, value, label, role, staged is not None, self.cell_error(row, column)
        )

    def sort(self, column, order=Qt.SortOrder.AscendingOrder):
        if 0 <= column < len(self.columns):
            emit(
                self.sort_requested,
                self.columns[column].name,
                order == Qt.SortOrder.DescendingOrder,
            )

    # -- paging -------------------------------------------------------------------------------

    def _want(self, block: int) -> None:
        if block in self._in_flight:
            return
        self._wanted[block] = None
        self._wanted.move_to_end(block)
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def _flush(self) -> None:
        if self.source is None:
            return
        first, last = self._viewport
        centre = (first + last) // 2 // PAGE_SIZE
        near = range(first // PAGE_SIZE - 2, last // PAGE_SIZE + 3)
        # Pages wanted long ago and now far off screen are no longer worth a query.
        for block in list(self._wanted):
            stale = block not in near and len(self._wanted) > 4
            if block in self._pages or stale or block * PAGE_SIZE >= self._rows:
                del self._wanted[block]
        for block in sorted(self._wanted, key=lambda b: abs(b - centre)):
            if len(self._in_flight) >= MAX_IN_FLIGHT:
                break
            request = self._plan(block)
            if request is None:  # a neighbour is on its way; follow on from it
                continue
            del self._wanted[block]
            self._request(request, self._generation)

    def _plan(self, block: int) -> PageRequest | None:
        if block in self._anchors:
            return PageRequest(block, AT, self._anchors[block])
        previous = self._pages.get(block - 1)
        if previous is not None and len(previous) == PAGE_SIZE:
            return PageRequest(block, AFTER, self.source.key_of(previous[-1]))
        following = self._pages.get(block + 1)
        if following:
            return PageRequest(block, BEFORE, self.source.key_of(following[0]))
        if block == 0:
            return PageRequest(0, START)
        if block - 1 in self._in_flight or block + 1 in self._in_flight:
            return None
        last_block = (self._rows - 1) // PAGE_SIZE
        if self._count_exact and block == last_block:
            return PageRequest(block, END, limit=self._rows - block * PAGE_SIZE)
        return PageRequest(block, NEAR, fraction=block * PAGE_SIZE / max(self._rows, 1))

    def _request(self, request: PageRequest, generation: int) -> None:
        self._in_flight.add(request.block)
        self.queries_run += 1
        self.source.load(
            request,
            lambda page: self._on_page(generation, request, page),
            lambda error: self._on_error(generation, error, request.block),
        )

    def _on_page(self, generation: int, request: PageRequest, page) -> None:
        if generation != self._generation:
            return
        block = request.block
        self._in_flight.discard(block)
        rows = page.rows
        if request.kind == BEFORE and page.reached_boundary and block > 0:
            # The estimated position was off: these are the very first rows. Start over there.
            self._restart_at_top(rows, page.labels)
            return
        self._store(block, rows, page.labels, from_end=request.kind == END)
        forward = request.kind in (START, AFTER, AT, NEAR)
        if forward and page.reached_boundary and request.kind != NEAR:
            self._set_rows(block * PAGE_SIZE + len(rows), exact=True)
        elif (
            forward
            and not self._count_exact
            and len(rows) == PAGE_SIZE
            and (block + 1) * PAGE_SIZE >= self._rows
        ):
            # More rows than we thought: show one more so that scrolling asks for them.
            self._set_rows(max(self._rows, (block + 1) * PAGE_SIZE + 1), exact=False)
        if block == 0 and request.kind == START:
            emit(self.first_page_loaded)
        self._emit_block_changed(block)
        emit(self.page_loaded, block)
        if self._wanted:
            self._flush_timer.start()

    def _store(self, block: int, rows, labels, *, from_end: bool) -> None:
        self._pages[block] = rows
        self._pages.move_to_end(block)
        self._labels[block] = labels
        if rows:
            self._anchors[block] = self.source.key_of(rows[0])
        if from_end:
            self._from_end.add(block)
        self._evict()

    def _evict(self) -> None:
        first, last = self._viewport
        centre = (first + last) // 2 // PAGE_SIZE
        while len(self._pages) > MAX_PAGES:
            farthest = max(self._pages, key=lambda b: abs(b - centre))
            del self._pages[farthest]
            self._labels.pop(farthest, None)

    def _restart_at_top(self, rows, labels) -> None:
        self.beginResetModel()
        self._pages.clear()
        self._labels.clear()
        self._anchors.clear()
        self._from_end.clear()
        self._wanted.clear()
        self._in_flight.clear()
        self._store(0, rows, labels, from_end=False)
        if len(rows) < PAGE_SIZE:
            self._rows, self._count_exact = len(rows), True
        self.endResetModel()

    def _emit_block_changed(self, block: int) -> None:
        first = block * PAGE_SIZE
        last = min(first + PAGE_SIZE, self._rows) - 1
        if last >= first and self.columns:
            emit(self.dataChanged, self.index(first, 0), self.index(last, len(self.columns) - 1))

    # -- counting -----------------------------------------------------------------------------

    def _on_quick_count(self, generation: int, count) -> None:
        if generation != self._generation:
            return
        if self._count_exact:
            return
        if count.kind == "exact":
            self._set_rows(count.value, exact=True)
            return
        self._set_rows(max(count.value, self._rows), exact=False)
        if self.source.counts_in_background:
            self.count_exactly()

    def count_exactly(self) -> None:
        """Replace the estimate by the exact number of rows (one full count on the worker)."""
        if self.source is None or self._count_exact:
            return
        generation = self._generation
        self.source.count(
            lambda exact: self._on_exact_count(generation, exact),
            lambda error: self._on_error(generation, error),
            exact=True,
        )

    def _on_exact_count(self, generation: int, count) -> None:
        if generation == self._generation:
            self._set_rows(count.value, exact=True)

    def _set_rows(self, rows: int, *, exact: bool) -> None:
        if rows != self._rows:
            # Pages counted back from the old end are no longer at the end.
            for block in self._from_end:
                self._pages.pop(block, None)
                self._labels.pop(block, None)
                self._anchors.pop(block, None)
            self._from_end.clear()
        if rows > self._rows:
            self.beginInsertRows(QModelIndex(), self._rows, rows - 1)
            self._rows = rows
            self.endInsertRows()
        elif rows < self._rows:
            self.beginRemoveRows(QModelIndex(), rows, self._rows - 1)
            self._rows = rows
            last_block = (rows - 1) // PAGE_SIZE if rows else -1
            for block in [b for b in self._pages if b > last_block]:
                del self._pages[block]
                self._labels.pop(block, None)
            for block in [b for b in self._anchors if b > last_block]:
                del self._anchors[block]
            self.endRemoveRows()
        was_exact, self._count_exact = self._count_exact, exact or self._count_exact
        if exact and not was_exact:
            emit(self.count_settled, rows)

    def _on_error(self, generation: int, error, block: int | None = None) -> None:
        if generation != self._generation:
            return
        if block is not None:
            self._in_flight.discard(block)
        from ui.worker import describe_error

        emit(self.load_failed, describe_error(error))
