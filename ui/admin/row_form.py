"""Add or duplicate a row: a form with the same validation as inline edits."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.admin.catalogue import BOOLEAN, DATETIME, ENUM, INTEGER, TEXT, TableInfo
from app.admin.edits import EditsRejected, insert_row
from app.errors import ValidationError, describe_error
from ui.admin.editors import ReferencePicker, from_qdatetime, to_qdatetime
from ui.operations import Policy


class RowForm(QDialog):
    def __init__(
        self, worker, info: TableInfo, station: str, values: dict | None = None, parent=None
    ):
        super().__init__(parent)
        self.worker = worker
        self.info = info
        self.station = station
        self.inserted_key = None
        self.setWindowTitle(f"Add a row to {info.title.lower()}")
        self.editors: dict[str, tuple] = {}
        self.errors: dict[str, QLabel] = {}
        values = values or {}
        form = QFormLayout()
        for column in info.columns:
            wanted = column.editable or (column.primary_key and column.kind == TEXT)
            if not wanted:
                continue
            editor, getter = self._editor(column, values.get(column.name))
            error = QLabel()
            error.setObjectName("fieldError")
            error.setStyleSheet("color: #b00020")
            box = QWidget()
            row = QVBoxLayout(box)
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(editor)
            row.addWidget(error)
            error.hide()
            form.addRow(column.name, box)
            self.editors[column.name] = (editor, getter)
            self.errors[column.name] = error
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._on_save_clicked)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def _editor(self, column, value):
        if column.references:
            picker = ReferencePicker(self.worker, column.references)
            picker.start(value, None)
            return picker, picker.value
        if column.kind in (BOOLEAN, ENUM):
            combo = QComboBox()
            if column.nullable:
                combo.addItem("NULL", None)
            choices = ("yes", "no") if column.kind == BOOLEAN else column.choices
            for choice in choices:
                combo.addItem(choice, choice if column.kind == ENUM else choice == "yes")
            combo.setCurrentIndex(max(combo.findData(value), 0))
            return combo, combo.currentData
        if column.kind == DATETIME:
            return self._datetime_editor(column, value)
        line = QLineEdit("" if value is None else str(value))
        line.setAccessibleName(column.name)
        if column.kind == INTEGER:
            line.setPlaceholderText(
                "a whole number" + (" (empty: NULL)" if column.nullable else "")
            )
            return line, lambda: _integer(line.text())
        return line, lambda: line.text() if line.text() or not column.nullable else None

    def _datetime_editor(self, column, value):
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        edit = QDateTimeEdit(to_qdatetime(value))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd HH:mm:ss t")
        row.addWidget(edit, 1)
        empty = None
        if column.nullable:
            empty = QCheckBox("NULL")
            empty.setChecked(value is None)
            empty.toggled.connect(lambda on: edit.setEnabled(not on))
            edit.setEnabled(value is not None)
            row.addWidget(empty)
        return (
            box,
            lambda: (
                None if empty is not None and empty.isChecked() else from_qdatetime(edit.dateTime())
            ),
        )

    def values(self) -> dict:
        return {name: getter() for name, (_editor, getter) in self.editors.items()}

    def _on_save_clicked(self) -> None:
        try:
            values = self.values()
        except ValueError as error:
            self.message.setText(str(error))
            return
        for label in self.errors.values():
            label.hide()
        self.save_button.setEnabled(False)
        table, station = self.info.name, self.station
        self.worker.run(
            self,
            lambda s: insert_row(s, table, values, station=station),
            self._on_saved,
            self._on_failed,
            key="save",
            policy=Policy.ONE_AT_A_TIME,
        )

    def _on_saved(self, result) -> None:
        self.inserted_key = result.keys[0]
        self.accept()

    def _on_failed(self, error) -> None:
        self.save_button.setEnabled(True)
        if isinstance(error, EditsRejected):
            for (_key, column), message in error.cells.items():
                if column in self.errors:
                    self.errors[column].setText(message)
                    self.errors[column].show()
            self.message.setText("Please correct the marked fields.")
        elif isinstance(error, ValidationError):
            self.message.setText(str(error))
        else:
            self.message.setText(f"Could not save: {describe_error(error)}")


def _integer(text: str):
    text = text.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise ValueError("Enter a whole number.") from None
