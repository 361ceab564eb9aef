"""Draw app.passes.layout Pages with QPainter: on a QPrinter (any system printer, label
printers included) or into a QImage (*Save PNG…*, previews). Same layout as the PDF writer;
Qt's fonts draw every script, and text still too wide for its box is shrunk once more with the
real font's metrics."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPen,
)
from PySide6.QtPrintSupport import QPrinter

from app.passes.layout import QUIET_ZONE, CutLine, Page, QrBox, TextBox, qr_matrix

FONT_FAMILY = "Helvetica"


def paint_page(painter: QPainter, page: Page, dots_per_mm: float) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    for item in page.items:
        if isinstance(item, QrBox):
            _paint_qr(painter, item, dots_per_mm)
        elif isinstance(item, TextBox):
            _paint_text(painter, item, dots_per_mm)
        elif isinstance(item, CutLine):
            pen = QPen(QColor(170, 170, 170), max(1.0, 0.3 * dots_per_mm), Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(_rect(item.x, item.y, item.width, item.height, dots_per_mm))
    painter.restore()


def page_image(page: Page, dpi: int = 200) -> QImage:
    dots = dpi / 25.4
    image = QImage(round(page.width * dots), round(page.height * dots), QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    image.setDotsPerMeterX(round(dots * 1000))
    image.setDotsPerMeterY(round(dots * 1000))
    painter = QPainter(image)
    paint_page(painter, page, dots)
    painter.end()
    return image


def print_pages(printer: QPrinter, pages: Iterable[Page]) -> int:
    """Print pages, each on paper of its own size; returns how many were printed."""
    painter = None
    count = 0
    for page in pages:
        size = QPageSize(QSizeF(page.width, page.height), QPageSize.Unit.Millimeter)
        layout = QPageLayout(size, QPageLayout.Orientation.Portrait, QMarginsF())
        printer.setPageLayout(layout)
        if painter is None:
            printer.setFullPage(True)
            painter = QPainter()
            if not painter.begin(printer):
                raise OSError("the printer did not accept the job")
        elif not printer.newPage():
            raise OSError("the printer stopped taking pages")
        paint_page(painter, page, printer.resolution() / 25.4)
        count += 1
    if painter is not None:
        painter.end()
    return count


def _rect(x, y, w, h, dots) -> QRectF:
    return QRectF(x * dots, y * dots, w * dots, h * dots)


def _paint_qr(painter: QPainter, box: QrBox, dots: float) -> None:
    matrix = qr_matrix(box.code)
    unit = box.size * dots / (len(matrix) + 2 * QUIET_ZONE)
    left, top = box.x * dots + QUIET_ZONE * unit, box.y * dots + QUIET_ZONE * unit
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("black"))
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:  # a hair of overlap: no white seams between modules when scaled
                painter.drawRect(QRectF(left + c * unit, top + r * unit, unit + 0.5, unit + 0.5))


def _paint_text(painter: QPainter, box: TextBox, dots: float) -> None:
    font = QFont(FONT_FAMILY)
    font.setPixelSize(max(1, round(box.size / 72 * 25.4 * dots)))
    font.setBold(box.bold)
    rect = _rect(box.x, box.y, box.width, box.height, dots)
    width = QFontMetricsF(font).horizontalAdvance(box.text)
    if width > rect.width() > 0:
        font.setPixelSize(max(1, int(font.pixelSize() * rect.width() / width)))
    painter.setFont(font)
    painter.setPen(QColor("black"))
    align = Qt.AlignmentFlag.AlignVCenter | (
        Qt.AlignmentFlag.AlignHCenter if box.align == "center" else Qt.AlignmentFlag.AlignLeft
    )
    painter.drawText(rect, align, box.text)
