"""`credopass admin set-pin` (the kiosk's admin PIN) and `credopass settings [get|set]` (the
organization settings of app.settings: points, undo window, door margins...)."""

from __future__ import annotations

import argparse
import getpass
import sys

from app import settings
from app.cli.common import EXIT_OK, EXIT_USAGE, CliError, print_json
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
    _register_settings(subparsers, common)


def _register_settings(subparsers, common: argparse.ArgumentParser) -> None:
    keys = ", ".join(settings.KNOWN_SETTINGS)
    group = subparsers.add_parser(
        "settings",
        help="show or change the organization settings (door margins, points...)",
        description=f"Without a sub-command, lists every setting. Keys: {keys}.",
        parents=[common],
    )
    group.add_argument("--json", action="store_true", help="print one JSON object")
    group.set_defaults(handler=cmd_settings_list)
    sub = group.add_subparsers(dest="settings_command", metavar="SETTINGS_COMMAND")
    p = sub.add_parser("get", help="show one setting", parents=[common])
    p.add_argument("key", metavar="KEY", help=keys)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(handler=cmd_settings_get)
    p = sub.add_parser("set", help="change one setting", parents=[common])
    p.add_argument("key", metavar="KEY", help=keys)
    p.add_argument("value", metavar="VALUE")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(handler=cmd_settings_set)


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


def _setting_json(key: str, value) -> dict:
    spec = settings.KNOWN_SETTINGS[key]
    return {"key": key, "value": spec.format(value), "description": spec.description}


def _print_settings(args, values: dict) -> None:
    rows = [_setting_json(key, value) for key, value in values.items()]
    if args.json:
        print_json({"outcome": "ok", "settings": rows})
        return
    for row in rows:
        print(f"{row['key']} = {row['value']}    ({row['description']})")


def _read_all(session) -> dict:
    return {key: settings.get_setting(session, key) for key in settings.KNOWN_SETTINGS}


def cmd_settings_list(args, context) -> int:
    values = run_in_transaction(context.database().sessions, _read_all, write=False)
    _print_settings(args, values)
    return EXIT_OK


def cmd_settings_get(args, context) -> int:
    if args.key not in settings.KNOWN_SETTINGS:
        settings.typed_value(args.key, None)  # raises the "Unknown setting" ValidationError
    value = run_in_transaction(
        context.database().sessions, lambda s: settings.get_setting(s, args.key), write=False
    )
    _print_settings(args, {args.key: value})
    return EXIT_OK


def cmd_settings_set(args, context) -> int:
    value = run_in_transaction(
        context.database().sessions, lambda s: settings.set_setting(s, args.key, args.value)
    )
    _print_settings(args, {args.key: value})
    return EXIT_OK
