"""What issue 13 adds to the check-in screen, attached in one call so the screen's own code
stays about the door: the *Camera* button (when a camera exists) and badge printing after each
successful check-in, with a small warning and *Reprint* when a badge did not come out."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from app.checkin.outcomes import CheckInResult, Outcome
from ui.passes.badge_printer import BadgePrinter
from ui.passes.camera import add_camera_button, video_inputs


class BadgeWarning(QWidget):
    """'Badge not printed: …' and *Reprint*; hidden while badges come out fine."""

    def __init__(self, printer: BadgePrinter, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("kioskBadgeWarning")
        self.label = QLabel()
        self.label.setAccessibleName("Badge printing problem")
        self.label.setWordWrap(True)
        self.reprint_button = QPushButton("Reprint")
        self.reprint_button.setAccessibleName("Reprint the badge")
        self.reprint_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.reprint_button.clicked.connect(printer.reprint)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.reprint_button)
        printer.badge_failed.connect(self._on_printer_badge_failed)
        printer.badge_printed.connect(lambda _where: self.hide())
        self.hide()

    def _on_printer_badge_failed(self, message: str) -> None:
        self.label.setText(f"⚠ {message}")
        self.show()


class PassButton(QPushButton):
    """*Pass for Jane…* after a successful check-in (a walk-in leaves with their pass): opens
    the pass dialog with *Print…*, *Save PDF…*, *Save PNG…*. Hidden after any other result."""

    def __init__(self, worker, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("kioskPassButton")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.worker = worker
        self.patron = None
        self.dialog = None
        self.clicked.connect(self._on_self_clicked)
        self.hide()

    def on_result(self, result: CheckInResult) -> None:
        if result.outcome is Outcome.CHECKED_IN and result.patron is not None:
            self.patron = result.patron
            self.setText(f"Pass for {result.patron.first_name}…")
            self.setAccessibleName(f"Show {result.patron.full_name}'s pass")
            self.show()
        else:
            self.hide()

    def _on_self_clicked(self) -> None:
        from ui.passes.pass_dialog import PassDialog

        self.dialog = PassDialog(self.worker, self.patron.id, self.window())
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # one per click
        self.dialog.open()


def attach(screen, worker, station: str, *, badge_config=None, cameras=video_inputs) -> None:
    """Give `screen` (ui.kiosk.CheckInScreen) its camera button and badge printer."""
    screen.camera_button = add_camera_button(
        screen.actions_row, screen.submit_scan, screen, cameras
    )
    screen.badge_printer = BadgePrinter(worker, station, badge_config, screen)
    screen.result_shown.connect(screen.badge_printer.on_result)
    screen.pass_button = PassButton(worker)
    screen.result_shown.connect(screen.pass_button.on_result)
    screen.actions_row.insertWidget(screen.actions_row.count() - 1, screen.pass_button)
    # its own row above the status line: the actions row is full at 1024 px
    screen.badge_warning = BadgeWarning(screen.badge_printer)
    layout = screen.layout()
    layout.insertWidget(layout.indexOf(screen.status_line), screen.badge_warning)
