"""The main window: Check-in, Events and Admin tabs over one database worker."""

from __future__ import annotations

import socket

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.database import Database
from app.demo import database_is_empty, load_demo_data
from app.search_upkeep import REFRESH_SLICE, refresh_stale_search_keys
from ui.admin.tab import AdminTab
from ui.elided_label import ElidedLabel
from ui.events import EventsTab
from ui.kiosk import CheckInScreen
from ui.kiosk.window_mode import KioskMode
from ui.operations import Lane, Policy
from ui.reports import ReportsTab
from ui.worker import DbWorker

FIRST_REFRESH_MS = 2_000
SEARCH_REFRESH_MS = 3 * 60_000
BACKLOG_REFRESH_MS = 5_000


class MainWindow(QMainWindow):
    # emitted when the demo data has been loaded into an empty database
    demo_data_loaded = Signal(str)

    def __init__(self, database: Database, *, kiosk: bool = False, station: str | None = None):
        super().__init__()
        self.database = database
        self.kiosk = kiosk
        self.station = station or socket.gethostname()
        self.worker = DbWorker(database.sessions, self)
        self.setWindowTitle(f"CredoPass Kiosk — {self.station}")

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Main sections")
        self.checkin_screen = CheckInScreen(
            self.worker, location=database.location, station=self.station
        )
        self.tabs.addTab(self.checkin_screen, "Check-in")
        self.events_tab = EventsTab(self.worker, self.station)
        self.tabs.addTab(self.events_tab, "Events")
        self.reports_tab = ReportsTab(self.worker, self.station)
        self.tabs.addTab(self.reports_tab, "Reports")
        self.admin_tab = AdminTab(self.worker, database.engine, database.target.url, self.station)
        self.tabs.addTab(self.admin_tab, "Admin")

        self.empty_bar = self._build_empty_bar()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.empty_bar)
        layout.addWidget(self.tabs)
        self.setCentralWidget(central)

        self.connection_label = ElidedLabel("Connected")
        self.connection_label.setContentsMargins(0, 0, 16, 0)
        self.statusBar().addWidget(ElidedLabel(f"Database: {database.location}"), 1)
        self.statusBar().addWidget(self.connection_label)
        self.statusBar().addPermanentWidget(QLabel(f"Station: {self.station}"))
        self.worker.connection_lost.connect(self._on_worker_connection_lost)
        self.worker.connection_restored.connect(self._on_worker_connection_restored)
        # Kiosk lock-down: PIN before Events/Admin, closing, or leaving kiosk mode.
        self.kiosk_mode = KioskMode(self, self.tabs, self.worker, kiosk=kiosk)
        self.checkin_screen.status_line.add_button(self.kiosk_mode.status_controls)
        self.kiosk_mode.lock.pin_presence_known.connect(
            lambda is_set: self.admin_tab.show_pin_missing(not is_set)
        )
        self.kiosk_mode.lock.dialog_closed.connect(self._on_lock_dialog_closed)
        self.admin_tab.badge_settings_saved.connect(self.checkin_screen.badge_printer.set_config)
        self.demo_data_loaded.connect(self.checkin_screen.reload_events)
        self.demo_data_loaded.connect(lambda _message: self.events_tab.reload())

        # Patrons written by other programs (the web service) get their search keys a slice at
        # a time: shortly after start (the screens' own first reads go first on the worker),
        # then every few minutes, sooner while a backlog remains.
        self.search_upkeep_timer = QTimer(self)
        self.search_upkeep_timer.setSingleShot(True)
        self.search_upkeep_timer.timeout.connect(self._refresh_search_keys)
        self.search_upkeep_timer.start(FIRST_REFRESH_MS)

        # A door kiosk never offers to write demo rows into what may be the real database.
        if not kiosk:
            self.worker.run(self, database_is_empty, self._on_emptiness_checked, write=False)

    def _on_lock_dialog_closed(self) -> None:
        if self.tabs.currentWidget() is self.checkin_screen:
            self.checkin_screen.refocus()

    def _refresh_search_keys(self) -> None:
        # Upkeep, not the door: it runs on the bulk lane.
        self.worker.run(
            self,
            refresh_stale_search_keys,
            self._on_search_keys_refreshed,
            self._on_search_keys_failed,
            lane=Lane.BULK,
        )

    def _on_search_keys_refreshed(self, done) -> None:
        backlog = done >= REFRESH_SLICE
        self.search_upkeep_timer.start(BACKLOG_REFRESH_MS if backlog else SEARCH_REFRESH_MS)

    def _on_search_keys_failed(self, _error) -> None:
        self.search_upkeep_timer.start(SEARCH_REFRESH_MS)

    def _build_empty_bar(self) -> QFrame:
        bar = QFrame()
        bar.setObjectName("emptyDatabaseBar")
        text = QLabel("This database has no people or events yet.")
        self.load_demo_button = QPushButton("Load demo data")
        self.load_demo_button.setAccessibleName("Load demo data")
        self.load_demo_button.clicked.connect(self._on_load_demo_clicked)
        dismiss = QPushButton("Not now")
        dismiss.clicked.connect(lambda: bar.setVisible(False))
        row = QHBoxLayout(bar)
        row.addWidget(text, 1)
        row.addWidget(self.load_demo_button)
        row.addWidget(dismiss)
        bar.setVisible(False)
        return bar

    def _on_emptiness_checked(self, is_empty) -> None:
        self.empty_bar.setVisible(is_empty is True)

    def _on_load_demo_clicked(self) -> None:
        self.load_demo_button.setEnabled(False)
        self.worker.run(
            self,
            load_demo_data,
            self._on_demo_loaded,
            self._on_demo_failed,
            lane=Lane.BULK,
            key="demo",
            policy=Policy.ONE_AT_A_TIME,
        )

    def _on_demo_loaded(self, report) -> None:
        self.empty_bar.setVisible(False)
        self.statusBar().showMessage(report.message, 8000)
        self.demo_data_loaded.emit(report.message)

    def _on_demo_failed(self, _error) -> None:
        self.load_demo_button.setEnabled(True)
        self.statusBar().showMessage("Could not load the demo data; see the connection status.")

    def _on_worker_connection_lost(self, reason: str) -> None:
        self.connection_label.setText(f"Database unreachable — retrying ({reason})")

    def _on_worker_connection_restored(self) -> None:
        self.connection_label.setText("Connected")

    def shutdown(self) -> None:
        self.search_upkeep_timer.stop()
        self.checkin_screen.stop()
        self.events_tab.shutdown()
        self.admin_tab.shutdown()
        self.worker.shutdown(wait=True)
