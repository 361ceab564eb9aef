"""Browse one table: filters, search, sort, staged edits, add/duplicate/delete, navigation.

This file builds the browser and switches views; following links is in browser_navigation.py,
writing rows in browser_editing.py.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.admin.view import View, default_view
from app.errors import ValidationError, describe_error
from ui.admin.browser_editing import BrowserEditing
from ui.admin.browser_navigation import BrowserNavigation
from ui.admin.editors import CellDelegate
from ui.admin.filter_bar import FilterBar, describe_filter
from ui.admin.grid import LazyGrid
from ui.admin.sources import TableSource
from ui.admin.table_model import AdminTableModel


class TableBrowser(BrowserNavigation, BrowserEditing, QWidget):
    # emitted when the browser shows another view (the View)
    view_changed = Signal(object)
    # emitted when rows were written (applied, added or deleted), with the message shown
    rows_written = Signal(str)

    def __init__(self, worker, station: str, backend: str = "sqlite", parent=None):
        super().__init__(parent)
        self.worker = worker
        self.backend = backend
        self.station = station
        self.view: View | None = None
        self._history: list[View] = []

        self.back_button = QPushButton("← Back")
        self.back_button.setAccessibleName("Back to the previous view")
        self.back_button.clicked.connect(self.go_back)
        self.title = QLabel()
        self.title.setObjectName("adminViewTitle")
        self.count_label = QLabel()
        self.count_label.setAccessibleName("Row count")
        self.exact_button = QPushButton("Count exactly")
        self.exact_button.clicked.connect(self._on_exact_clicked)
        self.filter_bar = FilterBar()
        self.filter_bar.filters_changed.connect(self._on_filter_bar_filters_changed)
        self.filter_bar.search_changed.connect(self._on_filter_bar_search_changed)

        self._build_grid(worker)
        self._build_buttons()
        self._build_layout()
        self._on_model_edits_changed(0)
        self.back_button.setEnabled(False)
        self._add_shortcuts()

    def _build_grid(self, worker) -> None:
        self.model = AdminTableModel(self)
        self.model.sort_requested.connect(self._on_model_sort_requested)
        self.model.edits_changed.connect(self._on_model_edits_changed)
        self.model.count_settled.connect(lambda _n: self._show_count())
        self.model.rowsInserted.connect(lambda *_: self._show_count())
        self.model.rowsRemoved.connect(lambda *_: self._show_count())
        self.model.modelReset.connect(self._show_count)
        self.model.load_failed.connect(self._on_model_load_failed)
        # Double-click edits every cell, a foreign key with its picker; following a link is an
        # explicit action (Ctrl+Enter, or "Open referenced row" in the context menu), so that
        # an edit never turns into a jump to another table.
        self.grid = LazyGrid()
        self.grid.setModel(self.model)
        self.grid.setItemDelegate(CellDelegate(worker, self.grid))
        self.grid.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.grid.customContextMenuRequested.connect(self._on_grid_context_menu)
        QShortcut(QKeySequence.StandardKey.Copy, self.grid, self.copy_current)

    def _build_buttons(self) -> None:
        self.add_button = QPushButton("Add row…")
        self.add_button.clicked.connect(self._on_add_clicked)
        self.duplicate_button = QPushButton("Duplicate")
        self.duplicate_button.clicked.connect(self._on_duplicate_clicked)
        self.delete_button = QPushButton("Delete…")
        self.delete_button.clicked.connect(self._on_delete_clicked)
        self.status = QLabel()
        self.status.setObjectName("adminStatus")
        self.status.setWordWrap(True)
        self.revert_button = QPushButton("Revert")
        self.revert_button.clicked.connect(self._on_revert_clicked)
        self.apply_button = QPushButton("Apply")
        self.apply_button.setObjectName("primaryButton")
        self.apply_button.clicked.connect(self._on_apply_clicked)

    def _build_layout(self) -> None:
        header = QHBoxLayout()
        header.addWidget(self.back_button)
        header.addWidget(self.title, 1)
        header.addWidget(self.count_label)
        header.addWidget(self.exact_button)
        footer = QHBoxLayout()
        for button in (self.add_button, self.duplicate_button, self.delete_button):
            footer.addWidget(button)
        footer.addWidget(self.status, 1)
        footer.addWidget(self.revert_button)
        footer.addWidget(self.apply_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.grid, 1)
        layout.addLayout(footer)

    def _add_shortcuts(self) -> None:
        """Keyboard first: every button has a key, active anywhere inside the browser."""
        keys = {
            QKeySequence.StandardKey.Save: self._on_apply_clicked,
            QKeySequence.StandardKey.Find: self.filter_bar.search.setFocus,
            QKeySequence.StandardKey.Back: self.go_back,
            QKeySequence("Ctrl+N"): self._on_add_clicked,
            QKeySequence("Ctrl+D"): self._on_duplicate_clicked,
            QKeySequence(Qt.Key.Key_Delete): self._on_delete_clicked,
            QKeySequence("Ctrl+Return"): self.open_current_reference,
        }
        for key, slot in keys.items():
            shortcut = QShortcut(key, self, slot)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.apply_button.setToolTip("Save every highlighted change (Ctrl+S)")
        self.add_button.setToolTip("Add a row through a form (Ctrl+N)")
        self.duplicate_button.setToolTip("Start a new row from the selected one (Ctrl+D)")
        self.delete_button.setToolTip("Delete the selected rows, after a preview (Delete)")

    # -- views ----------------------------------------------------------------------------------

    def open_table(self, table: str) -> None:
        self.open_view(default_view(table), remember=False)
        self._history.clear()
        self.back_button.setEnabled(False)

    def open_view(self, view: View, *, remember: bool = True) -> bool:
        if not self._may_leave():
            return False
        if remember and self.view is not None:
            self._history.append(self.view)
        self.back_button.setEnabled(bool(self._history))
        self._show_view(view)
        return True

    def go_back(self) -> None:
        if self._history and self._may_leave():
            self._show_view(self._history.pop())
            self.back_button.setEnabled(bool(self._history))

    def _show_view(self, view: View) -> None:
        table_changed = self.view is None or self.view.table != view.table
        self.view = view
        info = view.info
        if table_changed or self.filter_bar.filters != view.filters:
            self.filter_bar.set_table(info, view.filters, view.search)
        parts = [info.title]
        parts += [describe_filter(f) for f in view.filters]
        if view.search:
            parts.append(f'search "{view.search}"')
        self.title.setText(" — ".join(parts))
        read_only = info.read_only
        for button in (self.add_button, self.duplicate_button, self.delete_button):
            button.setEnabled(not read_only)
        self.status.setText("Read only: the audit log is evidence." if read_only else "")
        self.count_label.setText("counting…")
        self.model.set_source(TableSource(self.worker, view, self.backend, owner=self.model))
        sort_index = info.index_of(view.sort_column) if view.sort else -1
        self.grid.show_sort(sort_index, view.descending)
        self.view_changed.emit(view)

    def _may_leave(self) -> bool:
        count = self.model.staged_count
        if not count:
            return True
        answer = QMessageBox.question(
            self,
            "Unsaved changes",
            f"{count} row{'s have' if count != 1 else ' has'} changes not applied yet. "
            "Discard them?",
        )
        return answer == QMessageBox.StandardButton.Yes

    def _show_count(self) -> None:
        rows = self.model.rowCount()
        if self.model.count_is_exact:
            self.count_label.setText(f"{rows:,} rows")
        elif self.model.counts_in_background:
            self.count_label.setText(f"≥ {rows:,} rows (counting…)")
        else:
            self.count_label.setText(f"≈ {rows:,} rows")
        self.exact_button.setVisible(not self.model.count_is_exact)

    def _on_exact_clicked(self) -> None:
        self.count_label.setText("counting…")
        self.model.count_exactly()

    def _on_filter_bar_filters_changed(self, filters) -> None:
        if self.view is not None:
            self.open_view(replace(self.view, filters=tuple(filters)))

    def _on_filter_bar_search_changed(self, text: str) -> None:
        if self.view is not None and text != self.view.search:
            self.open_view(self.view.searching(text))

    def _on_model_sort_requested(self, column: str, descending: bool) -> None:
        if self.view is not None:
            self.open_view(self.view.sorted_by(column, descending), remember=False)

    def _on_model_load_failed(self, message) -> None:
        text = message if isinstance(message, str) else describe_error(message)
        if isinstance(message, ValidationError):
            text = "; ".join(message.errors.values())
        self.status.setText(f"Could not read the table: {text}")
