"""How a cell looks: local times with their zone, labels for foreign keys, NULL in grey."""

from __future__ import annotations

import uuid
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont

from app.admin.catalogue import BOOLEAN, INTEGER, ColumnInfo
from app.no_email import NO_EMAIL, is_placeholder_email

NULL_TEXT = "NULL"
STAGED_BRUSH = QBrush(QColor("#fff3b0"))
ERROR_BRUSH = QBrush(QColor("#ffc9c9"))
NULL_BRUSH = QBrush(QColor("#8a8a8a"))


def local_time_text(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")


def display_text(column: ColumnInfo, value, label: str | None = None) -> str:
    if value is None:
        return NULL_TEXT
    if label is not None:
        return label
    if isinstance(value, datetime):
        return local_time_text(value)
    if isinstance(value, bool) or column.kind == BOOLEAN:
        return "yes" if value else "no"
    if isinstance(value, uuid.UUID):
        return str(value)
    if column.name == "email" and is_placeholder_email(value):
        return NO_EMAIL  # members (issue 15): the stored placeholder is in the tooltip
    return str(value)


def tooltip_text(column: ColumnInfo, value, label, error: str | None) -> str | None:
    """What hovering a cell shows: its error, or the raw value behind what the cell shows."""
    if error:
        return error
    if label is not None or isinstance(value, uuid.UUID):
        return str(value)
    if column.name == "email" and is_placeholder_email(value):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    return None


class CellFormatter:
    def __init__(self):
        self._italic = QFont()
        self._italic.setItalic(True)

    def data(self, column: ColumnInfo, value, label, role, staged: bool, error: str | None):
        if role == Qt.ItemDataRole.DisplayRole:
            return display_text(column, value, label)
        if role in (Qt.ItemDataRole.EditRole, Qt.ItemDataRole.UserRole):
            return value
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip_text(column, value, label, error)
        if role == Qt.ItemDataRole.BackgroundRole:
            if error:
                return ERROR_BRUSH
            return STAGED_BRUSH if staged else None
        if role == Qt.ItemDataRole.ForegroundRole:
            return NULL_BRUSH if value is None else None
        if role == Qt.ItemDataRole.FontRole:
            return self._italic if value is None else None
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        if role == Qt.ItemDataRole.TextAlignmentRole and (column.kind == INTEGER or numeric):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
