"""The table browser's navigation: following a foreign key, related rows, the context menu,
a patron's pass, copying a cell.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMenu, QWidget

from app.admin.related import referenced_view, related_links
from app.admin.view import View
from ui.admin.grid import LazyGrid
from ui.admin.table_model import AdminTableModel

# Type checkers see the mixin as the widget it is mixed into; at run time it is a plain class.
_Widget = QWidget if TYPE_CHECKING else object


class BrowserNavigation(_Widget):
    """Mixed into TableBrowser; what it uses of the browser is listed here."""

    worker: object
    view: View | None
    model: AdminTableModel
    grid: LazyGrid
    open_view: Callable[[View], bool]
    _on_duplicate_clicked: Callable[[], None]
    _on_delete_clicked: Callable[[], None]

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
