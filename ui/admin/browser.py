"""Browse one table: filters, search, sort, staged edits, add/duplicate/delete, navigation."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.admin.cascade import cascade_preview
from app.admin.edits import EditsRejected, apply_edits, delete_rows, duplicate_values
from app.admin.related import referenced_view, related_links
from app.admin.view import EQUALS, Filter, View, default_view
from app.errors import ValidationError
from ui.admin.editors import CellDelegate
from ui.admin.filter_bar import FilterBar, describe_filter
from ui.admin.grid import LazyGrid
from ui.admin.refcount import balanced, emit
from ui.admin.row_form import RowForm
from ui.admin.sources import TableSource
from ui.admin.table_model import AdminTableModel
from ui.worker import describe_error


class TableBrowser(QWidget):
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
        self._on_model_edits_changed(0)
        self.back_button.setEnabled(False)
        self._add_shortcuts()

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
        self.model.set_source(TableSource(self.worker, view, self.backend))
        sort_index = info.index_of(view.sort_column) if view.sort else -1
        self.grid.show_sort(sort_index, view.descending)
        emit(self.view_changed, view)

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

    # -- navigation -----------------------------------------------------------------------------

    def open_current_reference(self) -> bool:
        """Open the row the current foreign-key cell points at (Ctrl+Enter)."""
        index = self.grid.currentIndex()
        return index.isValid() and self.open_reference(index.row(), index.column())

    def open_reference(self, row: int, column: int) -> bool:
        values = self.model.row_values(row)
        if values is None or self.view is None:
            return False
        target = referenced_view(self.view.table, self.model.columns[column].name, values[column])
        return target is not None and self.open_view(target)

    def show_related(self, row: int, title: str) -> bool:
        values = self.model.row_values(row)
        if values is None or self.view is None:
            return False
        for link in related_links(self.view.table, values):
            if link.title == title:
                return self.open_view(link.view)
        return False

    def _on_grid_context_menu(self, position) -> None:
        index = self.grid.indexAt(position)
        if not index.isValid():
            return
        menu = self.context_menu(index)
        menu.exec(self.grid.viewport().mapToGlobal(position))
        menu.deleteLater()  # a new menu each time: do not keep the old ones as children

    def context_menu(self, index) -> QMenu:
        menu = QMenu(self)
        row, column = index.row(), index.column()
        values = self.model.row_values(row)
        info = self.model.columns[column]
        menu.addAction("Copy value", self.copy_current)
        if values is None:
            return menu
        if info.references and values[column] is not None:
            menu.addAction(
                "Open referenced row (Ctrl+Enter)", lambda: self.open_reference(row, column)
            )
        links = related_links(self.view.table, values)
        if links:
            related = menu.addMenu("Show related")
            for link in links:
                related.addAction(link.title, lambda t=link.title: self.show_related(row, t))
        if self.model.is_editable(index):
            menu.addSeparator()
            menu.addAction("Edit", lambda: self.grid.edit(index))
            if info.nullable:
                menu.addAction("Set to NULL", lambda: self.model.setData(index, None))
        if self.view.table == "users":  # issue 13: the patron's QR pass
            menu.addAction("Pass…", lambda: self.show_pass(self.model.key_at(row)))
        if not self.view.info.read_only:
            menu.addSeparator()
            menu.addAction("Duplicate row…", self._on_duplicate_clicked)
            menu.addAction("Delete row…", self._on_delete_clicked)
        return menu

    def show_pass(self, patron_id) -> None:
        from ui.passes.pass_dialog import PassDialog  # only when asked: it loads the QR encoder

        dialog = PassDialog(self.worker, patron_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def copy_current(self) -> None:
        index = self.grid.currentIndex()
        if index.isValid():
            value = index.data(Qt.ItemDataRole.EditRole)
            QGuiApplication.clipboard().setText("" if value is None else str(value))

    # -- editing --------------------------------------------------------------------------------

    def _on_model_edits_changed(self, count: int) -> None:
        self.apply_button.setEnabled(count > 0)
        self.revert_button.setEnabled(count > 0)
        if count:
            self.status.setText(f"{count} row{'s' if count != 1 else ''} changed, not applied yet.")

    def _on_revert_clicked(self) -> None:
        self.model.revert()
        self.status.setText("Changes discarded.")

    def _on_apply_clicked(self) -> None:
        edits = self.model.staged_edits()
        if not edits:
            return
        self.apply_button.setEnabled(False)
        station = self.station
        self.status.setText("Saving…")
        self.worker.submit(
            lambda s: apply_edits(s, edits, station=station),
            balanced(self._on_applied),
            balanced(self._on_apply_failed),
        )

    def _on_applied(self, result) -> None:
        self.model.applied()
        self.status.setText(result.message)
        emit(self.rows_written, result.message)

    def _on_apply_failed(self, error) -> None:
        self.apply_button.setEnabled(True)
        if isinstance(error, EditsRejected):
            self.model.set_errors(error.cells)
            messages = list(error.rows.values())
            if error.cells:
                (_key, column), first = next(iter(error.cells.items()))
                count = len(error.cells)
                more = f" ({count} values to correct; hover a red cell)" if count > 1 else ""
                messages.insert(0, f"{column}: {first}{more}")
            self.status.setText("Nothing was saved. " + " ".join(messages))
        else:
            self.status.setText(f"Nothing was saved: {describe_error(error)}")

    def selected_rows(self) -> list[int]:
        rows = {index.row() for index in self.grid.selectionModel().selectedIndexes()}
        if not rows and self.grid.currentIndex().isValid():
            rows = {self.grid.currentIndex().row()}
        return sorted(r for r in rows if self.model.row_values(r) is not None)

    def _on_add_clicked(self) -> None:
        if self.view is not None and not self.view.info.read_only:
            self.open_form()

    def _on_duplicate_clicked(self) -> None:
        rows = self.selected_rows()
        if rows and not self.view.info.read_only:
            self.open_form(duplicate_values(self.view.table, self.model.row_values(rows[0])))

    def open_form(self, values: dict | None = None) -> RowForm:
        form = RowForm(self.worker, self.view.info, self.station, values, self)
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.accepted.connect(lambda: self._on_form_saved(form))
        form.open()
        return form

    def _on_form_saved(self, form: RowForm) -> None:
        message = f"Added a row to {self.view.info.title.lower()}."
        self.status.setText(message)
        self.model.refresh_pages(recount=True)
        if self.view.info.primary_key == "id":
            self.open_view(
                View(self.view.table, filters=(Filter("id", EQUALS, form.inserted_key),))
            )
        emit(self.rows_written, message)

    def _on_delete_clicked(self) -> None:
        rows = self.selected_rows()
        if not rows or self.view is None or self.view.info.read_only:
            return
        keys = [self.model.key_at(r) for r in rows]
        table = self.view.table
        self.worker.submit(
            lambda s: cascade_preview(s, table, keys),
            balanced(lambda preview: self._confirm_delete(table, keys, preview)),
            balanced(self._on_apply_failed),
            write=False,
        )

    def _confirm_delete(self, table: str, keys: list, preview) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Delete rows",
            preview.message + "\n\nThis cannot be undone.",
            QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("deletePreview")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        delete = box.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
        # Enter must never delete: Cancel is the default (and Esc's) button, Delete needs a click
        # or Tab then Space.
        delete.setAutoDefault(False)
        cancel = box.button(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        self.delete_preview = box
        box.finished.connect(
            lambda _r: (
                self._on_delete_confirmed(table, keys) if box.clickedButton() is delete else None
            )
        )
        box.open()

    def _on_delete_confirmed(self, table: str, keys: list) -> None:
        station = self.station
        self.worker.submit(
            lambda s: delete_rows(s, table, keys, station=station),
            balanced(self._on_deleted),
            balanced(self._on_apply_failed),
        )

    def _on_deleted(self, preview) -> None:
        message = preview.result_message
        self.status.setText(message)
        self.model.refresh_pages(recount=True)
        emit(self.rows_written, message)
