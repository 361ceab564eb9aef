"""Test helpers: PDFs rendered back to pixels with Qt's own PDF reader (no system package),
their text read back with pypdf, and QR codes read from pixels with zxing-cpp."""

from __future__ import annotations

from pathlib import Path

import zxingcpp
from pypdf import PdfReader
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtPdf import QPdfDocument


def pdf_images(path: Path, dpi: int = 150) -> list[QImage]:
    document = QPdfDocument()
    assert document.load(str(path)) == QPdfDocument.Error.None_, f"{path} did not load"
    images = []
    for index in range(document.pageCount()):
        size = document.pagePointSize(index)
        pixels = QSize(round(size.width() * dpi / 72), round(size.height() * dpi / 72))
        rendered = document.render(index, pixels)  # transparent where the page is blank
        page = QImage(pixels, QImage.Format.Format_RGB32)
        page.fill(QColor("white"))
        painter = QPainter(page)
        painter.drawImage(0, 0, rendered)
        painter.end()
        images.append(page.convertToFormat(QImage.Format.Format_Grayscale8))
    document.close()
    return images


def qr_texts(image: QImage) -> list[str]:
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    return [b.text for b in zxingcpp.read_barcodes(grey, formats=zxingcpp.BarcodeFormat.QRCode)]


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)
