"""Inline editors by column type; foreign keys get a searchable picker, never a raw UUID."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QDateTime, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QLineEdit,
    QSpinBox,
    QStyledItemDelegate,
)

from app.admin.catalogue import BOOLEAN, DATETIME, ENUM, INTEGER, UUID, ColumnInfo
from app.admin.labels import find_references
from ui.operations import Policy


def to_qdatetime(moment: datetime | None) -> QDateTime:
    if moment is None:
        return QDateTime.currentDateTime()
    return QDateTime.fromMSecsSinceEpoch(int(moment.timestamp() * 1000))


def from_qdatetime(value: QDateTime) -> datetime:
    return datetime.fromtimestamp(value.toMSecsSinceEpoch() / 1000, UTC)


class ReferencePicker(QComboBox):
    """Type a name or an email; pick one of at most 20 matches found on the DB worker."""

    def __init__(self, worker, table: str, parent=None):
        super().__init__(parent)
        self.worker = worker
        self.table = table
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setAccessibleName(f"Pick a row of {table}")
        self.lineEdit().setPlaceholderText("Type a name or email…")
        self.chosen = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self._search)
        self.lineEdit().textEdited.connect(lambda _t: self._timer.start())
        self.activated.connect(self._on_activated)

    def start(self, value, label: str | None) -> None:
        self.chosen = value
        if value is not None:
            self.addItem(label or str(value), value)
            self.setCurrentIndex(0)

    def _search(self) -> None:
        text = self.lineEdit().text()
        table = self.table
        self.worker.run(
            self,
            lambda s: find_references(s, table, text),
            self._on_found,
            None,
            write=False,
            key="search",
            policy=Policy.LATEST_ONLY,
        )

    def _on_found(self, matches) -> None:
        typed = self.lineEdit().text()
        self.blockSignals(True)
        self.clear()
        for value, label in matches:
            self.addItem(label, value)
        self.setCurrentIndex(-1)
        self.lineEdit().setText(typed)
        self.blockSignals(False)
        if matches:
            self.showPopup()

    def _on_activated(self, index: int) -> None:
        self.chosen = self.itemData(index)

    def label(self) -> str | None:
        index = self.findData(self.value())
        return self.itemText(index) if index >= 0 else None

    def value(self):
        if self.currentIndex() >= 0 and self.currentText() == self.itemText(self.currentIndex()):
            return self.itemData(self.currentIndex())
        return self.chosen


class CellDelegate(QStyledItemDelegate):
    def __init__(self, worker, parent=None):
        super().__init__(parent)
        self.worker = worker

    def _column(self, index) -> ColumnInfo:
        return index.model().columns[index.column()]

    def createEditor(self, parent, option, index):
        column = self._column(index)
        if column.references:
            return ReferencePicker(self.worker, column.references, parent)
        if column.kind == INTEGER:
            editor = QSpinBox(parent)
            editor.setRange(-(2**31), 2**31 - 1)
            return editor
        if column.kind in (BOOLEAN, ENUM):
            editor = QComboBox(parent)
            choices = ("yes", "no") if column.kind == BOOLEAN else column.choices
            for choice in choices:
                editor.addItem(choice, choice if column.kind == ENUM else choice == "yes")
            return editor
        if column.kind == DATETIME:
            editor = QDateTimeEdit(parent)
            editor.setCalendarPopup(True)
            editor.setDisplayFormat("yyyy-MM-dd HH:mm:ss t")  # local time with its zone
            return editor
        if column.kind == UUID:
            return None
        return QLineEdit(parent)

    def setEditorData(self, editor, index):
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, ReferencePicker):
            editor.start(value, index.data(Qt.ItemDataRole.DisplayRole) if value else None)
        elif isinstance(editor, QSpinBox):
            editor.setValue(int(value or 0))
        elif isinstance(editor, QComboBox):
            found = editor.findData(value)
            editor.setCurrentIndex(max(found, 0))
        elif isinstance(editor, QDateTimeEdit):
            editor.setDateTime(to_qdatetime(value))
        elif isinstance(editor, QLineEdit):
            editor.setText("" if value is None else str(value))

    def setModelData(self, editor, model, index):
        if isinstance(editor, ReferencePicker):
            value = editor.value()
            if value is None:
                return
            if hasattr(model, "set_staged_label"):
                model.set_staged_label(index, editor.label())
        elif isinstance(editor, QSpinBox):
            value = editor.value()
        elif isinstance(editor, QComboBox):
            value = editor.currentData()
        elif isinstance(editor, QDateTimeEdit):
            value = from_qdatetime(editor.dateTime())
        else:
            value = editor.text()
        model.setData(index, value, Qt.ItemDataRole.EditRole)
