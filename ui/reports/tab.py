"""The Reports tab: pick a report (and its event or series and dates), see its chart and tables,
export a table to CSV or the whole report to PDF. Every query runs on the DB worker; a newer
request makes older answers stale (serial numbers), so the screen never waits on the database."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCharts import QChartView
from PySide6.QtCore import QDate, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import describe_error
from app.events import list_events, local_zone, to_local
from app.events.localtime import local_today
from app.reports import (
    Drifting,
    Retention,
    drifting,
    event_summary,
    loyalty_report,
    make_period,
    retention,
    reveal,
    series_names,
    series_trend,
    table_csv,
)
from app.reports.period import DEFAULT_WEEKS
from ui.operations import Lane, Policy
from ui.reports.charts import chart_for
from ui.reports.pdf import write_pdf
from ui.reports.table_model import ReportTableModel
from ui.worker import DbWorker

KINDS = (
    ("series", "Series trend"),
    ("event", "Event summary"),
    ("retention", "Retention"),
    ("drifting", "Drifting regulars"),
    ("loyalty", "Loyalty"),
)
EVERY_SERIES = "(every series)"
MAX_EVENTS = 300


class ReportsTab(QWidget):
    # emitted when a report arrived and is on screen (its kind)
    report_shown = Signal(str)
    # emitted when a file was written (its path)
    exported = Signal(str)

    def __init__(self, worker: DbWorker, station: str, tz=None, parent: QWidget | None = None):
        super().__init__(parent)
        self._worker = worker
        self._station = station
        self._tz = tz or local_zone()
        self.report = None

        self.kind = QComboBox()
        self.kind.setAccessibleName("Report")
        for key, label in KINDS:
            self.kind.addItem(label, key)
        self.subject = QComboBox()
        self.subject.setAccessibleName("Event or series")
        self.subject.setMinimumContentsLength(24)
        today = local_today(self._tz)
        self.first = self._date_edit("From", today - timedelta(weeks=DEFAULT_WEEKS, days=-1))
        self.last = self._date_edit("To", today)
        self.run_button = QPushButton("Show")
        self.run_button.setAccessibleName("Show the report")
        bar = QHBoxLayout()
        bar.addWidget(self.kind)
        bar.addWidget(self.subject, 1)
        for label, edit in (("From", self.first), ("to", self.last)):
            bar.addWidget(QLabel(label))
            bar.addWidget(edit)
        bar.addStretch(0)
        bar.addWidget(self.run_button)

        self.chart_view = QChartView()
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(220)
        self.chart_view.setAccessibleName("Report chart")
        self.tables = QTabWidget()
        self.tables.setAccessibleName("Report tables")
        self.views: list[QTableView] = []

        self.csv_button = QPushButton("Export table to CSV…")
        self.pdf_button = QPushButton("Save report as PDF…")
        self.reveal_button = QPushButton("Show contact details")
        self.reveal_button.setToolTip("Shows full email and phone; written to the audit log")
        self.message = QLabel("")
        self.message.setAccessibleName("Report message")
        self.message.setWordWrap(True)
        actions = QHBoxLayout()
        actions.addWidget(self.message, 1)
        for button in (self.reveal_button, self.csv_button, self.pdf_button):
            button.setAccessibleName(button.text().rstrip("…"))
            actions.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.chart_view, 3)
        layout.addWidget(self.tables, 2)
        layout.addLayout(actions)

        self.kind.currentIndexChanged.connect(self._on_kind_changed)
        self.subject.activated.connect(lambda _i: self.run())
        self.run_button.clicked.connect(self.run)
        self.csv_button.clicked.connect(self._on_csv_clicked)
        self.pdf_button.clicked.connect(self._on_pdf_clicked)
        self.reveal_button.clicked.connect(self._on_reveal_clicked)
        self._on_kind_changed(load=False)
        self._shown_once = False

    def showEvent(self, event) -> None:
        # The first look loads the pickers: a kiosk that never opens Reports never pays for them.
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            self.reload_subjects()

    def _date_edit(self, name: str, day: date) -> QDateEdit:
        edit = QDateEdit(QDate(day.year, day.month, day.day))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setAccessibleName(name)
        # Fixed: with the picker hidden (retention, loyalty) the dates must not take its room.
        edit.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        return edit

    # -- choosing --------------------------------------------------------------------------------

    def current_kind(self) -> str:
        return self.kind.currentData()

    def _on_kind_changed(self, _index: int = 0, *, load: bool = True) -> None:
        kind = self.current_kind()
        self.subject.setVisible(kind in ("event", "series", "drifting"))
        for edit in (self.first, self.last):
            edit.setEnabled(kind != "event")
        self.reveal_button.setVisible(kind == "drifting")
        self._show(None)
        if load:
            self.reload_subjects()

    def reload_subjects(self) -> None:
        """Fill the picker (events, or series names) on the worker, then show the report."""
        kind, tz = self.current_kind(), self._tz
        if kind == "event":
            job = lambda s: [  # noqa: E731
                (f"{e.name} — {to_local(e.start_time, tz):%a %d %b %Y %H:%M}", e.id)
                for e in list_events(s, when="all", tz=tz, limit=MAX_EVENTS)
            ]
        elif kind in ("series", "drifting"):
            job = lambda s: [(n.name, n.name) for n in series_names(s)]  # noqa: E731
        else:
            self._worker.cancel(self, "subjects")  # a list on its way is for another kind
            self.subject.clear()
            self.run()
            return
        self._worker.run(
            self,
            job,
            self._on_subjects_loaded,
            self._on_failed,
            write=False,
            key="subjects",
            policy=Policy.LATEST_ONLY,
        )

    def _on_subjects_loaded(self, items) -> None:
        self.subject.clear()
        if self.current_kind() == "drifting":
            self.subject.addItem(EVERY_SERIES, None)
        for label, value in items:
            self.subject.addItem(label, value)
        if self.subject.count():
            self.run()
        else:
            self.message.setText("No events yet: create some on the Events tab.")

    def select_subject(self, text: str) -> bool:
        """Pick the entry whose label starts with `text` and show its report (for people who
        type, and for tests)."""
        for i in range(self.subject.count()):
            if self.subject.itemText(i).startswith(text):
                self.subject.setCurrentIndex(i)
                self.run()
                return True
        return False

    # -- running ---------------------------------------------------------------------------------

    def _period(self):
        first, last = self.first.date().toPython(), self.last.date().toPython()
        return make_period(first, last, tz=self._tz)

    def run(self) -> None:
        kind, subject = self.current_kind(), self.subject.currentData()
        try:
            period = self._period()
        except Exception as exc:  # a ValidationError: from after to
            self.message.setText(describe_error(exc))
            return
        tz = self._tz
        jobs = {
            "event": lambda s: event_summary(s, subject, tz=tz),
            "series": lambda s: series_trend(s, subject, period),
            "retention": lambda s: retention(s, period),
            "drifting": lambda s: drifting(s, period, series=subject),
            "loyalty": lambda s: loyalty_report(s, period),
        }
        if kind in ("event", "series") and subject is None:
            return
        self._submit(kind, jobs[kind], write=False)

    def _submit(self, kind: str, job, *, write: bool) -> None:
        self.message.setText("Working…")
        # A report may read a year of attendance: the bulk lane. A newer request supersedes it.
        self._worker.run(
            self,
            job,
            lambda report: self._on_report_ready(kind, report),
            self._on_failed,
            write=write,
            lane=Lane.BULK,
            key="report",
            policy=Policy.LATEST_ONLY,
        )

    def _on_report_ready(self, kind: str, report) -> None:
        self._show(report)
        self.message.setText(_summary_line(report))
        self.report_shown.emit(kind)

    def _on_failed(self, error) -> None:
        self.message.setText(f"Could not make the report: {describe_error(error)}")

    def _show(self, report) -> None:
        self.report = report
        chart = chart_for(report) if report is not None else None
        self.chart_view.setVisible(chart is not None)
        if chart is not None:
            old = self.chart_view.chart()
            self.chart_view.setChart(chart)
            if old is not None and old is not chart:
                old.deleteLater()
        self.tables.clear()
        self.views = []
        heat = isinstance(report, Retention)
        for table in report.tables() if report is not None else []:
            view = QTableView()
            view.setModel(ReportTableModel(table, heat=heat, parent=view))
            view.setAccessibleName(table.title)
            view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            view.horizontalHeader().setStretchLastSection(True)
            self.views.append(view)
            self.tables.addTab(view, table.title)
        for button in (self.csv_button, self.pdf_button, self.reveal_button):
            button.setEnabled(report is not None)
        if isinstance(report, Drifting):
            self.reveal_button.setEnabled(not report.revealed and bool(report.people))

    # -- files and reveal ------------------------------------------------------------------------

    def _on_csv_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export the table", "report.csv", "CSV files (*.csv)"
        )
        if path:
            self.export_csv(Path(path))

    def export_csv(self, path: Path) -> None:
        """Write the table on show (the current tab) to `path`."""
        index = self.tables.currentIndex()
        if self.report is None or index < 0:
            return
        self._write(
            path,
            lambda: path.write_text(
                table_csv(self.report.tables()[index]), encoding="utf-8-sig", newline=""
            ),
        )

    def _on_pdf_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the report", "report.pdf", "PDF files (*.pdf)"
        )
        if path:
            self.export_pdf(Path(path))

    def export_pdf(self, path: Path) -> None:
        if self.report is None:
            return
        images = [self.chart_view.grab().toImage()] if self.chart_view.isVisible() else []
        self._write(path, lambda: write_pdf(self.report.document(), path, images))

    def _write(self, path: Path, action) -> None:
        try:
            action()
        except OSError as exc:
            self.message.setText(f"Could not write {path.name}: {exc.strerror or exc}")
            return
        self.message.setText(f"Saved {path}.")
        self.exported.emit(str(path))

    def _on_reveal_clicked(self) -> None:
        report, station = self.report, self._station
        if not isinstance(report, Drifting):
            return
        self._submit(
            "drifting", lambda s: reveal(s, report, station=station, method="admin"), write=True
        )


def _summary_line(report) -> str:
    if isinstance(report, Drifting):
        n = len(report.people)
        shown = "contact details shown (logged)" if report.revealed else "contact details masked"
        return f"{n} {'person' if n == 1 else 'people'} to call; {shown}."
    return ""
