"""The table browser's writes: staged edits applied or reverted, rows added or duplicated
through a form, rows deleted after a cascade preview.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton, QWidget

from app.admin.cascade import cascade_preview
from app.admin.edits import EditsRejected, apply_edits, delete_rows, duplicate_values
from app.admin.view import EQUALS, Filter, View
from app.errors import describe_error
from ui.admin.grid import LazyGrid
from ui.admin.row_form import RowForm
from ui.admin.table_model import AdminTableModel
from ui.operations import Policy

# Type checkers see the mixin as the widget it is mixed into; at run time it is a plain class.
_Widget = QWidget if TYPE_CHECKING else object


class BrowserEditing(_Widget):
    """Mixed into TableBrowser; what it uses of the browser is listed here."""

    worker: object
    station: str
    view: View | None
    model: AdminTableModel
    grid: LazyGrid
    status: QLabel
    apply_button: QPushButton
    revert_button: QPushButton
    rows_written: object  # a Signal(str) of TableBrowser
    open_view: Callable[..., bool]

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
        self.worker.run(
            self,
            lambda s: apply_edits(s, edits, station=station),
            self._on_applied,
            self._on_apply_failed,
            key="write",
            policy=Policy.ONE_AT_A_TIME,
        )

    def _on_applied(self, result) -> None:
        self.model.applied()
        self.status.setText(result.message)
        self.rows_written.emit(result.message)

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
        self.rows_written.emit(message)

    def _on_delete_clicked(self) -> None:
        rows = self.selected_rows()
        if not rows or self.view is None or self.view.info.read_only:
            return
        keys = [self.model.key_at(r) for r in rows]
        table = self.view.table
        self.worker.run(
            self,
            lambda s: cascade_preview(s, table, keys),
            lambda preview: self._confirm_delete(table, keys, preview),
            self._on_apply_failed,
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
        self.worker.run(
            self,
            lambda s: delete_rows(s, table, keys, station=station),
            self._on_deleted,
            self._on_apply_failed,
            key="write",
            policy=Policy.ONE_AT_A_TIME,
        )

    def _on_deleted(self, preview) -> None:
        message = preview.result_message
        self.status.setText(message)
        self.model.refresh_pages(recount=True)
        self.rows_written.emit(message)
