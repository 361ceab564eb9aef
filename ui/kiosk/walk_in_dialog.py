"""The walk-in dialog: a new person's name, email and phone, with messages next to the fields.

The dialog only collects and shows; the screen's controller validates and writes on the DB
worker and calls back `show_errors`, `show_existing` or `accept`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.checkin.queries import PatronCard
from app.checkin.validation import validate_walk_in
from ui.field_messages import hide_fixed_messages

# (key, label, placeholder); keys are the engine's field names in ValidationError.errors.
# Names get no placeholder: a grey "Smith" in an empty field reads as already filled in.
FIELDS = (
    ("first_name", "First name", ""),
    ("last_name", "Last name", ""),
    ("email", "Email", "name@example.com"),
    ("phone", "Phone (optional)", "+1 555 123 7890"),
)


def _field_key(name: str) -> str:
    """ "firstName", "first_name" and "First name" all name the same field."""
    return "".join(ch for ch in name.lower() if ch.isalnum())


class WalkInDialog(QDialog):
    # emitted when the greeter asked to register and check in the person typed in
    submitted = Signal(dict)
    # emitted when the greeter chose the existing person the email belongs to
    existing_person_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("walkInDialog")
        self.setWindowTitle("Walk-in: new person")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.edits: dict[str, QLineEdit] = {}
        self.error_labels: dict[str, QLabel] = {}
        self._existing: PatronCard | None = None

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        for key, label, placeholder in FIELDS:
            edit = QLineEdit()
            edit.setObjectName(f"walkIn_{key}")
            edit.setPlaceholderText(placeholder)
            edit.setAccessibleName(label)
            edit.setMinimumWidth(520)
            edit.returnPressed.connect(self._on_submit_clicked)
            edit.textChanged.connect(self._on_edit_text_changed)
            error = QLabel("")
            error.setObjectName("fieldError")
            error.setAccessibleName(f"{label} problem")
            error.setWordWrap(True)
            error.setVisible(False)
            column = QVBoxLayout()
            column.setSpacing(2)
            column.addWidget(edit)
            column.addWidget(error)
            form.addRow(label, column)
            self.edits[key] = edit
            self.error_labels[key] = error

        self.general_error = QLabel("")
        self.general_error.setObjectName("fieldError")
        self.general_error.setWordWrap(True)
        self.general_error.setVisible(False)

        self.existing_frame = QFrame()
        self.existing_frame.setObjectName("walkInExisting")
        self.existing_label = QLabel("")
        self.existing_label.setWordWrap(True)
        self.use_existing_button = QPushButton("Check in this person")
        self.use_existing_button.setAccessibleName("Check in the existing person")
        self.use_existing_button.clicked.connect(self._on_use_existing_clicked)
        existing_row = QHBoxLayout(self.existing_frame)
        existing_row.addWidget(self.existing_label, 1)
        existing_row.addWidget(self.use_existing_button)
        self.existing_frame.setVisible(False)

        self.submit_button = QPushButton("Add and check in")
        self.submit_button.setObjectName("walkInSubmit")
        self.submit_button.setAccessibleName("Add and check in")
        self.submit_button.setDefault(True)
        self.submit_button.clicked.connect(self._on_submit_clicked)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel walk-in")
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.submit_button)

        heading = QLabel("New person at the door (walk-in)")
        heading.setObjectName("walkInHeading")
        layout = QVBoxLayout(self)
        # Grow and shrink with the messages shown, so a wrapped message is never cut off.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetFixedSize)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.existing_frame)
        layout.addLayout(buttons)

    def _on_edit_text_changed(self, _text: str) -> None:
        hide_fixed_messages(self.error_labels, lambda: validate_walk_in(**self.values()))

    def values(self) -> dict[str, str]:
        return {key: edit.text() for key, edit in self.edits.items()}

    def _on_submit_clicked(self) -> None:
        self.clear_messages()
        self.set_busy(True)
        self.submitted.emit(self.values())

    def _on_use_existing_clicked(self) -> None:
        if self._existing is not None:
            self.set_busy(True)
            self.existing_person_chosen.emit(self._existing)

    def set_busy(self, busy: bool) -> None:
        self.submit_button.setEnabled(not busy)
        self.use_existing_button.setEnabled(not busy)

    def clear_messages(self) -> None:
        for label in self.error_labels.values():
            label.clear()
            label.setVisible(False)
        self.general_error.setVisible(False)
        self.existing_frame.setVisible(False)
        self._existing = None

    def show_errors(self, errors: dict[str, str]) -> None:
        """Put each message next to its field; messages for no known field go below."""
        self.set_busy(False)
        by_key = {_field_key(key): key for key in self.edits}
        leftovers = []
        for name, message in errors.items():
            key = by_key.get(_field_key(name))
            if key is None:
                leftovers.append(message)
                continue
            self.error_labels[key].setText(f"⚠ {message}")
            self.error_labels[key].setVisible(True)
        # The first field in error as the form reads (top to bottom), not as the errors came.
        first_bad = next(
            (self.edits[key] for key in self.edits if not self.error_labels[key].isHidden()),
            None,
        )
        if leftovers:
            self.show_general_error(" ".join(leftovers))
        if first_bad is not None:
            first_bad.setFocus()
            first_bad.selectAll()

    def show_general_error(self, message: str) -> None:
        self.set_busy(False)
        self.general_error.setText(f"⚠ {message}")
        self.general_error.setVisible(True)

    def show_existing(self, row: PatronCard) -> None:
        """The email belongs to someone we know: offer that person instead of a duplicate."""
        self.set_busy(False)
        self._existing = row
        self.existing_label.setText(
            f"This email already belongs to {row.name} ({row.email}). Check in that person instead?"
        )
        self.existing_frame.setVisible(True)
        self.use_existing_button.setFocus()
