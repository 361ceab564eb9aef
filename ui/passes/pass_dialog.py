"""A patron's pass on screen (Admin → users row → *Pass…*, and after a walk-in): the card as
it prints, with *Print…*, *Save PDF…* and *Save PNG…*. The pass is read (issued the first time)
on the DB worker; files are written with the same renderers the command line uses."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.checkin.identify import identify
from app.passes.cards import card_page
from app.passes.pdf import write_pdf
from app.passes.store import PatronPassInfo, current_pass
from ui.passes.painter import page_image, print_pages

PREVIEW_DPI = 160


def load_pass(session, patron_id: uuid.UUID) -> PatronPassInfo | None:
    patron = identify(session, patron_id)
    return current_pass(session, patron) if patron is not None else None


class PassDialog(QDialog):
    # emitted when the pass arrived from the worker and is shown
    pass_loaded = Signal(object)
    # emitted when a file was written or a print job sent (the path, or "printer")
    pass_saved = Signal(str)

    def __init__(self, worker, patron_id: uuid.UUID, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Patron pass")
        self.info: PatronPassInfo | None = None
        self.card = QLabel("Loading the pass…")
        self.card.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.card.setAccessibleName("The patron's pass")
        self.code_label = QLabel()
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.print_button = QPushButton("Print…")
        self.pdf_button = QPushButton("Save PDF…")
        self.png_button = QPushButton("Save PNG…")
        for button, slot in (
            (self.print_button, self._on_print_button_clicked),
            (self.pdf_button, self._on_pdf_button_clicked),
            (self.png_button, self._on_png_button_clicked),
        ):
            button.setEnabled(False)
            button.clicked.connect(slot)
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.card, 1)
        layout.addWidget(self.code_label)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        worker.run(
            self, lambda s: load_pass(s, patron_id), self._on_worker_loaded, self._on_worker_failed
        )

    def _on_worker_loaded(self, info: PatronPassInfo | None) -> None:
        if info is None:
            self.card.setText("This patron no longer exists.")
            return
        self.info = info
        self.card.setPixmap(QPixmap.fromImage(page_image(card_page(info), PREVIEW_DPI)))
        self.code_label.setText(f"{info.patron.full_name} · pass {info.code}")
        for button in (self.print_button, self.pdf_button, self.png_button):
            button.setEnabled(True)
        self.pass_loaded.emit(info)

    def _on_worker_failed(self, error) -> None:
        self.card.setText("The pass could not be loaded. Try again in a moment.")

    def _file_name(self, suffix: str) -> str:
        name = f"{self.info.patron.first_name}-{self.info.patron.last_name}-pass.{suffix}"
        return "".join(ch if ch.isalnum() or ch in "-." else "_" for ch in name)

    def save_pdf(self, path: str) -> None:
        try:
            with open(path, "wb") as stream:
                write_pdf(stream, [card_page(self.info)], title=self.info.code)
        except OSError as exc:
            self.status.setText(f"Could not save {path}: {exc.strerror}")
            return
        self._saved(path)

    def save_png(self, path: str) -> None:
        if not page_image(card_page(self.info), 300).save(path, "PNG"):
            self.status.setText(f"Could not save {path}.")
            return
        self._saved(path)

    def _saved(self, where: str) -> None:
        self.status.setText(f"Saved: {where}")
        self.pass_saved.emit(where)

    def _on_pdf_button_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save pass as PDF", self._file_name("pdf"), "PDF (*.pdf)"
        )
        if path:
            self.save_pdf(path)

    def _on_png_button_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save pass as PNG", self._file_name("png"), "PNG image (*.png)"
        )
        if path:
            self.save_png(path)

    def _on_print_button_clicked(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        chooser = QPrintDialog(printer, self)
        chooser.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # one per click
        if chooser.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            print_pages(printer, [card_page(self.info)])
        except OSError as exc:
            self.status.setText(f"Not printed: {exc}")
            return
        self.status.setText("Sent to the printer.")
        self.pass_saved.emit("printer")
