"""A report as PDF: its title, figures and tables (and the charts the screen shows) laid out by
QTextDocument and written by QPdfWriter. Works without a display (offscreen), so the command
line's `report --pdf` uses it too."""

from __future__ import annotations

import html
import os
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF
from PySide6.QtGui import QGuiApplication, QImage, QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtWidgets import QApplication

from app.reports import ReportDocument
from app.reports.tables import cell_text


def report_html(document: ReportDocument, images: list[QImage] | None = None) -> str:
    parts = [f"<h1>{html.escape(document.title)}</h1>"]
    parts += [f"<p>{html.escape(line)}</p>" for line in document.lines]
    for image in images or []:
        parts.append(f'<p><img src="data:image/png;base64,{_png_base64(image)}" width="600"></p>')
    for table in document.tables:
        parts.append(f"<h2>{html.escape(table.title)}</h2>")
        head = "".join(f"<th>{html.escape(h)}</th>" for h in table.headers)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(cell_text(v))}</td>" for v in row) + "</tr>"
            for row in table.rows
        )
        if not table.rows:
            body = f'<tr><td colspan="{len(table.headers)}">Nothing in this period.</td></tr>'
        parts.append(
            f'<table border="1" cellspacing="0" cellpadding="3"><tr>{head}</tr>{body}</table>'
        )
    return "\n".join(parts)


def _png_base64(image: QImage) -> str:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.toBase64()).decode("ascii")


def write_pdf(document: ReportDocument, path: Path | str, images: list[QImage] | None = None):
    """Write the PDF; raises OSError when the file cannot be written."""
    _ensure_gui_application()
    path = Path(path)
    path.touch()  # QPdfWriter fails silently; find out here, with the OS's reason
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter)
    writer.setTitle(document.title)
    text = QTextDocument()
    text.setHtml(report_html(document, images))
    text.print_(writer)
    del writer  # the file is finished when the writer goes


_app = None


def _ensure_gui_application() -> None:
    """Fonts and page layout need a QGuiApplication; a command line has none (nor a display).
    A QApplication, not a bare QGuiApplication: a process that later shows widgets (a test
    run) would otherwise abort on its first QWidget."""
    global _app
    if QGuiApplication.instance() is not None:
        return
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _app = QApplication([])
