"""`credopass report KIND ...`: event, series, retention, drifting, loyalty.

Periods are local dates (`--from`, `--to`, both included; default the last 12 weeks). Output is
text, or one JSON object (`--json`), or the report's tables as CSV (`--csv FILE`); `--pdf FILE`
also saves the whole report as PDF (drawn by the GUI layer, which the composition root hands
over as `args.write_pdf`, so this module never imports Qt).
"""

from __future__ import annotations

import argparse
import socket
from pathlib import Path

from app.checkin.event_lookup import resolve_event
from app.cli.common import EXIT_OK, EXIT_USAGE, CliError, print_json
from app.cli.events_commands import _zone
from app.reports import (
    drifting,
    event_summary,
    loyalty_report,
    make_period,
    retention,
    reveal,
    series_trend,
    tables_csv,
)
from app.reports.tables import cell_text
from db.session import run_in_transaction

KINDS = ("event", "series", "retention", "drifting", "loyalty")


def register(subparsers, common: argparse.ArgumentParser) -> None:
    report = subparsers.add_parser(
        "report",
        help="reports for organizers (who came, who is new, who drifts away)",
        parents=[common],
    )
    sub = report.add_subparsers(dest="report_kind", metavar="KIND")

    shared = argparse.ArgumentParser(add_help=False, parents=[common])
    out = shared.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print one JSON object")
    out.add_argument("--csv", metavar="FILE", type=Path, help="write the report's tables as CSV")
    shared.add_argument("--pdf", metavar="FILE", type=Path, help="also save the report as PDF")
    shared.add_argument(
        "--timezone", metavar="ZONE", help="IANA zone for local dates (default: this machine's)"
    )
    dated = argparse.ArgumentParser(add_help=False, parents=[shared])
    dated.add_argument("--from", dest="first", metavar="DATE", help="first local date, YYYY-MM-DD")
    dated.add_argument("--to", dest="last", metavar="DATE", help="last local date (default today)")

    p = sub.add_parser(
        "event", help="one event: who came, who was new, peak, stay", parents=[shared]
    )
    p.add_argument("event", metavar="EVENT", help="event id or exact name")
    p.set_defaults(handler=cmd_report, report=_event)

    p = sub.add_parser("series", help="a series' occurrences over the period", parents=[dated])
    p.add_argument("name", metavar="NAME", help="the events' name")
    p.set_defaults(handler=cmd_report, report=_series)

    p = sub.add_parser("retention", help="newcomers per month who came again", parents=[dated])
    p.set_defaults(handler=cmd_report, report=_retention)

    p = sub.add_parser("drifting", help="regulars who stopped coming", parents=[dated])
    p.add_argument("--series", metavar="NAME", help="one series (default: every series)")
    p.add_argument(
        "--reveal", action="store_true", help="show full email and phone (written to the audit log)"
    )
    p.add_argument("--station", metavar="NAME", help="station name for the audit log")
    p.set_defaults(handler=cmd_report, report=_drifting)

    p = sub.add_parser("loyalty", help="tiers, points per month, top balances", parents=[dated])
    p.set_defaults(handler=cmd_report, report=_loyalty)


def _period(args):
    return make_period(args.first, args.last, tz=_zone(args))


def _event(session, args):
    event = resolve_event(session, args.event, open_only=False)
    return event_summary(session, event.id, tz=_zone(args))


def _series(session, args):
    return series_trend(session, args.name, _period(args))


def _retention(session, args):
    return retention(session, _period(args))


def _drifting(session, args):
    report = drifting(session, _period(args), series=args.series)
    if args.reveal:
        station = args.station or socket.gethostname()
        report = reveal(session, report, station=station, method="cli")
    return report


def _loyalty(session, args):
    return loyalty_report(session, _period(args))


def cmd_report(args, context) -> int:
    if args.pdf is not None and getattr(args, "write_pdf", None) is None:
        raise CliError("PDF output is not available in this build", EXIT_USAGE)
    # Only a reveal writes (its audit row); every other report is a read.
    writes = bool(getattr(args, "reveal", False))
    report = run_in_transaction(
        context.database().sessions, lambda s: args.report(s, args), write=writes
    )
    if args.json:
        print_json(report.to_json())
    elif args.csv is not None:
        _write(args.csv, tables_csv(report.tables()))
        print(f"Wrote {args.csv}")
    else:
        _print_text(report.document())
    if args.pdf is not None:
        try:
            args.write_pdf(report.document(), args.pdf)
        except OSError as exc:
            raise CliError(f"cannot write {args.pdf}: {exc.strerror or exc}") from None
        if not args.json:
            print(f"Wrote {args.pdf}")
    return EXIT_OK


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror or exc}") from None


def _print_text(document) -> None:
    print(document.title)
    for line in document.lines:
        print(line)
    for table in document.tables:
        print()
        print(table.title)
        cells = [table.headers] + [[cell_text(v) for v in row] for row in table.rows]
        widths = [max(len(str(r[i])) for r in cells) for i in range(len(table.headers))]
        for row in cells:
            print("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
        if not table.rows:
            print("(nothing in this period)")
