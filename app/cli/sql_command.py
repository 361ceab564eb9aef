"""`credopass sql QUERY [--json | --csv FILE]`: the admin SQL console from the command line.

The same `ReadOnlyConsole` as the Admin tab, so the same walls (parse check, read-only role or
authorizer, length caps), the same timeout and row/memory caps, and the same history file keyed
by the masked database URL. Exit codes: 0 rows shown, 2 the query was refused, 1 it was stopped
(timeout) or the database failed. Values, column names and messages are masked
(`mask_secrets`) in every output: the screen, --json and the --csv file.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from app.admin.console import DEFAULT_TIMEOUT_S, MAX_ROWS, QueryStopped, ReadOnlyConsole
from app.admin.history import QueryHistory
from app.admin.sql_guard import QueryRefused
from app.cli.common import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, print_json
from app.masking import mask_secrets


def register(subparsers, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "sql",
        help="run one read-only query (the Admin tab's SQL console) and print the rows",
        description=(
            "Run one read-only query. Writes, locks, file and session functions and secret "
            "settings are refused; at most --max-rows rows are kept."
        ),
        parents=[common],
    )
    p.add_argument("query", metavar="QUERY", help="one SELECT / WITH / VALUES query")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print one JSON object")
    out.add_argument("--csv", metavar="FILE", type=Path, help="write the rows to a CSV file")
    p.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        metavar="SECONDS",
        help=f"stop the query after this long (default {DEFAULT_TIMEOUT_S:g})",
    )
    p.add_argument(
        "--max-rows",
        type=int,
        default=MAX_ROWS,
        metavar="N",
        help=f"keep at most N rows (default {MAX_ROWS:,})",
    )
    p.set_defaults(handler=cmd_sql)


def cmd_sql(args, context) -> int:
    if not 0 < args.timeout <= 3600 or not 0 < args.max_rows <= MAX_ROWS:
        return _error(args, f"--timeout must be 0-3600 s and --max-rows 1-{MAX_ROWS:,}", EXIT_USAGE)
    database = context.database()
    console = ReadOnlyConsole(database.engine, timeout_s=args.timeout, max_rows=args.max_rows)
    try:
        result = console.run(args.query)
    except QueryRefused as refused:
        return _error(args, refused.message, EXIT_USAGE)
    except QueryStopped as stopped:
        return _error(args, str(stopped), EXIT_FAILURE)
    QueryHistory(database.target.url).add(args.query)
    if args.json:
        print_json(
            {
                "outcome": "ok",
                "columns": list(result.columns),
                "rows": [list(row) for row in result.rows],
                "count": len(result.rows),
                "truncated": result.truncated,
                "elapsed_ms": result.elapsed_ms,
            }
        )
    elif args.csv is not None:
        _write_csv(args.csv, result)
        print(f"{result.message}; written to {args.csv}")
    else:
        writer = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows(["" if v is None else v for v in row] for row in result.rows)
        print(result.message, file=sys.stderr)
    return EXIT_OK


def _write_csv(path: Path, result) -> None:
    # The Export button's writer: formula-looking cells are guarded the same way.
    from app.transfer.export import atomic_text_file, export_rows

    with atomic_text_file(path) as out:
        export_rows(result.columns, result.rows, out, "csv")


def _error(args, message: str, code: int) -> int:
    message = mask_secrets(message)  # a database error may quote the query's text
    if args.json:
        print_json({"outcome": "error", "message": message})
    else:
        print(f"credopass: {message}", file=sys.stderr)
    return code
