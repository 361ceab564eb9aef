"""The Admin tab: the table list with counts that never block, the browser and the console."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.admin.catalogue import tables
from app.admin.counts import exact_count, quick_count
from app.admin.view import View, rows_in_view_order
from ui.admin.browser import TableBrowser
from ui.admin.console import SqlConsole
from ui.operations import Lane, Policy
from ui.transfer import ExportDialog, ImportDialog


class AdminTab(QWidget):
    # emitted when the row counts of the table list were refreshed
    counts_refreshed = Signal()
    # emitted when this station's badge printing settings were saved (the new BadgeConfig)
    badge_settings_saved = Signal(object)

    def __init__(self, worker, engine, database_url, station: str, parent=None):
        super().__init__(parent)
        self.worker = worker
        self.table_list = QListWidget()
        self.table_list.setAccessibleName("Tables")
        self.table_list.setObjectName("adminTableList")
        self.table_list.setMaximumWidth(240)
        for info in tables():
            item = QListWidgetItem(info.title)
            item.setData(Qt.ItemDataRole.UserRole, info.name)
            self.table_list.addItem(item)
        self.table_list.currentItemChanged.connect(self._on_table_list_current_changed)
        self.refresh_button = QPushButton("Refresh counts")
        self.refresh_button.clicked.connect(self.refresh_counts)
        self.exact_button = QPushButton("Exact counts")
        self.exact_button.setToolTip("Count every row exactly (may take a moment on big tables)")
        self.exact_button.clicked.connect(lambda: self.refresh_counts(exact=True))
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel("Tables")
        heading.setObjectName("adminHeading")
        left_layout.addWidget(heading)
        self.pin_warning = QLabel(
            "⚠ No admin PIN is set: anyone at this computer can open this tab. "
            "Set one with:  credopass admin set-pin"
        )
        self.pin_warning.setObjectName("adminPinWarning")
        self.pin_warning.setWordWrap(True)
        self.pin_warning.setVisible(False)
        left_layout.addWidget(self.pin_warning)
        left_layout.addWidget(self.table_list, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.exact_button)
        left_layout.addLayout(buttons)
        # Added by the transfer helper (issue 5 export/import); the dialogs live in ui/transfer.
        self.export_button = QPushButton("Export…")
        self.export_button.setToolTip(
            "Export the table as shown (filters, search, sort), or the SQL console's results"
        )
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.import_button = QPushButton("Import patrons…")
        self.import_button.clicked.connect(self._on_import_button_clicked)
        transfer_buttons = QHBoxLayout()
        transfer_buttons.addWidget(self.export_button)
        transfer_buttons.addWidget(self.import_button)
        left_layout.addLayout(transfer_buttons)
        # Issue 13: where this station's badges go; here because this tab is behind the PIN.
        self.badge_button = QPushButton("Badge printing…")
        self.badge_button.setToolTip("Print a name badge at each check-in on this station")
        self.badge_button.clicked.connect(self._on_badge_button_clicked)
        left_layout.addWidget(self.badge_button)
        self.badge_dialog = None
        self._station = station

        self.browser = TableBrowser(worker, station, engine.dialect.name)
        self.browser.rows_written.connect(lambda _m: self.refresh_counts())
        self.console = SqlConsole(worker, engine, database_url)
        self.sections = QTabWidget()
        self.sections.setAccessibleName("Admin sections")
        self.sections.addTab(self.browser, "Browse")
        self.sections.addTab(self.console, "SQL console")

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.sections)
        splitter.setStretchFactor(1, 1)
        layout = QHBoxLayout(self)
        layout.addWidget(splitter)
        self._started = False

    def show_pin_missing(self, missing: bool) -> None:
        self.pin_warning.setVisible(missing)

    def showEvent(self, event) -> None:
        # Nothing is read until a supervisor actually opens the tab (it sits behind the PIN).
        super().showEvent(event)
        if not self._started:
            self.start()

    def start(self) -> None:
        self._started = True
        self.table_list.setCurrentRow(0)
        self.refresh_counts()

    def _on_table_list_current_changed(self, current, _previous) -> None:
        if current is None:
            return
        table = current.data(Qt.ItemDataRole.UserRole)
        if self.browser.view is None or self.browser.view.table != table:
            self.browser.open_table(table)
        self.sections.setCurrentWidget(self.browser)

    def refresh_counts(self, exact: bool = False) -> None:
        """Each table's count in its own short job: a big table never holds up the list."""
        for row in range(self.table_list.count()):
            item = self.table_list.item(row)
            table = item.data(Qt.ItemDataRole.UserRole)
            if exact:
                action = lambda s, t=table: exact_count(s, View(t))  # noqa: E731
            else:
                action = lambda s, t=table: quick_count(s, t)  # noqa: E731
            self.worker.run(
                self,
                action,
                lambda count, i=item: self._show_count(i, count),
                None,
                write=False,
                # An exact count reads the whole table: a long job.
                lane=Lane.BULK if exact else Lane.DOOR,
                key=f"count {table}",
                policy=Policy.LATEST_ONLY,
            )

    def _show_count(self, item: QListWidgetItem, count) -> None:
        title = next(t.title for t in tables() if t.name == item.data(Qt.ItemDataRole.UserRole))
        item.setText(f"{title}    {count.text}")
        item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{title}, {count.text} rows")
        if self.table_list.row(item) == self.table_list.count() - 1:
            self.counts_refreshed.emit()

    def _on_export_button_clicked(self) -> None:
        result = self.console.last_result
        if self.sections.currentWidget() is self.console and result is not None:
            rows = (result.columns, result.rows)
            dialog = ExportDialog(self.worker, rows=rows, name="query", parent=self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open()
            return
        view = self.browser.view
        if view is None:
            return
        statement = rows_in_view_order(view)
        dialog = ExportDialog(self.worker, statement, name=view.table, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _on_import_button_clicked(self) -> None:
        dialog = ImportDialog(self.worker, station=self._station, method="admin", parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.import_finished.connect(lambda _result: self.refresh_counts())
        dialog.open()

    def _on_badge_button_clicked(self) -> None:
        from ui.passes.badge_settings import BadgeSettingsDialog  # printing support: lazily

        self.badge_dialog = BadgeSettingsDialog(self)
        self.badge_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.badge_dialog.config_saved.connect(self.badge_settings_saved)
        self.badge_dialog.open()

    def shutdown(self) -> None:
        self.console.shutdown()
