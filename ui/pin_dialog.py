"""The admin PIN dialog: asks for the PIN, or (no PIN set yet, kiosk mode) for a first one
typed twice. What a PIN means is decided by ui.lock.AdminLock, which calls `show_*` back."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.errors import ValidationError
from app.pin import PIN_MAX_DIGITS, validate_pin
from ui.kiosk.style import kiosk_style_sheet


class PinDialog(QDialog):
    """Asks for the admin PIN; the gate decides what a PIN means and calls `show_*` back."""

    # emitted when the person submitted a PIN to check
    pin_submitted = Signal(str)
    # emitted when the person chose a new PIN (typed twice, valid) while none was set
    new_pin_submitted = Signal(str)

    def __init__(self, reason: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("pinDialog")
        self.setStyleSheet(kiosk_style_sheet())
        self.setWindowTitle("Admin PIN")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.reason_label = QLabel(reason)
        self.reason_label.setObjectName("pinReason")
        self.reason_label.setWordWrap(True)
        self.pin_edit = QLineEdit()
        self.pin_edit.setObjectName("pinInput")
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_edit.setMaxLength(PIN_MAX_DIGITS)
        self.pin_edit.setValidator(QRegularExpressionValidator(r"[0-9]*", self.pin_edit))
        self.pin_edit.setAccessibleName("Admin PIN")
        self.pin_edit.setPlaceholderText("PIN")
        # Shown only while a first PIN is being chosen (the same rules as `admin set-pin`).
        self.again_edit = QLineEdit()
        self.again_edit.setObjectName("pinAgainInput")
        self.again_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.again_edit.setMaxLength(PIN_MAX_DIGITS)
        self.again_edit.setValidator(QRegularExpressionValidator(r"[0-9]*", self.again_edit))
        self.again_edit.setAccessibleName("Admin PIN again")
        self.again_edit.setPlaceholderText("The same PIN again")
        self.again_edit.setVisible(False)
        self.setting_pin = False
        self.message_label = QLabel("")
        self.message_label.setObjectName("pinMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setAccessibleName("PIN message")
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Unlock")
        self.ok_button.setAccessibleName("Unlock")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.reason_label)
        layout.addWidget(self.pin_edit)
        layout.addWidget(self.again_edit)
        layout.addWidget(self.message_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)

    def _on_buttons_accepted(self) -> None:
        pin = self.pin_edit.text()
        if self.setting_pin:
            self._submit_new_pin(pin, self.again_edit.text())
            return
        if not pin:
            self.show_message("Type the PIN first.")
            return
        self.set_busy(True)
        self.pin_submitted.emit(pin)

    def _submit_new_pin(self, pin: str, again: str) -> None:
        try:
            validate_pin(pin)
        except ValidationError as exc:
            self.show_message(exc.errors["pin"])
            self.again_edit.clear()
            return
        if not again:
            self.message_label.setText("Type the same PIN again below.")
            self.again_edit.setFocus()
            return
        if pin != again:
            self.show_message("The two PINs differ. Type the new PIN twice again.")
            self.again_edit.clear()
            return
        self.set_busy(True)
        self.new_pin_submitted.emit(pin)

    def show_set_pin(self, text: str) -> None:
        """Ask for a first PIN, twice (kiosk mode with no PIN yet)."""
        self.setting_pin = True
        self._reason = self.reason_label.text()
        self.reason_label.setText(text)  # stays up while errors come and go below
        self.pin_edit.setPlaceholderText("New PIN (4 to 12 digits)")
        self.setWindowTitle("Set the admin PIN")
        self.ok_button.setText("Set PIN")
        self.ok_button.setAccessibleName("Set PIN")
        self.again_edit.setVisible(True)
        self.again_edit.clear()
        self.show_message("Type the new PIN in both fields and press Enter.")

    def show_unlock(self, text: str) -> None:
        """Back to asking for the PIN (after a first one was set)."""
        self.setting_pin = False
        self.reason_label.setText(getattr(self, "_reason", self.reason_label.text()))
        self.pin_edit.setPlaceholderText("PIN")
        self.setWindowTitle("Admin PIN")
        self.ok_button.setText("Unlock")
        self.ok_button.setAccessibleName("Unlock")
        self.again_edit.setVisible(False)
        self.again_edit.clear()
        self.show_message(text)

    def set_busy(self, busy: bool) -> None:
        self.ok_button.setEnabled(not busy)
        self.pin_edit.setEnabled(not busy)
        self.again_edit.setEnabled(not busy)
        if busy:
            self.message_label.setText("Checking…")
            self._fit_text()

    def _fit_text(self) -> None:
        # A wrapped message can need more lines than the dialog had: grow, never cut it off.
        needed = self.layout().totalHeightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)

    def show_message(self, text: str, *, allow_entry: bool = True) -> None:
        self.message_label.setText(text)
        self._fit_text()
        self.ok_button.setEnabled(allow_entry)
        self.pin_edit.setEnabled(allow_entry)
        self.again_edit.setEnabled(allow_entry)
        if allow_entry:
            self.pin_edit.clear()
            self.pin_edit.setFocus()
