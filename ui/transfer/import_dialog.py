"""Import patrons: choose a file, check the column mapping, dry run, then Apply.

Every step runs on the DB worker (reading the file too: a large list takes a moment). Apply
re-checks the file inside its one transaction, so what is written is what the database holds
at that moment; the dry run only informs the choice.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import ValidationError, describe_error
from app.transfer import apply_import, plan_import, read_patron_csv
from app.transfer.patron_file import FIELD_LABELS, FIELDS, IGNORE, SINGLE_FIELDS, PatronFile
from ui.operations import Lane, Policy
from ui.transfer.progress import ProgressRelay
from ui.transfer.rejection_model import RejectionModel, plan_rows
from ui.worker import DbWorker

_DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs"}


class ImportDialog(QDialog):
    # emitted when an import was applied and committed (an ImportResult)
    import_finished = Signal(object)

    def __init__(
        self,
        worker: DbWorker,
        *,
        station: str,
        method: str = "admin",
        path: str | Path | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle("Import patrons")
        self._worker = worker
        self._station = station
        self._method = method
        self._file: PatronFile | None = None
        self._plan = None
        self._relay = ProgressRelay(self)
        self._relay.progressed.connect(self._on_relay_progressed)

        self.path_edit = QLineEdit(str(path) if path else "")
        self.path_edit.setAccessibleName("Member list file")
        self.path_edit.setPlaceholderText("A CSV file with a header row")
        self.path_edit.returnPressed.connect(self._on_path_edit_return_pressed)
        self.choose_button = QPushButton("Choose…")
        self.choose_button.clicked.connect(self._on_choose_button_clicked)
        self.file_label = QLabel("")
        self.file_label.setWordWrap(True)
        self.mapping_box = QGroupBox("Columns")
        mapping_inner = QWidget()
        self.mapping_form = QFormLayout(mapping_inner)
        # A Planning Center or Outlook export has 40-90 columns: they scroll, the dialog fits.
        mapping_scroll = QScrollArea()
        mapping_scroll.setWidgetResizable(True)
        mapping_scroll.setWidget(mapping_inner)
        mapping_scroll.setMaximumHeight(240)
        QVBoxLayout(self.mapping_box).addWidget(mapping_scroll)
        self.mapping_box.hide()
        self.summary_label = QLabel("")
        self.summary_label.setWordWrap(True)
        self.summary_label.setAccessibleName("Dry run summary")
        self.rejections = RejectionModel(self)
        self.rejection_view = QTableView()
        self.rejection_view.setAccessibleName("Rejected rows and warnings")
        self.rejection_view.setModel(self.rejections)
        self.rejection_view.verticalHeader().hide()  # the Row column already numbers them
        self.rejection_view.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.Stretch
        )
        self.rejection_view.horizontalHeader().setSectionResizeMode(
            4, QHeaderView.ResizeMode.ResizeToContents
        )
        self.rejection_view.hide()
        self.progress_bar = QProgressBar()
        self.progress_bar.setAccessibleName("Import progress")
        self.progress_bar.hide()
        self.dry_run_button = QPushButton("Dry run")
        self.dry_run_button.clicked.connect(self._on_dry_run_button_clicked)
        self.apply_button = QPushButton("Apply")
        self.apply_button.clicked.connect(self._on_apply_button_clicked)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.reject)

        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.choose_button)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.dry_run_button)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(file_row)
        layout.addWidget(self.file_label)
        layout.addWidget(self.mapping_box)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.rejection_view, 1)
        layout.addWidget(self.progress_bar)
        layout.addLayout(buttons)
        self.resize(720, 520)
        self._update_buttons()
        if path:
            self.load_file()

    # --- state ---------------------------------------------------------------------------

    @property
    def patron_file(self) -> PatronFile | None:
        return self._file

    @property
    def plan(self):
        return self._plan

    @property
    def busy(self) -> bool:
        """A step (reading the file, the dry run, the apply) is on its way."""
        return self._worker.is_running(self, "step")

    def _update_buttons(self) -> None:
        ready = self._file is not None and not self._file.missing_fields
        busy = self.busy
        self.dry_run_button.setEnabled(ready and not busy)
        self.apply_button.setEnabled(ready and self._plan is not None and not busy)
        for widget in (self.path_edit, self.choose_button, self.mapping_box, self.close_button):
            widget.setEnabled(not busy)

    def _step(self, job, on_success, on_failure, *, policy=Policy.ONE_AT_A_TIME, **how) -> bool:
        # Every step reads a file or up to 100,000 rows: the bulk lane, one step at a time.
        started = self._worker.run(
            self, job, on_success, on_failure, lane=Lane.BULK, key="step", policy=policy, **how
        )
        self._update_buttons()
        return started is not None

    def _forget_plan(self) -> None:
        self._plan = None
        self.summary_label.setText("")
        self.rejections.set_rejections(())
        self.rejection_view.hide()
        self._update_buttons()

    # --- file and mapping ----------------------------------------------------------------

    def _on_choose_button_clicked(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self, "Member list", self.path_edit.text(), "CSV files (*.csv *.txt);;All files (*)"
        )
        if chosen:
            self.path_edit.setText(chosen)
            self.load_file()

    def _on_path_edit_return_pressed(self) -> None:
        self.load_file()

    def load_file(self, mapping: dict[str, str] | None = None) -> None:
        """Read (or re-map) the file named in the path field, on the worker."""
        path = self.path_edit.text().strip()
        if not path:
            return
        self._forget_plan()
        self.file_label.setText("Reading…")
        # Only the file is read (not the database); a re-mapping supersedes an older reading.
        self._step(
            lambda: read_patron_csv(path, mapping),
            self._on_file_read,
            self._on_file_failed,
            policy=Policy.LATEST_ONLY,
            transaction=False,
        )

    def _on_file_read(self, file: PatronFile) -> None:
        self._file = file
        kind = _DELIMITERS.get(file.delimiter, "commas")
        lines = [
            f"{file.name}: {len(file.rows):,} rows, {file.encoding}, separated by {kind}.",
            f"Recognized: {file.layout}.",
        ]
        lines += list(file.notes)
        if file.missing_fields:
            missing = ", ".join(FIELD_LABELS[f] for f in file.missing_fields)
            lines.append(f"Choose which column holds: {missing}.")
        self.file_label.setText("\n".join(lines))
        self._show_mapping(file)
        self._update_buttons()

    def _on_file_failed(self, error) -> None:
        self._file = None
        self.mapping_box.hide()
        self.file_label.setText(_message(error))
        self._update_buttons()

    def _show_mapping(self, file: PatronFile) -> None:
        boxes = self.mapping_boxes()
        if tuple(boxes) == file.headers:  # same file re-mapped: keep the widgets (and focus)
            for header, box in boxes.items():
                box.blockSignals(True)
                box.setCurrentIndex(max(box.findData(file.mapping.get(header, IGNORE)), 0))
                box.blockSignals(False)
            self.mapping_box.show()
            return
        while self.mapping_form.rowCount():
            self.mapping_form.removeRow(0)
        for header in file.headers:
            box = QComboBox()
            box.setAccessibleName(f"Field for column {header}")
            box.addItem("(do not import)", IGNORE)
            for name in FIELDS:
                box.addItem(FIELD_LABELS[name], name)
            box.setCurrentIndex(max(box.findData(file.mapping.get(header, IGNORE)), 0))
            box.setToolTip(file.describe_column(header))
            box.currentIndexChanged.connect(self._on_mapping_box_changed)
            self.mapping_form.addRow(header, box)
        self.mapping_box.show()

    def mapping_boxes(self) -> dict[str, QComboBox]:
        boxes = {}
        for row in range(self.mapping_form.rowCount()):
            label = self.mapping_form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget()
            field = self.mapping_form.itemAt(row, QFormLayout.ItemRole.FieldRole).widget()
            boxes[label.text()] = field
        return boxes

    def _on_mapping_box_changed(self, _index: int) -> None:
        chosen = {header: box.currentData() for header, box in self.mapping_boxes().items()}
        # Several email or phone columns are fine (the others become secondary contacts).
        targets = [t for t in chosen.values() if t in SINGLE_FIELDS]
        if len(targets) != len(set(targets)):
            self._forget_plan()
            self.file_label.setText("Two columns are set to the same field; choose one.")
            self.dry_run_button.setEnabled(False)
            return
        self.load_file(chosen)

    # --- dry run and apply ---------------------------------------------------------------

    def _on_dry_run_button_clicked(self) -> None:
        file = self._file
        if self._step(
            lambda session: plan_import(session, file),
            self._on_plan_ready,
            self._on_step_failed,
            write=False,
        ):
            self.summary_label.setText("Checking…")

    def _on_plan_ready(self, plan) -> None:
        self._plan = plan
        self._update_buttons()
        text = f"Dry run: {plan.summary()}. Nothing has been written yet."
        if plan.rejected:
            text += " Rejected rows are listed below and will be skipped by Apply."
        if plan.warnings:
            text += " Rows with a warning will be imported; please check them."
        self.summary_label.setText(text)
        rows = plan_rows(plan)
        self.rejections.set_rejections(rows)
        self.rejection_view.setVisible(bool(rows))
        self.apply_button.setFocus()

    def _on_apply_button_clicked(self) -> None:
        file, station, method, relay = self._file, self._station, self._method, self._relay
        if self._step(
            lambda session: apply_import(
                session, file, station=station, method=method, progress=relay
            ),
            self._on_import_applied,
            self._on_step_failed,
        ):
            self.progress_bar.setRange(0, 0)
            self.progress_bar.show()
            self.summary_label.setText("Importing…")

    def _on_relay_progressed(self, done: int, total: int) -> None:
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done)

    def _on_import_applied(self, result) -> None:
        self._plan = None
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(1)
        skipped = len(result.plan.rejected)
        text = (
            f"Imported {result.inserted:,} new and {result.updated:,} updated patrons "
            f"({result.plan.unchanged:,} unchanged)."
        )
        if skipped:
            text += f" {skipped:,} rejected rows were skipped."
        self.summary_label.setText(text)
        self._update_buttons()
        self.close_button.setFocus()
        self.import_finished.emit(result)

    def reject(self) -> None:
        # An apply cannot be interrupted halfway (it is one transaction); wait for its result.
        if self.busy:
            return
        super().reject()

    def _on_step_failed(self, error) -> None:
        self._update_buttons()
        self.progress_bar.hide()
        self.summary_label.setText(_message(error) + " Nothing was written.")


def _message(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.errors.values())
    return f"Something went wrong: {describe_error(error)}."
