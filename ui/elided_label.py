"""A one-line label that gives up width gracefully: part of a long text becomes "…"."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QLabel, QStyle, QStyleOptionFrame


class ElidedLabel(QLabel):
    """Shows as much of its text as fits (the full text stays in `text()` and the tooltip), so a
    long database path or error never widens the window beyond a small screen."""

    MINIMUM_CHARACTERS = 12

    def __init__(self, text: str = "", parent=None, *, elide=Qt.TextElideMode.ElideMiddle):
        super().__init__(text, parent)
        self.elide = elide
        self.setToolTip(text)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        super().setText(text)
        self.setToolTip(text)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        hint = super().minimumSizeHint()
        width = self.fontMetrics().averageCharWidth() * self.MINIMUM_CHARACTERS
        return QSize(min(hint.width(), width), hint.height())

    def paintEvent(self, _event) -> None:  # noqa: N802
        painter = QPainter(self)
        option = QStyleOptionFrame()
        option.initFrom(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_Widget, option, painter, self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        flags = int(self.alignment() | Qt.AlignmentFlag.AlignVCenter)
        painter.drawText(self.contentsRect(), flags, self.shown_text())

    def shown_text(self) -> str:
        """What fits in the label now."""
        return self.fontMetrics().elidedText(self.text(), self.elide, self.contentsRect().width())
