"""The filter row: one search box across text columns, and filters per column as chips."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.admin.catalogue import BOOLEAN, DATETIME, ENUM, INTEGER, UUID, TableInfo
from app.admin.view import CONTAINS, EQUALS, IS_NULL, NOT_NULL, RANGE, Filter, coerce_value
from app.errors import ValidationError

_OP_TEXT = {
    CONTAINS: "contains",
    EQUALS: "equals",
    RANGE: "between",
    IS_NULL: "is NULL",
    NOT_NULL: "is not NULL",
}


def operators_for(kind: str) -> tuple[str, ...]:
    if kind in (INTEGER, DATETIME):
        return (RANGE, EQUALS, IS_NULL, NOT_NULL)
    if kind in (UUID, BOOLEAN, ENUM):
        return (EQUALS, IS_NULL, NOT_NULL)
    return (CONTAINS, EQUALS, IS_NULL, NOT_NULL)


def describe_filter(flt: Filter) -> str:
    if flt.op in (IS_NULL, NOT_NULL):
        return f"{flt.column} {_OP_TEXT[flt.op]}"
    if flt.op == RANGE:
        low = flt.value if flt.value not in (None, "") else "…"
        high = flt.upper if flt.upper not in (None, "") else "…"
        return f"{flt.column} {low} – {high}"
    return f"{flt.column} {_OP_TEXT[flt.op]} {flt.value}"


class FilterBar(QWidget):
    # emitted when the set of filters changed (tuple of Filter)
    filters_changed = Signal(object)
    # emitted when the search text changed (after a short pause in typing)
    search_changed = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._info: TableInfo | None = None
        self._filters: tuple[Filter, ...] = ()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search text columns…")
        self.search.setAccessibleName("Search")
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self._on_search_return_pressed)
        self.search.textChanged.connect(self._on_search_text_changed)
        self.column = QComboBox()
        self.column.setAccessibleName("Filter column")
        self.column.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.column.currentIndexChanged.connect(self._on_column_changed)
        self.operator = QComboBox()
        self.operator.setAccessibleName("Filter operator")
        self.operator.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.operator.currentIndexChanged.connect(self._on_operator_changed)
        self.value = QLineEdit()
        self.value.setAccessibleName("Filter value")
        self.value.returnPressed.connect(self._on_add_clicked)
        self.upper = QLineEdit()
        self.upper.setAccessibleName("Filter upper bound")
        self.upper.setPlaceholderText("to")
        self.upper.returnPressed.connect(self._on_add_clicked)
        self.add_button = QPushButton("Add filter")
        self.add_button.clicked.connect(self._on_add_clicked)
        self.message = QLabel()
        self.message.setObjectName("filterMessage")
        self.message.setStyleSheet("color: #b00020")
        self.chips = QHBoxLayout()
        self.chips.setContentsMargins(0, 0, 0, 0)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.search, 2)
        top.addWidget(QLabel("Filter:"))
        top.addWidget(self.column)
        top.addWidget(self.operator)
        top.addWidget(self.value, 1)
        top.addWidget(self.upper, 1)
        top.addWidget(self.add_button)
        # The chips row takes no room until there is a filter or a message to show.
        self.chips_box = QWidget()
        chips_row = QHBoxLayout(self.chips_box)
        chips_row.setContentsMargins(0, 0, 0, 0)
        chips_row.addLayout(self.chips)
        chips_row.addWidget(self.message, 1)
        self.chips_box.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.chips_box)

    def set_table(self, info: TableInfo, filters=(), search: str = "") -> None:
        self._info = info
        self.column.blockSignals(True)
        self.column.clear()
        for column in info.columns:
            self.column.addItem(column.name)
        # Start on the first text column: filtering by a raw id is the rare case.
        first_text = next((i for i, c in enumerate(info.columns) if c.kind == "text"), 0)
        self.column.setCurrentIndex(first_text)
        self.column.blockSignals(False)
        self._on_column_changed(first_text)
        self.search.blockSignals(True)
        self.search.setText(search)
        self.search.blockSignals(False)
        searchable = any(c.is_text and c.kind != UUID for c in info.columns)
        self.search.setEnabled(searchable)
        self.search.setPlaceholderText(
            "Search text columns…" if searchable else "No text columns here: use a filter"
        )
        self._filters = tuple(filters)
        self._show_chips()

    @property
    def filters(self) -> tuple[Filter, ...]:
        return self._filters

    def _on_column_changed(self, _index: int) -> None:
        if self._info is None or self.column.currentIndex() < 0:
            return
        column = self._info.columns[self.column.currentIndex()]
        self.operator.blockSignals(True)
        self.operator.clear()
        for op in operators_for(column.kind):
            self.operator.addItem(_OP_TEXT[op], op)
        self.operator.blockSignals(False)
        hint = {
            DATETIME: "from, e.g. 2026-05-01 18:00",
            INTEGER: "from",
            BOOLEAN: "yes or no",
            ENUM: " / ".join(column.choices),
            UUID: "an id",
        }
        self.value.setPlaceholderText(hint.get(column.kind, "text"))
        self._on_operator_changed(0)

    def _on_operator_changed(self, _index: int) -> None:
        op = self.operator.currentData()
        self.upper.setVisible(op == RANGE)
        self.value.setEnabled(op not in (IS_NULL, NOT_NULL))

    def _on_add_clicked(self) -> None:
        if self._info is None:
            return
        column = self._info.columns[self.column.currentIndex()]
        op = self.operator.currentData()
        value = self.value.text().strip() if self.value.isEnabled() else None
        upper = self.upper.text().strip() if op == RANGE else None
        if op in (CONTAINS, EQUALS) and not value:
            self._say("Type a value to filter on.")
            return
        if op == RANGE and not value and not upper:
            self._say("Type a lower or an upper bound (or both).")
            return
        try:
            if op != CONTAINS:
                for bound in (value, upper):
                    if bound:
                        coerce_value(column, bound)
        except ValidationError as error:
            self._say(f"{column.name}: {error.errors[column.name]}")
            return
        self._say("")
        flt = Filter(column.name, op, value, upper)
        self._filters = tuple(f for f in self._filters if f.column != column.name) + (flt,)
        self.value.clear()
        self.upper.clear()
        self._show_chips()
        self.filters_changed.emit(self._filters)

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.chips_box.setVisible(bool(text) or bool(self._filters))

    def remove_filter(self, column: str) -> None:
        self._filters = tuple(f for f in self._filters if f.column != column)
        self._show_chips()
        self.filters_changed.emit(self._filters)

    def _show_chips(self) -> None:
        while self.chips.count():
            widget = self.chips.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        for flt in self._filters:
            chip = QToolButton()
            chip.setObjectName("filterChip")
            chip.setText(f"{describe_filter(flt)}  ✕")
            chip.setToolTip("Remove this filter")
            chip.setAccessibleName(f"Remove filter {describe_filter(flt)}")
            chip.clicked.connect(lambda _c=False, name=flt.column: self.remove_filter(name))
            self.chips.addWidget(chip)
        self.chips_box.setVisible(bool(self._filters) or bool(self.message.text()))

    def _on_search_text_changed(self, text: str) -> None:
        if not text:
            self.search_changed.emit("")

    def _on_search_return_pressed(self) -> None:
        self.search_changed.emit(self.search.text().strip())
