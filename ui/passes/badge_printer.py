"""A name badge for every successful check-in at this station, printed without holding up the
door: the badge is made on the DB worker (a short write: the pickup code and its audit row),
then printed on a thread of its own. A failed or slow printer only shows a small warning with
*Reprint*; the check-in has already been recorded and stands.

Where badges go is this station's business (the window's settings file, group "badges"):
`enabled`, `printer` (a system printer's name; empty: the default printer) or `pdf_folder` (a
PDF per badge, used when set, or when no printer is configured), set in the Admin tab's *Badge
printing…* dialog (ui.passes.badge_settings). The layout is shared (app.passes.badges settings).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from app.checkin.outcomes import CheckInResult, Outcome
from ui.operations import OperationRunner
from ui.window_geometry import app_settings

if TYPE_CHECKING:
    from app.passes.layout import Page

# Printing (QtPrintSupport), the badge layout and the PDF writer are imported when a badge is
# made, not when the kiosk starts: most doors never print one.

SETTINGS_GROUP = "badges"
_LANE = "print"


@dataclass(frozen=True)
class BadgeConfig:
    enabled: bool = False
    printer: str = ""
    pdf_folder: str = ""

    @classmethod
    def load(cls) -> BadgeConfig:
        # The INI file the window's geometry lives in, its path resolved on every call (Qt's
        # native user scope is fixed once per process: tests and profiles would share it).
        settings = app_settings()
        settings.beginGroup(SETTINGS_GROUP)
        enabled = str(settings.value("enabled", "false")).lower() in ("true", "1", "yes")
        return cls(
            enabled, str(settings.value("printer", "")), str(settings.value("pdf_folder", ""))
        )

    def save(self) -> None:
        settings = app_settings()
        settings.beginGroup(SETTINGS_GROUP)
        settings.setValue("enabled", "true" if self.enabled else "false")
        settings.setValue("printer", self.printer)
        settings.setValue("pdf_folder", self.pdf_folder)
        settings.endGroup()
        settings.sync()


def make_badge_page(session, event_id, patron_id, station: str) -> Page:
    from app.passes import badges

    badge = badges.badge_for(session, event_id, patron_id, station=station, method="system")
    return badges.badge_page(badge, badges.badge_layout(session), badges.badge_paper(session))


class BadgePrinter(QObject):
    # emitted when a badge was printed or saved (the printer's name or the PDF's path)
    badge_printed = Signal(str)
    # emitted when a badge could not be made or printed (a message for the greeter)
    badge_failed = Signal(str)

    def __init__(self, worker, station: str, config: BadgeConfig | None = None, parent=None):
        super().__init__(parent)
        self.worker = worker
        self.station = station
        self.config = config or BadgeConfig.load()
        self.last_page: Page | None = None
        # Its own thread: a slow printer never holds the door's database lane.
        self._printing = OperationRunner({_LANE: "credopass-print"}, self)

    def set_config(self, config: BadgeConfig) -> None:
        """New settings from the Admin tab's *Badge printing…*: the next check-in uses them."""
        self.config = config

    def on_result(self, result: CheckInResult) -> None:
        if not self.config.enabled or result.outcome is not Outcome.CHECKED_IN:
            return
        if result.patron is None or result.event is None:
            return
        event_id, patron_id = result.event.id, result.patron.id
        self.worker.run(
            self,
            lambda s: make_badge_page(s, event_id, patron_id, self.station),
            self._on_worker_page_made,
            self._on_worker_page_failed,
        )

    def reprint(self) -> None:
        if self.last_page is not None:
            self._print(self.last_page)

    def _on_worker_page_made(self, page: Page) -> None:
        self.last_page = page
        self._print(page)

    def _on_worker_page_failed(self, error) -> None:
        self.badge_failed.emit("The badge could not be made (the check-in is recorded).")

    def _print(self, page: Page) -> None:
        config = self.config

        def job() -> str:
            if _use_folder(config):
                return _to_folder(page, config.pdf_folder)
            return _to_printer(page, config.printer)

        self._printing.start(self, job, self.badge_printed.emit, self._on_print_failed, lane=_LANE)

    def _on_print_failed(self, error: BaseException) -> None:
        # Any printer trouble: a warning, never a crash.
        self.badge_failed.emit(f"Badge not printed: {str(error) or type(error).__name__}")

    def close(self) -> None:
        self._printing.shutdown(wait=True)


def _use_folder(config: BadgeConfig) -> bool:
    from PySide6.QtPrintSupport import QPrinterInfo

    return bool(config.pdf_folder) or (
        not config.printer and QPrinterInfo.defaultPrinter().isNull()
    )


def _to_folder(page: Page, folder: str) -> str:
    if not folder:
        raise OSError("no printer and no PDF folder are set up for badges")
    target = Path(folder)
    if not target.is_dir():
        raise OSError(f"the badge folder {folder} does not exist")
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    name = re.sub(r"[^\w-]+", "_", page.items[0].text if page.items else "badge")[:40]
    path = target / f"badge-{stamp}-{name}.pdf"
    from app.passes.pdf import write_pdf

    with open(path, "wb") as stream:
        write_pdf(stream, [page], title="Badge")
    return str(path)


def _to_printer(page: Page, name: str) -> str:
    from PySide6.QtPrintSupport import QPrinter

    from ui.passes.painter import print_pages

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    if name:
        printer.setPrinterName(name)
    if not printer.isValid():
        raise OSError(f"the printer {name or '(default)'} is not available")
    print_pages(printer, [page])
    return printer.printerName()
