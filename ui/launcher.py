"""The `credopass` console script: the command line of app.cli, lent what only the GUI layer can
do. `app` never imports `ui` (the layer contracts forbid it), so the two GUI capabilities are
handed to `app.cli.main` from here: opening the window and drawing a report as PDF. Both import
Qt only when they are used, so a command line (`--version`, a door command) never loads it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from app.cli import main as cli_main
from app.cli.common import EXIT_USAGE, CliError


def open_window(
    database_url: str | None, *, kiosk: bool = False, station: str | None = None
) -> int:
    try:
        from ui.main import run_gui
    except ImportError as exc:  # e.g. Qt's system libraries are missing
        raise CliError(f"cannot start the window: {exc}", EXIT_USAGE) from None
    return run_gui(database_url, kiosk=kiosk, station=station)


def write_report_pdf(document, path: Path) -> None:
    """`report --pdf`: Qt draws the PDF."""
    from ui.reports.pdf import write_pdf

    write_pdf(document, path)


def main(argv: Sequence[str] | None = None) -> int:
    return cli_main(argv, open_window=open_window, write_report_pdf=write_report_pdf)
