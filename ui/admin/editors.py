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
from sqlalchemy import select

from app.admin.catalogue import BOOLEAN, DATETIME, ENUM, INTEGER, UUID, ColumnInfo
from app.admin.labels import event_label, user_label
from db.models import Event
from ui.admin.refcount import balanced
from ui.operations import Policy

PICKER_LIMIT = 20


def to_qdatetime(moment: datetime | None) -> QDateTime:
    if moment is None:
        return QDateTime.currentDateTime()
    return QDateTime.fromMSecsSinceEpoch(int(moment.timestamp() * 1000))


def from_qdatetime(value: QDateTime) -> datetime:
    return datetime.fromtimestamp(value.toMSecsSinceEpoch() / 1000, UTC)


def find_references(session, table: str, text: str) -> list[tuple[object, str]]:
    """At most 20 (id, label) rows of users or events matching what was typed."""
    text = text.strip()
    if len(text) < 2:
        return []
    if table == "users":
        try:
            from app.search import search_patrons
        except ImportError:  # pragma: no cover - the search helper is part of the app
            return []
        matches = search_patrons(session, text, limit=PICKER_LIMIT, reveal=True)
        return [(m.id, user_label(m.first_name, m.last_name, m.email or "")) for m in matches]
    query = (
        select(Event.id, Event.name, Event.start_time)
        .where(Event.name.icontains(text, autoescape=True))
        .order_by(Event.start_time.desc())
        .limit(PICKER_LIMIT)
    )
    # a weekly series shares one name: the date tells its events apart
    return [(row[0], event_label(row[1], row[2])) for row in session.execute(query)]


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
            balanced(self._on_found),
            balanced(None),
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
