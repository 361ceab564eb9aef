"""`credopass export TABLE` and `credopass import patrons FILE`."""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

from app.audit import clean_station
from app.cli.arguments import filter_text
from app.cli.common import EXIT_OK, EXIT_USAGE, JSON_FLAG, CliError, print_json
from app.transfer import (
    EXPORT_TABLES,
    FORMATS,
    apply_import,
    count_and_export,
    export_statement,
    parse_mapping_args,
    plan_import,
    read_patron_csv,
    table_statement,
)
from app.transfer.plan_report import format_plan_rows
from db.session import unit_of_work

_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}

WHERE_HELP = (
    "keep rows matching a condition; repeat to combine with AND. Forms: column=value, "
    "column!=value, column~text (contains, any case), column>value, column>=value, "
    "column<value, column<=value, column:null, column:notnull. Times are ISO 8601 "
    "(2026-05-01 or 2026-05-01T18:30+02:00; UTC when no offset is given)"
)


def register(subparsers, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "export", help="write a table to CSV or JSON (streamed)", parents=[common]
    )
    p.add_argument("table", metavar="TABLE", help=f"one of: {', '.join(EXPORT_TABLES)}")
    p.add_argument("--format", choices=FORMATS, default="csv", help="default: csv")
    p.add_argument(
        "--where",
        action="append",
        metavar="COND",
        default=[],
        help=WHERE_HELP,
        type=filter_text("Filter"),
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of standard output")
    p.add_argument("--bom", action="store_true", help="start a CSV with the UTF-8 mark (for Excel)")
    p.add_argument(
        JSON_FLAG,
        action="store_true",
        help="errors as one JSON object; with --output, a JSON summary (without it, standard "
        "output carries the rows in --format)",
    )
    p.set_defaults(handler=cmd_export)

    group = subparsers.add_parser("import", help="import data from files", parents=[common])
    sub = group.add_subparsers(dest="import_command", metavar="WHAT")
    p = sub.add_parser(
        "patrons",
        help="import or update patrons from a CSV member list (matched by email)",
        parents=[common],
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
    p.add_argument(
        "--map",
        action="append",
        metavar="'COLUMN=FIELD'",
        default=[],
        help="map a column of the file to firstName, lastName, email or phone "
        "('Notes=' ignores a column); repeatable",
    )
    p.add_argument("--strict", action="store_true", help="import nothing if any row is rejected")
    p.add_argument(
        "--station",
        metavar="NAME",
        help="name recorded in the audit log (default: the computer's name)",
    )
    p.add_argument(JSON_FLAG, action="store_true", help="print one JSON object")
    p.set_defaults(handler=cmd_import_patrons)


def cmd_export(args, context) -> int:
    statement = table_statement(args.table, args.where)  # validates before opening anything
    database = context.database(managed=True)
    with unit_of_work(database.sessions, write=False) as session:
        if not args.output:
            return _export_to_stdout(session, statement, args.format, args.bom)
        result = count_and_export(
            session,
            statement,
            args.output,
            args.format,
            progress=_StderrProgress(),
            bom=args.bom,
        )
    message = f"Exported {result.rows:,} rows of {args.table} to {args.output}."
    if args.json:
        print_json(
            {
                "outcome": "exported",
                "message": message,
                "table": args.table,
                "rows": result.rows,
                "format": result.format,
                "output": args.output,
            }
        )
    else:
        print(message, file=sys.stderr)
    return EXIT_OK


def _export_to_stdout(session, statement, fmt, bom) -> int:
    try:
        export_statement(session, statement, sys.stdout, fmt, bom=bom)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`| head`): not an error; silence the flush at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return EXIT_OK


class _StderrProgress:
    """At most a few lines a second, and only on a terminal."""

    def __init__(self):
        self._last = 0.0
        self._tty = sys.stderr.isatty()

    def __call__(self, done: int, total: int | None) -> None:
        now = time.monotonic()
        if not self._tty or now - self._last < 0.25:
            return
        self._last = now
        of = f" of {total:,} ({done * 100 // total}%)" if total else ""
        print(f"\r{done:,}{of} rows", end="", file=sys.stderr, flush=True)
        if total and done >= total:
            print(file=sys.stderr)


def cmd_import_patrons(args, context) -> int:
    mapping = parse_mapping_args(args.map)
    file = read_patron_csv(args.file, mapping)
    if not args.json:
        _print_file(file)
    database = context.database(managed=True)
    if args.dry_run:
        with unit_of_work(database.sessions, write=False) as session:
            plan = plan_import(session, file)
        message = f"Dry run: {plan.summary()}. Nothing was written."
        if args.json:
            print_json(_import_json("dry_run", message, file, plan))
            return EXIT_OK
        _print_rejected(plan)
        print(message)
        return EXIT_OK
    try:
        station = clean_station(args.station or platform.node() or "cli")
    except ValueError as exc:
        raise CliError(f"--station: {exc}", EXIT_USAGE) from None
    with unit_of_work(database.sessions) as session:
        result = apply_import(
            session,
            file,
            station=station,
            method="cli",
            strict=args.strict,
            progress=_StderrProgress(),
        )
    skipped = len(result.plan.rejected)
    tail = f"; {skipped:,} rejected rows were skipped" if skipped else ""
    message = (
        f"Imported {result.inserted:,} new and {result.updated:,} updated patrons "
        f"({result.plan.unchanged:,} unchanged){tail}."
    )
    if args.json:
        print_json(_import_json("imported", message, file, result.plan))
        return EXIT_OK
    _print_rejected(result.plan)
    print(message)
    return EXIT_OK


def _import_json(outcome: str, message: str, file, plan) -> dict:
    return {
        "outcome": outcome,
        "message": message,
        "file": file.name,
        "encoding": file.encoding,
        "rows": len(file.rows),
        "counts": plan.counts,
        "notes": list(file.notes),
        "rejected": [{"line": r.line, "reason": r.reason} for r in plan.rejected],
    }


def _print_file(file) -> None:
    kind = _DELIMITER_NAMES.get(file.delimiter, repr(file.delimiter))
    print(f"File: {file.name} ({file.encoding}, {kind}-separated, {len(file.rows):,} rows)")
    print(f"Recognized: {file.layout}")
    print("Columns: " + ", ".join(file.describe_column(h) for h in file.headers))
    for note in file.notes:
        print(f"Note: {note}")


def _print_rejected(plan) -> None:
    print(format_plan_rows(plan), end="")
