"""The `credopass` command: the composition root that wires configuration, database and GUI.

Exit codes: 0 success (or an idempotent repeat), 1 a failure of the database or environment,
2 a usage or validation error, 3 a refusal by the check-in rules. Every command accepts
`--json`; with it, every error (argparse's own included) is one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from app import __version__
from app.cli import (
    admin_commands,
    badge_command,
    checkin_commands,
    db_commands,
    events_commands,
    pass_commands,
    report_commands,
    sql_command,
    station_commands,
    transfer_commands,
)
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

# Each module contributes its sub-commands; keeping them apart keeps this file small.
COMMAND_MODULES = [
    db_commands,
    admin_commands,
    transfer_commands,
    checkin_commands,
    events_commands,
    sql_command,
    report_commands,
    pass_commands,
    badge_command,
    station_commands,
]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        # Raised, not printed: `main` reports it as text or JSON, one line, exit 2.
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def build_parser() -> argparse.ArgumentParser:
    common = common_options()
    parser = _Parser(
        prog="credopass",
        description="CredoPass Kiosk: front-desk event check-in. Without a command, opens the app.",
        parents=[common],
    )
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
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in COMMAND_MODULES:
        module.register(subparsers, common)
    parser.set_defaults(write_pdf=_write_report_pdf)
    _give_every_command_json(parser)
    return parser


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


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    argv = list(sys.argv[1:] if argv is None else argv)
    as_json = wants_json(argv)
    try:
        check_argument_text(argv)
        args = build_parser().parse_args(argv)
    except CliError as exc:
        return fail(str(exc), exc.code, as_json=as_json)
    args.json = getattr(args, "json", False) or as_json
    if getattr(args, "handler", None) is None:
        if args.command:  # a group such as `credopass db` without its sub-command
            return fail(_missing_command(args), EXIT_USAGE, as_json=as_json)
        if args.json:
            return fail("--json needs a command; the window has no JSON", EXIT_USAGE, as_json=True)
        return run_command(args, _launch_gui)
    return run_command(args, args.handler)


def _write_report_pdf(document, path) -> None:
    """`report --pdf`: Qt draws the PDF, so the GUI layer is reached lazily, from here only."""
    from ui.reports.pdf import write_pdf

    write_pdf(document, path)


def _missing_command(args) -> str:
    group = args.command  # groups are one level deep: `db`, `events`, `import`, ...
    return (
        f"`credopass {group}` needs a command: {', '.join(args.sub_commands)} "
        f"(see `credopass {group} --help`)"
    )


def _launch_gui(args, context) -> int:
    ensure_display()
    context.target  # noqa: B018 - refuses a URL the window could not use, before Qt starts
    try:
        from ui.main import run_gui
    except ImportError as exc:  # e.g. Qt's system libraries are missing
        raise CliError(f"cannot start the window: {exc}", EXIT_USAGE) from None
    return run_gui(args.database_url, kiosk=args.kiosk, station=getattr(args, "station", None))
