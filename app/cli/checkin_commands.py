"""`credopass checkin|checkout|register|undo EVENT CODE`, `credopass walkin EVENT --first-name
.. --last-name .. --email .. [--phone ..]` and `credopass patron show CODE | search QUERY |
redeem CODE POINTS --reward TEXT`.

EVENT is an event UUID or its name in any case; of several events with that name, the one open
at the door now (the command says which on standard error). CODE is a patron's pass code (UUID)
or exact email. Outside an event's door window the door refuses (exit 3); a supervisor records
a late attendance with `--late` (checkin, checkout, undo), audited as late. Exit 0 for a success or an idempotent repeat, 3 for a refusal,
2 for a usage or validation error. `--json` prints one object per command.
"""

from __future__ import annotations

import argparse
import sys

from app import audit, loyalty
from app.checkin.identify import identify, loggable_code
from app.checkin.outcomes import CheckInResult, Outcome, PatronStatus
from app.checkin.validation import parse_whole_number
from app.cli.arguments import filter_text
from app.cli.common import EXIT_OK, EXIT_REFUSED, EXIT_USAGE, CliError, print_json
from app.masking import display_name
from app.no_email import shown_email
from app.search import MIN_QUERY_LENGTH, search_patrons
from app.station import actions
from app.station.actions import DoorAction
from db.session import run_in_transaction

DEFAULT_STATION = "cli"
_EVENT_HELP = "event id, or its name (the one open at the door now when several share it)"
_STATION_HELP = (
    "this station's name: the audit log's station (default 'cli') and the station copy used "
    "when the server does not answer (default: the computer's name)"
)
_LATE_HELP = (
    "supervisor: record it although the event's door is not open (after it closed); audited as late"
)


def register(subparsers, common: argparse.ArgumentParser) -> None:
    door = argparse.ArgumentParser(add_help=False)
    door.add_argument("event", metavar="EVENT", help=_EVENT_HELP)
    door.add_argument("code", metavar="CODE", help="the patron's pass code (id) or email")
    door.add_argument("--station", default=None, metavar="NAME", help=_STATION_HELP)
    door.add_argument("--json", action="store_true", help="print one JSON object")

    door_actions = (
        ("checkin", "check a patron in to an event", actions.CHECK_IN, True),
        ("checkout", "check a patron out of an event", actions.CHECK_OUT, True),
        ("register", "register (RSVP) a patron for an event", actions.REGISTER, False),
    )
    for name, help_text, method, may_be_late in door_actions:
        p = subparsers.add_parser(name, help=help_text, parents=[common, door])
        if may_be_late:
            p.add_argument("--late", action="store_true", help=_LATE_HELP)
        p.set_defaults(handler=_door_handler(method), late=False)

    p = subparsers.add_parser(
        "undo", help="undo the latest check-in of a patron", parents=[common, door]
    )
    p.add_argument(
        "--supervisor",
        action="store_true",
        help="allow undoing a check-in from another station or older than the undo window",
    )
    p.add_argument("--late", action="store_true", help=_LATE_HELP)
    p.set_defaults(handler=cmd_undo)

    p = subparsers.add_parser(
        "walkin", help="add a patron at the door and check them in", parents=[common]
    )
    p.add_argument("event", metavar="EVENT", help=_EVENT_HELP)
    p.add_argument("--first-name", required=True, metavar="NAME")
    p.add_argument("--last-name", required=True, metavar="NAME")
    p.add_argument("--email", required=True, metavar="EMAIL")
    p.add_argument("--phone", metavar="PHONE", help="optional; 7 to 15 digits")
    p.add_argument("--station", default=None, metavar="NAME", help=_STATION_HELP)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(handler=cmd_walk_in)

    patron = subparsers.add_parser("patron", help="look up patrons", parents=[common])
    sub = patron.add_subparsers(dest="patron_command", metavar="PATRON_COMMAND")
    p = sub.add_parser("show", help="balance, tier and last visits of one patron", parents=[common])
    p.add_argument("code", metavar="CODE", help="the patron's pass code (id) or email")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(handler=cmd_patron_show)

    p = sub.add_parser(
        "search", help="find patrons by name, email, phone or code", parents=[common]
    )
    p.add_argument("query", metavar="QUERY", type=filter_text("Search"))
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument(
        "--reveal", action="store_true", help="show full emails and phones (supervisors)"
    )
    p.set_defaults(handler=cmd_patron_search)

    p = sub.add_parser("redeem", help="spend a patron's points on a reward", parents=[common])
    p.add_argument("code", metavar="CODE", help="the patron's pass code (id) or email")
    p.add_argument("points", metavar="POINTS", type=_whole_number, help="points to spend")
    p.add_argument("--reward", required=True, metavar="TEXT", help="what the points buy")
    p.add_argument("--station", default=DEFAULT_STATION, metavar="NAME")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(handler=cmd_patron_redeem)


def _door_handler(method: str):
    def handler(args, context) -> int:
        return _routed(args, context, _action(args, method, code=args.code, late=args.late))

    return handler


def _action(args, method: str, **fields) -> DoorAction:
    return DoorAction(
        method=method,
        event=args.event,
        station=args.station or DEFAULT_STATION,
        source="walk_in" if method == actions.WALK_IN else "cli",
        **fields,
    )


def cmd_undo(args, context) -> int:
    action = _action(args, actions.UNDO, code=args.code, supervisor=args.supervisor, late=args.late)
    return _routed(args, context, action)


def cmd_walk_in(args, context) -> int:
    action = _action(
        args,
        actions.WALK_IN,
        first_name=args.first_name,
        last_name=args.last_name,
        email=args.email,
        phone=args.phone,
    )
    return _routed(args, context, action)


def _routed(args, context, action: DoorAction) -> int:
    """A door action on the server within the door deadline, else on this station's copy
    (issue 11): the same outcomes and exit codes, `"queued": true` when it waits to sync."""
    from app.station.copy import default_station, validate_station  # noqa: PLC0415
    from app.station.router import route_door_action  # noqa: PLC0415

    station = validate_station(args.station) if args.station else default_station()
    routed = route_door_action(
        context.database, action, station=station, note=lambda text: print(text, file=sys.stderr)
    )
    result = routed.result
    if args.json:
        print_json(routed.to_json())
    else:
        line = _one_line(result)
        if routed.queued:
            line += f" (offline: saved on station {station}, will sync when the server answers)"
        print(line)
    return EXIT_REFUSED if result.outcome.is_refusal else EXIT_OK


def _one_line(result: CheckInResult) -> str:
    line = f"{result.outcome.value}: {result.message}"
    if result.patron is not None and result.balance is not None:
        name = f"{result.patron.first_name} {result.patron.last_name}"
        line += f" [{name} · {result.tier} · {result.balance} points]"
    return line


def cmd_patron_show(args, context) -> int:
    def action(session):
        patron = identify(session, args.code)
        return loyalty.patron_status(session, patron.id) if patron is not None else None

    status = run_in_transaction(context.database().sessions, action, write=False)
    if status is None:
        return _not_found(args)
    if args.json:
        print_json({"outcome": "found", **status.to_json()})
    else:
        print(_describe_status(status))
    return EXIT_OK


def _whole_number(text: str) -> int:
    try:
        return parse_whole_number(text, "Points")
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{ascii(text)} is not a whole number of points (digits 0-9 only)"
        ) from None


def cmd_patron_redeem(args, context) -> int:
    def action(session):
        patron = identify(session, args.code)
        if patron is None:
            return None
        return loyalty.redeem(
            session, patron.id, args.points, args.reward, station=args.station, method="cli"
        )

    result = run_in_transaction(context.database().sessions, action)
    if result is None:
        return _not_found(args)
    if args.json:
        print_json(result.to_json())
    else:
        print(f"{result.outcome.value}: {result.message} [{result.balance} points · {result.tier}]")
    return EXIT_REFUSED if result.outcome.is_refusal else EXIT_OK


def _not_found(args) -> int:
    message = f"No pass or email matches {loggable_code(args.code)!r}"
    if args.json:
        print_json({"outcome": Outcome.NOT_FOUND.value, "message": message})
    else:
        print(f"{Outcome.NOT_FOUND.value}: {message}")
    return EXIT_REFUSED


def _describe_status(status: PatronStatus) -> str:
    p = status.patron
    lines = [f"{p.first_name} {p.last_name}  ({p.id})"]
    standing = f"{status.balance} points · {status.tier}"
    if status.next_tier is not None:
        standing += f" · {status.points_to_next_tier} to {status.next_tier}"
    lines.append(standing)
    if status.visits:
        lines.append("last visits:")
        for visit in status.visits:
            when = visit.check_in_time or visit.event_start
            lines.append(f"  {when.astimezone():%Y-%m-%d %H:%M}  {visit.event.name}")
    else:
        lines.append("no visits yet")
    return "\n".join(lines)


def cmd_patron_search(args, context) -> int:
    if len(args.query.strip()) < MIN_QUERY_LENGTH:
        raise CliError(f"type at least {MIN_QUERY_LENGTH} characters to search", EXIT_USAGE)

    def action(session):
        matches = search_patrons(session, args.query, reveal=args.reveal)
        if args.reveal:  # who saw full contact details, and for which search
            audit.write(
                session,
                station=DEFAULT_STATION,
                method="cli",
                action="reveal",
                outcome="shown",
                detail={"query": args.query, "results": len(matches)},
            )
        return matches

    matches = run_in_transaction(context.database().sessions, action, write=args.reveal)
    if args.json:
        print_json(
            {
                "outcome": "found" if matches else Outcome.NOT_FOUND.value,
                "results": [_match_json(m, args.reveal) for m in matches],
            }
        )
    elif not matches:
        print(f"{Outcome.NOT_FOUND.value}: no patron matches {args.query!r}")
    else:
        for m in matches:
            # members (issue 15): a placeholder address reads "no email", revealed or not
            email = shown_email(m.email) if args.reveal and m.email else m.masked_email
            phone = (m.phone if args.reveal and m.phone else m.masked_phone) or ""
            print(f"{m.id}  {m.display_name:<30} {email:<30} {phone}".rstrip())
    return EXIT_OK if matches else EXIT_REFUSED


def _initial(last_name: str | None) -> str:
    return display_name(None, last_name)


def _match_json(match, reveal: bool) -> dict:
    data = {
        "id": str(match.id),
        "firstName": match.first_name,
        # the initial only ("S."), as on the kiosk, unless a supervisor asked for --reveal
        "lastName": match.last_name if reveal else _initial(match.last_name),
        "displayName": match.display_name,
        "email": match.masked_email,
        "phone": match.masked_phone,
        "matchedBy": match.matched_by,
    }
    if reveal:
        data["email"] = shown_email(match.email) or match.masked_email
        data["phone"] = match.phone or match.masked_phone
    return data
