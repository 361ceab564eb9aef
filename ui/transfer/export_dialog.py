"""Export dialog: format, file, progress bar and Cancel; the export streams on the DB worker."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.sql.expression import Executable

from app.errors import ValidationError, describe_error
from app.transfer import ExportCancelled, count_and_export
from app.transfer.export import DEFAULT_BATCH_SIZE, atomic_text_file, export_rows
from ui.operations import Lane, Policy
from ui.transfer.progress import ProgressRelay
from ui.worker import DbWorker

_FORMATS = (("CSV (spreadsheets)", "csv"), ("JSON", "json"))


class ExportDialog(QDialog):
    """Export `statement` (a table, a filtered view's Select, or a read-only text() query), or
    `rows=(columns, rows)` already in memory (the SQL console's last result).

    Open it with `.open()` or `.exec()`; the caller keeps ownership of the worker.
    """

    # emitted when a file was completely written: path, rows
    export_finished = Signal(str, int)

    def __init__(
        self,
        worker: DbWorker,
        statement: Executable | None = None,
        *,
        rows: tuple[tuple[str, ...], list] | None = None,
        name: str = "export",
        folder: str | Path | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle(f"Export {name}")
        self._worker = worker
        self._statement = statement
        self._rows = rows  # (columns, rows) already in memory, e.g. the SQL console's result
        self._batch_size = batch_size
        # No parent: the job holds the relay, which must outlive a dialog closed mid-export.
        self._relay = ProgressRelay()
        self._relay.progressed.connect(self._on_relay_progressed)

        self.format_box = QComboBox()
        self.format_box.setAccessibleName("Format")
        for label, value in _FORMATS:
            self.format_box.addItem(label, value)
        self.format_box.currentIndexChanged.connect(self._on_format_box_changed)
        self.excel_box = QCheckBox("Excel-friendly CSV (UTF-8 mark, so accents show right)")
        self.excel_box.setChecked(True)
        self.path_edit = QLineEdit(str(Path(folder or Path.home()) / f"{name}.csv"))
        self.path_edit.setAccessibleName("File")
        self.choose_button = QPushButton("Choose…")
        self.choose_button.clicked.connect(self._on_choose_button_clicked)
        self.progress_bar = QProgressBar()
        self.progress_bar.setAccessibleName("Export progress")
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.status_label = QLabel("")
        self.status_label.setWordWrap(True)
        self.export_button = QPushButton("Export")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.cancel_button = QPushButton("Close")
        self.cancel_button.clicked.connect(self.reject)

        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.choose_button)
        form = QFormLayout()
        form.addRow("Format", self.format_box)
        form.addRow("File", file_row)
        form.addRow("", self.excel_box)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status_label)
        layout.addLayout(buttons)
        self.resize(560, 200)

    @property
    def running(self) -> bool:
        return self._worker.is_running(self, "export")

    def selected_format(self) -> str:
        return self.format_box.currentData()

    def _on_format_box_changed(self, _index: int) -> None:
        self.excel_box.setEnabled(self.selected_format() == "csv")
        path = Path(self.path_edit.text().strip() or "export.csv")
        self.path_edit.setText(str(path.with_suffix(f".{self.selected_format()}")))

    def _on_choose_button_clicked(self) -> None:
        fmt = self.selected_format()
        chosen, _filter = QFileDialog.getSaveFileName(
            self, "Export to", self.path_edit.text(), f"{fmt.upper()} files (*.{fmt})"
        )
        if chosen:
            self.path_edit.setText(chosen)

    def _on_export_button_clicked(self) -> None:
        path = self.path_edit.text().strip()
        if not path:
            self._show_status("Choose a file to write first.")
            return
        fmt = self.selected_format()
        statement, relay, batch_size = self._statement, self._relay, self._batch_size
        bom = fmt == "csv" and self.excel_box.isChecked()
        relay.reset()

        def action(session):
            return count_and_export(
                session,
                statement,
                path,
                fmt,
                batch_size=batch_size,
                progress=relay,
                cancel=relay.cancel_requested,
                bom=bom,
            )

        if self._rows is not None:
            columns, rows = self._rows

            def write_rows():
                with atomic_text_file(Path(path)) as out:
                    return export_rows(
                        columns,
                        rows,
                        out,
                        fmt,
                        batch_size=batch_size,
                        progress=relay,
                        cancel=relay.cancel_requested,
                        bom=bom,
                    )

            job, transaction = write_rows, False  # rows in memory: only a file is written
        else:
            job, transaction = action, True
        # Both stream a file, maybe a million rows: the bulk lane, never the door's thread.
        started = self._worker.run(
            self,
            job,
            self._on_worker_finished,
            self._on_worker_failed,
            write=False,
            transaction=transaction,
            lane=Lane.BULK,
            key="export",
            policy=Policy.ONE_AT_A_TIME,
        )
        if started is not None:
            self._set_running(True)
            self._show_status(f"Exporting to {path}…")

    def _on_relay_progressed(self, done: int, total: int) -> None:
        if total >= 0:
            self.progress_bar.setRange(0, max(total, 1))
            self.progress_bar.setValue(min(done, max(total, 1)))
        else:
            self.progress_bar.setRange(0, 0)  # busy indicator: total unknown
        self.status_label.setText(f"{done:,} rows written…")

    def _on_worker_finished(self, result) -> None:
        self._set_running(False)
        path = self.path_edit.text().strip()
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(1)
        self._show_status(f"Exported {result.rows:,} rows to {path}.")
        self.export_finished.emit(path, result.rows)

    def _on_worker_failed(self, error) -> None:
        self._set_running(False)
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        if isinstance(error, ExportCancelled):
            self._show_status("Export cancelled; no file was written.")
        elif isinstance(error, ValidationError):
            self._show_status(" ".join(error.errors.values()))
        elif isinstance(error, OSError):
            self._show_status(f"Cannot write the file: {error.strerror or error}")
        else:
            self._show_status(f"Export failed: {describe_error(error)}")

    def reject(self) -> None:
        # A running export is cancelled: it stops at its next batch and removes its partial
        # file (atomic_text_file); its answer is dropped with the dialog.
        if self.running:
            self._relay.cancel()
        super().reject()

    def _set_running(self, running: bool) -> None:
        for widget in (self.export_button, self.format_box, self.path_edit, self.choose_button):
            widget.setEnabled(not running)
        self.excel_box.setEnabled(not running and self.selected_format() == "csv")
        self.cancel_button.setText("Cancel" if running else "Close")
        self.cancel_button.clicked.disconnect()
        self.cancel_button.clicked.connect(self._relay.cancel if running else self.reject)

    def _show_status(self, text: str) -> None:
        self.status_label.setText(text)
