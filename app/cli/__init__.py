"""The `credopass` command line: every argument is parsed here.

The console script starts in `ui.launcher`, which lends `main` what only the GUI layer can do (open
the window, draw a report as PDF); `app` never imports `ui`. Without them (`python -m app`,
scripts) every command works except those two.

Exit codes: 0 success (or an idempotent repeat), 1 a failure of the database or environment,
2 a usage or validation error, 3 a refusal by the check-in rules. Every command accepts
`--json`; with it, every error (argparse's own included) is one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from app import __version__
from app.cli.common import (
    EXIT_USAGE,
    JSON_FLAG,
    CliError,
    UsageError,
    check_argument_text,
    common_options,
    ensure_display,
    fail,
    run_command,
    wants_json,
)

# Each module contributes its sub-commands; keeping them apart keeps this file small. Named, not
# imported here: they are imported when the parser is built, so `--version` pays for none of them.
COMMAND_MODULES = [
    "db_commands",
    "admin_commands",
    "transfer_commands",
    "checkin_commands",
    "events_commands",
    "sql_command",
    "report_commands",
    "pass_commands",
    "badge_command",
    "station_commands",
    "station_copy_commands",
]

# Opens the window: (database_url, kiosk=, station=) -> exit code. Lent by ui.launcher.
OpenWindow = Callable[..., int]
# Draws a report document as a PDF file: (document, path) -> None. Lent by ui.launcher.
WritePdf = Callable[[Any, Path], None]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        # Raised, not printed: `main` reports it as text or JSON, one line, exit 2.
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def _top_level_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--version", action="version", version=f"credopass {__version__}")
    parser.add_argument(
        "--kiosk",
        action="store_true",
        help="open full-screen on the Check-in tab; leaving it needs the admin PIN",
    )
    parser.add_argument(
        "--station",
        metavar="NAME",
        help="name of this check-in station in the audit log (default: the computer's name)",
    )


def build_parser(write_report_pdf: WritePdf | None = None) -> argparse.ArgumentParser:
    common = common_options()
    parser = _Parser(
        prog="credopass",
        description="CredoPass Kiosk: front-desk event check-in. Without a command, opens the app.",
        parents=[common],
    )
    _top_level_options(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}").register(subparsers, common)
    parser.set_defaults(write_pdf=write_report_pdf)
    _give_every_command_json(parser)
    return parser


def _answer_version_early(argv: list[str]) -> None:
    """`credopass --version` answered by the top-level options alone, before any command module
    (and the database layer behind them) is imported. Words after the command go to the command,
    as in the full parser; anything this parser dislikes is left to the full one to report."""
    parser = _Parser(prog="credopass", add_help=False, parents=[common_options()])
    _top_level_options(parser)
    parser.add_argument("rest", nargs=argparse.REMAINDER)
    with contextlib.suppress(CliError):
        parser.parse_known_args(argv)


def _sub_commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # argparse offers no public way to walk its tree
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _give_every_command_json(parser: argparse.ArgumentParser) -> None:
    """`--json` on every parser that lacks it. Commands that print only sentences get them
    wrapped in one object (`json_wrap`); a group without its command lists its commands."""
    children = _sub_commands(parser)
    if JSON_FLAG not in parser._option_string_actions:
        parser.add_argument(
            JSON_FLAG,
            action="store_true",
            default=argparse.SUPPRESS,
            help="print one JSON object (errors too)",
        )
        if not children:
            parser.set_defaults(json_wrap=True)
    if children:
        parser.set_defaults(sub_commands=sorted(children))
    for child in children.values():
        _give_every_command_json(child)


def main(
    argv: Sequence[str] | None = None,
    *,
    open_window: OpenWindow | None = None,
    write_report_pdf: WritePdf | None = None,
) -> int:
    """Run one command line. `open_window` and `write_report_pdf` come from the GUI layer
    (ui.launcher); without them the window and `report --pdf` say they are not available."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    argv = list(sys.argv[1:] if argv is None else argv)
    as_json = wants_json(argv)
    try:
        check_argument_text(argv)
        _answer_version_early(argv)
        args = build_parser(write_report_pdf).parse_args(argv)
    except CliError as exc:
        return fail(str(exc), exc.code, as_json=as_json)
    args.json = getattr(args, "json", False) or as_json
    if getattr(args, "handler", None) is None:
        if args.command:  # a group such as `credopass db` without its sub-command
            return fail(_missing_command(args), EXIT_USAGE, as_json=as_json)
        if args.json:
            return fail("--json needs a command; the window has no JSON", EXIT_USAGE, as_json=True)
        return run_command(args, _window_launcher(open_window))
    return run_command(args, args.handler)


def _missing_command(args) -> str:
    group = args.command  # groups are one level deep: `db`, `events`, `import`, ...
    return (
        f"`credopass {group}` needs a command: {', '.join(args.sub_commands)} "
        f"(see `credopass {group} --help`)"
    )


def _window_launcher(open_window: OpenWindow | None) -> Callable:
    def launch(args, context) -> int:
        if open_window is None:
            raise CliError(
                "this entry point has no window: run `credopass` (or `python -m ui`) to open it",
                EXIT_USAGE,
            )
        ensure_display()
        context.target  # noqa: B018 - refuses a URL the window could not use, before Qt starts
        return open_window(
            args.database_url, kiosk=args.kiosk, station=getattr(args, "station", None)
        )

    return launch
