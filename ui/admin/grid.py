"""The grid: a QTableView that tells its lazy model which rows are on screen."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from app.admin.catalogue import BOOLEAN, DATETIME, INTEGER, UUID

# Sample texts that size each kind of column (measured in the grid's font, so that a full
# UUID and a local time with its zone fit whatever the screen's font size).
_SAMPLES = {
    UUID: "00000000-0000-0000-0000-000000000000",
    DATETIME: "2026-05-01 18:00:00 CEST",
    INTEGER: "1,000,000",
    BOOLEAN: "attended",
}
_FK_SAMPLES = {
    "users": "Firstname Lastname <firstname.lastname@example.org>",
    "events": "A rather long event name #12",
}
_TEXT_SAMPLE = "A typical text value"


class LazyGrid(QTableView):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAccessibleName("Table rows")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setSortingEnabled(False)  # header clicks are handled by _on_header_clicked
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        rows = self.verticalHeader()
        # Fixed row heights: Qt then never measures a million rows to place the scroll bar.
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(26)
        self.horizontalHeader().setSectionsClickable(True)
        self.horizontalHeader().setSortIndicatorShown(True)
        self.horizontalHeader().setHighlightSections(False)
        self.horizontalHeader().sectionClicked.connect(self._on_header_clicked)
        self._viewport_timer = QTimer(self)
        self._viewport_timer.setSingleShot(True)
        self._viewport_timer.setInterval(15)
        self._viewport_timer.timeout.connect(self._report_viewport)
        self.verticalScrollBar().valueChanged.connect(lambda _v: self._viewport_timer.start())
        self._sort = (-1, False)

    def setModel(self, model) -> None:
        super().setModel(model)
        model.modelReset.connect(self._on_model_reset)
        model.rowsInserted.connect(lambda *_: self._viewport_timer.start())

    def _on_model_reset(self) -> None:
        self.size_columns()
        self._viewport_timer.start()

    def size_columns(self) -> None:
        model = self.model()
        metrics = self.fontMetrics()
        for index, column in enumerate(model.columns):
            sample = _SAMPLES.get(column.kind, _TEXT_SAMPLE)
            if column.references:
                sample = _FK_SAMPLES.get(column.references, sample)
            if column.name in ("email", "name", "description", "detail"):
                sample = "someone.longer@example.org"
            width = max(metrics.horizontalAdvance(sample), metrics.horizontalAdvance(column.name))
            self.setColumnWidth(index, width + 24)

    def show_sort(self, column: int, descending: bool) -> None:
        self._sort = (column, descending)
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        self.horizontalHeader().setSortIndicator(column, order)

    def _on_header_clicked(self, section: int) -> None:
        column, descending = self._sort
        descending = not descending if section == column else False
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        self.model().sort(section, order)

    def visible_rows(self) -> tuple[int, int]:
        first = self.rowAt(0)
        last = self.rowAt(self.viewport().height() - 1)
        rows = self.model().rowCount() if self.model() else 0
        first = max(first, 0)
        last = rows - 1 if last < 0 else last
        return first, max(last, first)

    def _report_viewport(self) -> None:
        if self.model() is not None and self.model().rowCount():
            self.model().set_viewport(*self.visible_rows())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._viewport_timer.start()
