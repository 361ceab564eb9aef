"""The `credopass` command: the composition root that wires configuration, database and GUI.

Exit codes: 0 success (or an idempotent repeat), 1 a failure of the database or environment,
2 a usage or validation error, 3 a refusal by the check-in rules.
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
    transfer_commands,
)
from app.cli.common import EXIT_USAGE, CliError, common_options, ensure_display, run_command

# Each module contributes its sub-commands; keeping them apart keeps this file small.
COMMAND_MODULES = [
    db_commands,
    admin_commands,
    transfer_commands,
    checkin_commands,
    events_commands,
    pass_commands,
    badge_command,
]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, no usage dump wall
        self.exit(EXIT_USAGE, f"credopass: {message} (see `credopass --help`)\n")


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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "handler", None) is None:
        if args.command:  # a group such as `credopass db` without its sub-command
            parser.parse_args([*(argv or sys.argv[1:]), "--help"])
        return run_command(args, _launch_gui)
    return run_command(args, args.handler)


def _launch_gui(args, _context) -> int:
    ensure_display()
    try:
        from ui.main import run_gui
    except ImportError as exc:  # e.g. Qt's system libraries are missing
        raise CliError(f"cannot start the window: {exc}", EXIT_USAGE) from None
    return run_gui(args.database_url, kiosk=args.kiosk, station=getattr(args, "station", None))
