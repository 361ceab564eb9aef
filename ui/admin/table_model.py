"""The lazy grid with staged edits: changed cells are highlighted until Apply or Revert."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal

from app.admin.catalogue import HIDDEN_TEXT, is_secret_setting
from app.admin.edits import RowEdit
from ui.admin.lazy_model import LazyTableModel

_MISSING = object()


class AdminTableModel(LazyTableModel):
    # emitted when the number of staged edits changed (how many rows have staged edits)
    edits_changed = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._staged: dict[object, dict[str, object]] = {}  # key -> column -> new value
        self._errors: dict[tuple, str] = {}  # (key, column) -> message
        self._labels_staged: dict[tuple, str] = {}  # (key, column) -> label of a new FK value

    @property
    def table(self):
        view = getattr(self.source, "view", None)
        return view.info if view is not None else None

    def set_source(self, source) -> None:
        self._staged.clear()
        self._labels_staged.clear()
        self._errors.clear()
        super().set_source(source)
        self.edits_changed.emit(0)

    def key_at(self, row: int):
        values = self.row_values(row)
        info = self.table
        if values is None or info is None:
            return None
        return values[info.index_of(info.primary_key)]

    def is_editable(self, index) -> bool:
        info = self.table
        if info is None or info.read_only:
            return False
        column = info.columns[index.column()]
        if not column.editable:
            return False
        values = self.row_values(index.row())
        if values is None:
            return False
        if info.name == "settings" and is_secret_setting(str(values[0])):
            return False
        return not (info.name == "settings" and values[index.column()] == HIDDEN_TEXT)

    def staged_value(self, row: int, column: int):
        key = self.key_at(row)
        if key is None or key not in self._staged:
            return None
        value = self._staged[key].get(self.columns[column].name, _MISSING)
        return None if value is _MISSING else (value,)

    def staged_label(self, row: int, column: int):
        return self._labels_staged.get((self.key_at(row), self.columns[column].name))

    def set_staged_label(self, index, label: str | None) -> None:
        """The picker knows how the chosen row is named; show that instead of its UUID."""
        key = self.key_at(index.row())
        if key is not None and label:
            self._labels_staged[(key, self.columns[index.column()].name)] = label

    def cell_error(self, row: int, column: int):
        key = self.key_at(row)
        return self._errors.get((key, self.columns[column].name)) if key is not None else None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole):
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not self.is_editable(index):
            return False
        key = self.key_at(index.row())
        name = self.columns[index.column()].name
        original = self.row_values(index.row())[index.column()]
        row_edits = self._staged.setdefault(key, {})
        if value == original and type(value) is type(original):
            row_edits.pop(name, None)
            if not row_edits:
                del self._staged[key]
        else:
            row_edits[name] = value
        self._errors.pop((key, name), None)
        self.dataChanged.emit(index, index)
        self.edits_changed.emit(len(self._staged))
        return True

    def staged_edits(self) -> list[RowEdit]:
        table = self.table.name
        return [RowEdit(table, key, dict(changes)) for key, changes in self._staged.items()]

    @property
    def staged_count(self) -> int:
        return len(self._staged)

    def revert(self) -> None:
        self._staged.clear()
        self._labels_staged.clear()
        self._errors.clear()
        self._refresh_all()
        self.edits_changed.emit(0)

    def set_errors(self, cells: dict[tuple, str]) -> None:
        self._errors = dict(cells)
        self._refresh_all()

    def applied(self) -> None:
        """The staged edits were written: read the pages again to show what the database has."""
        self._staged.clear()
        self._labels_staged.clear()
        self._errors.clear()
        self.edits_changed.emit(0)
        self.refresh_pages()

    def _refresh_all(self) -> None:
        if self.rowCount() and self.columns:
            bottom = self.index(self.rowCount() - 1, len(self.columns) - 1)
            self.dataChanged.emit(self.index(0, 0), bottom)
