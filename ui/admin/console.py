"""The SQL console: one read-only query at a time, results in the same lazy grid, Cancel."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.admin.catalogue import TEXT, ColumnInfo
from app.admin.console import DEFAULT_TIMEOUT_S, QueryStopped, ReadOnlyConsole
from app.admin.history import QueryHistory
from app.admin.sql_guard import QueryRefused
from app.errors import describe_error
from ui.admin.grid import LazyGrid
from ui.admin.lazy_model import LazyTableModel
from ui.admin.sources import MemorySource
from ui.operations import Lane, Policy
from ui.worker import DbWorker


class SqlConsole(QWidget):
    # emitted when a query finished (the QueryResult)
    query_finished = Signal(object)
    # emitted when a query was refused, failed, timed out or was cancelled (plain message)
    query_failed = Signal(str)

    def __init__(self, worker: DbWorker, engine, database_url, parent=None):
        super().__init__(parent)
        self.worker = worker
        self.engine = engine
        self.history = QueryHistory(database_url)
        # The running query, so that Cancel can reach it (its own connection, on the bulk lane).
        self._console: ReadOnlyConsole | None = None
        # The latest QueryResult (columns and plain-value rows): what an export of "query
        # results" reads.
        self.last_result = None

        self.editor = QPlainTextEdit()
        self.editor.setAccessibleName("SQL query")
        self.editor.setPlaceholderText(
            'SELECT * FROM users ORDER BY "createdAt" DESC LIMIT 100\n\n'
            "Read-only: one query at a time. Ctrl+Enter runs it."
        )
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.history_box = QComboBox()
        self.history_box.setAccessibleName("Recent queries")
        self.history_box.setMinimumContentsLength(16)
        self.history_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.history_box.activated.connect(self._on_history_activated)
        self.timeout = QDoubleSpinBox()
        self.timeout.setAccessibleName("Timeout in seconds")
        self.timeout.setRange(0.5, 600)
        self.timeout.setValue(DEFAULT_TIMEOUT_S)
        self.timeout.setSuffix(" s")
        self.run_button = QPushButton("Run")
        self.run_button.setObjectName("primaryButton")
        self.run_button.clicked.connect(self.run_query)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_query)
        self.message = QLabel("Results appear here.")
        self.message.setObjectName("consoleMessage")
        self.message.setWordWrap(True)
        self.model = LazyTableModel(self)
        self.grid = LazyGrid()
        self.grid.setModel(self.model)
        self.grid.horizontalHeader().setSortIndicatorShown(False)  # results keep the query's order
        self.grid.horizontalHeader().setSectionsClickable(False)
        QShortcut(QKeySequence("Ctrl+Return"), self.editor, self.run_query)

        controls = QHBoxLayout()
        controls.addWidget(QLabel("Recent:"))
        controls.addWidget(self.history_box, 1)
        controls.addWidget(QLabel("Timeout:"))
        controls.addWidget(self.timeout)
        controls.addWidget(self.run_button)
        controls.addWidget(self.cancel_button)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.editor)
        top_layout.addLayout(controls)
        top_layout.addWidget(self.message)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(self.grid)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([220, 600])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self._show_history(self.history.recent())

    def _show_history(self, queries: list[str]) -> None:
        self.history_box.clear()
        for sql in queries:
            self.history_box.addItem(" ".join(sql.split())[:120], sql)

    def _on_history_activated(self, index: int) -> None:
        self.editor.setPlainText(self.history_box.itemData(index))

    def run_query(self) -> None:
        sql = self.editor.toPlainText()
        console = ReadOnlyConsole(self.engine, timeout_s=self.timeout.value())
        op = self.worker.run(
            self,
            lambda: console.run(sql),
            lambda outcome: self._on_outcome_arrived(sql, outcome),
            lambda error: self._on_outcome_arrived(sql, error),
            lane=Lane.BULK,
            transaction=False,  # the console opens its own read-only connection
            key="query",
            policy=Policy.ONE_AT_A_TIME,
        )
        if op is None:  # one query at a time
            return
        self._console = console
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.message.setText("Running…")

    def cancel_query(self) -> None:
        if self._console is not None:
            self.message.setText("Cancelling…")
            self._console.cancel()

    def _on_outcome_arrived(self, sql: str, outcome) -> None:
        self._console = None
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        if isinstance(outcome, Exception):
            if isinstance(outcome, QueryRefused):
                text = outcome.message
            elif isinstance(outcome, QueryStopped):
                text = str(outcome)
            else:
                text = f"The query failed: {describe_error(outcome)}"
            # Rows left from the previous query under this message would read as its answer.
            self.last_result = None
            self.model.set_source(MemorySource((), []))
            self.message.setText(text)
            self.query_failed.emit(text)
            return
        self.last_result = outcome
        self._show_history(self.history.add(sql))
        columns = tuple(
            ColumnInfo(name or f"column {i + 1}", TEXT, True)
            for i, name in enumerate(outcome.columns)
        )
        self.model.set_source(MemorySource(columns, outcome.rows))
        self.grid.size_columns()
        self.message.setText(outcome.message)
        self.query_finished.emit(outcome)

    def shutdown(self) -> None:
        """Stop a running query (the window is closing; the worker then waits for its lanes)."""
        self.worker.drop(self)
        if self._console is not None:
            self._console.cancel()
