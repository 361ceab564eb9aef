"""*Badge printing…*: where this station's badges go (issue 13). A small dialog over the
station's `BadgeConfig` (enabled, printer, PDF folder), opened from the Admin tab, which is
behind the admin PIN in kiosk and desk mode alike.

Nothing is saved until the choice can work: a printer that this computer does not have, or a
folder that does not exist or cannot be written, is refused with a message under its field.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtPrintSupport import QPrinterInfo
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ui.passes.badge_printer import BadgeConfig

DEFAULT_PRINTER = ""  # the system's default printer, whichever it is at print time
NO_PRINTERS = "No printer is installed on this computer: save the badges as PDF files instead."


def printer_names() -> list[str]:
    return list(QPrinterInfo.availablePrinterNames())


def has_default_printer() -> bool:
    return not QPrinterInfo.defaultPrinter().isNull()


def check_config(config: BadgeConfig, printers: list[str], default_exists: bool) -> dict:
    """{field: message} for what would not work; empty when the settings can be saved.
    Switched off, anything goes (the fields are kept for next time)."""
    if not config.enabled:
        return {}
    if config.pdf_folder:
        folder = Path(config.pdf_folder)
        if not folder.is_dir():
            return {"pdf_folder": f"The folder {folder} does not exist."}
        if not os.access(folder, os.W_OK | os.X_OK):
            return {"pdf_folder": f"CredoPass may not write in {folder}; choose another folder."}
        return {}
    if config.printer == DEFAULT_PRINTER:
        return {} if default_exists else {"printer": NO_PRINTERS}
    if config.printer not in printers:
        return {"printer": f"The printer “{config.printer}” is not available on this computer."}
    return {}


class BadgeSettingsDialog(QDialog):
    # emitted when valid settings were saved (the new BadgeConfig)
    config_saved = Signal(object)

    def __init__(self, parent: QWidget | None = None, *, printers=printer_names):
        super().__init__(parent)
        self.setWindowTitle("Badge printing")
        self.setAccessibleName("Badge printing settings")
        self._printers = printers()
        config = BadgeConfig.load()

        self.enabled_box = QCheckBox("Print a name badge at each check-in on this station")
        self.printer_radio = QRadioButton("Send badges to a printer")
        self.folder_radio = QRadioButton("Save each badge as a PDF file in a folder")
        self._mode = QButtonGroup(self)
        self._mode.addButton(self.printer_radio)
        self._mode.addButton(self.folder_radio)

        self.printer_box = QComboBox()
        self.printer_box.setAccessibleName("Badge printer")
        self.printer_box.addItem("The system's default printer", DEFAULT_PRINTER)
        for name in self._printers:
            self.printer_box.addItem(name, name)
        if config.printer and config.printer not in self._printers:
            # Kept visible so that the supervisor sees what was set, and why it is refused.
            self.printer_box.addItem(f"{config.printer} (not available)", config.printer)
        self.printer_box.setCurrentIndex(max(0, self.printer_box.findData(config.printer)))
        self.printer_error = _error_label()

        self.folder_edit = QLineEdit(config.pdf_folder)
        self.folder_edit.setAccessibleName("Folder for badge PDF files")
        self.folder_edit.setPlaceholderText("A folder for the badge PDF files")
        self.choose_button = QPushButton("Choose…")
        self.choose_button.clicked.connect(self._on_choose_button_clicked)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(self.choose_button)
        self.folder_error = _error_label()

        note = QLabel(
            "The badge layout and paper size are shared by every station; set them with\n"
            "credopass badge-settings --layout … --paper …"
        )
        note.setWordWrap(True)
        note.setObjectName("badgeSettingsNote")

        form = QFormLayout()
        form.addRow(self.enabled_box)
        form.addRow(self.printer_radio)
        form.addRow("Printer:", self.printer_box)
        form.addRow("", self.printer_error)
        form.addRow(self.folder_radio)
        form.addRow("Folder:", folder_row)
        form.addRow("", self.folder_error)

        self.save_button = QPushButton("Save")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addLayout(buttons)

        self.enabled_box.setChecked(config.enabled)
        use_folder = bool(config.pdf_folder) or (not self._printers and not has_default_printer())
        (self.folder_radio if use_folder else self.printer_radio).setChecked(True)
        self.enabled_box.toggled.connect(self._update_fields)
        self._mode.buttonToggled.connect(self._update_fields)
        self._update_fields()
        self.resize(520, self.sizeHint().height())

    def current_config(self) -> BadgeConfig:
        if self.folder_radio.isChecked():
            return BadgeConfig(self.enabled_box.isChecked(), "", self.folder_edit.text().strip())
        return BadgeConfig(self.enabled_box.isChecked(), self.printer_box.currentData(), "")

    def _update_fields(self, *_args) -> None:
        on = self.enabled_box.isChecked()
        for widget in (self.printer_radio, self.folder_radio):
            widget.setEnabled(on)
        self.printer_box.setEnabled(on and self.printer_radio.isChecked())
        for widget in (self.folder_edit, self.choose_button):
            widget.setEnabled(on and self.folder_radio.isChecked())
        self._show_errors({})

    def _on_choose_button_clicked(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, "Folder for badge PDFs", self.folder_edit.text()
        )
        if chosen:
            self.folder_edit.setText(chosen)

    def _on_save_button_clicked(self) -> None:
        config = self.current_config()
        if self.folder_radio.isChecked() and config.enabled and not config.pdf_folder:
            errors = {"pdf_folder": "Choose the folder the badge PDF files go to."}
        else:
            errors = check_config(config, self._printers, has_default_printer())
        if errors:
            self._show_errors(errors)
            (self.folder_edit if "pdf_folder" in errors else self.printer_box).setFocus()
            return
        config.save()
        self.config_saved.emit(config)
        self.accept()

    def _show_errors(self, errors: dict) -> None:
        for field, label in (("printer", self.printer_error), ("pdf_folder", self.folder_error)):
            label.setText(errors.get(field, ""))
            label.setVisible(field in errors)


def _error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("fieldError")
    label.setWordWrap(True)
    label.setVisible(False)
    return label
