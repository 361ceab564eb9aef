"""`credopass admin ...`: supervisor settings, starting with the kiosk's admin PIN."""

from __future__ import annotations

import argparse
import getpass
import sys

from app.cli.common import EXIT_OK, EXIT_USAGE, CliError
from app.errors import ValidationError
from app.pin import set_admin_pin, validate_pin
from db.session import run_in_transaction


def register(subparsers, common: argparse.ArgumentParser) -> None:
    admin = subparsers.add_parser("admin", help="supervisor settings", parents=[common])
    sub = admin.add_subparsers(dest="admin_command", metavar="ADMIN_COMMAND")
    p = sub.add_parser(
        "set-pin",
        help="set the admin PIN (4-12 digits) that unlocks kiosk mode, Events and Admin",
        description=(
            "Set the admin PIN. At a terminal it is asked twice and not echoed; otherwise it is "
            "read from the first line of standard input (for scripts)."
        ),
        parents=[common],
    )
    p.set_defaults(handler=cmd_set_pin)


def read_new_pin(stdin=None, prompt=getpass.getpass) -> str:
    """The new PIN from a person (twice, hidden) or from a script's standard input."""
    stdin = sys.stdin if stdin is None else stdin
    if not stdin.isatty():
        line = stdin.readline()
        if not line:
            raise CliError("no PIN on standard input", EXIT_USAGE)
        pin = line.rstrip("\r\n").strip()
        _validate(pin)
        return pin
    try:
        first = prompt("New admin PIN (4-12 digits): ")
        _validate(first)
        second = prompt("Type it again: ")
    except EOFError:
        raise CliError("no PIN entered; nothing changed", EXIT_USAGE) from None
    if first != second:
        raise CliError("the two PINs differ; nothing changed", EXIT_USAGE)
    return first


def _validate(pin: str) -> None:
    try:
        validate_pin(pin)
    except ValidationError as exc:
        raise CliError(f"{exc.errors['pin']} Nothing changed.", EXIT_USAGE) from None


def cmd_set_pin(args, context) -> int:
    pin = read_new_pin()
    database = context.database()
    run_in_transaction(database.sessions, lambda session: set_admin_pin(session, pin))
    print("The admin PIN is set.")
    return EXIT_OK
