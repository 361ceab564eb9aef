"""`credopass events ...`: list, create, update, publish, start, close, cancel, repeat, delete.

Times are typed in local time (`2026-12-06 10:00`, or `12:00` for an end on the start's day) or
ISO 8601 with an offset; the zone is the machine's unless `--timezone` names one. Exit codes
match the check-in commands: 0 done, 2 usage or validation (one line), 3 refused by the rules.
"""

from __future__ import annotations

import argparse
import socket
from datetime import tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.checkin.event_lookup import resolve_event
from app.cli.arguments import filter_text
from app.cli.common import EXIT_OK, EXIT_REFUSED, EXIT_USAGE, CliError, print_json
from app.errors import ValidationError
from app.events import (
    Actor,
    EventInput,
    EventRow,
    StatusAction,
    When,
    change_status,
    create_event,
    delete_event,
    get_event_row,
    list_events,
    local_zone,
    parse_local,
    repeat_event,
    resolve_host,
    to_local,
    update_event,
    validate_event,
)
from db.models import EVENT_STATUSES
from db.session import run_in_transaction


def register(subparsers, common: argparse.ArgumentParser) -> None:
    events = subparsers.add_parser(
        "events", help="plan events and change their status", parents=[common]
    )
    sub = events.add_subparsers(dest="events_command", metavar="EVENTS_COMMAND")

    shared = argparse.ArgumentParser(add_help=False, parents=[common])
    shared.add_argument("--json", action="store_true", help="print one JSON object")
    shared.add_argument(
        "--timezone", metavar="ZONE", help="IANA zone for times (default: this machine's)"
    )
    acting = argparse.ArgumentParser(add_help=False, parents=[shared])
    acting.add_argument("--station", metavar="NAME", help="station name for the audit log")

    p = sub.add_parser("list", help="events with their checked-in counts", parents=[shared])
    when = p.add_mutually_exclusive_group()
    when.add_argument(
        "--today",
        action="store_const",
        dest="when",
        const="today",
        help="only today's events (local calendar day)",
    )
    when.add_argument("--when", choices=[w.value for w in When], default="upcoming")
    p.add_argument("--status", choices=EVENT_STATUSES)
    p.add_argument("--search", default="", metavar="TEXT", type=filter_text("Search"))
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser(
        "create", help="create an event (a draft unless --publish)", parents=[acting]
    )
    _field_options(p, required=True)
    p.add_argument("--publish", action="store_true", help="create it scheduled, not as a draft")
    p.set_defaults(handler=cmd_create)

    p = sub.add_parser("update", help="change an event's details", parents=[acting])
    p.add_argument("event", metavar="EVENT", help="event id or exact name")
    _field_options(p, required=False)
    p.set_defaults(handler=cmd_update)

    for name, action, text in (
        ("publish", StatusAction.PUBLISH, "draft -> scheduled"),
        ("start", StatusAction.START, "scheduled -> ongoing (start check-in)"),
        ("close", StatusAction.CLOSE, "ongoing -> completed"),
        ("cancel", StatusAction.CANCEL, "cancel an event that has not finished (needs --reason)"),
    ):
        p = sub.add_parser(name, help=text, parents=[acting])
        p.add_argument("event", metavar="EVENT", help="event id or exact name")
        if action is StatusAction.CANCEL:
            p.add_argument("--reason", required=True, help="why (kept in the audit log)")
        p.set_defaults(handler=cmd_status, status_action=action)

    p = sub.add_parser("repeat", help="copy an event every N days", parents=[acting])
    p.add_argument("event", metavar="EVENT", help="event id or exact name")
    p.add_argument("--every-days", type=int, default=7, metavar="N")
    p.add_argument("--count", type=int, required=True, metavar="N", help="how many copies")
    p.set_defaults(handler=cmd_repeat)

    p = sub.add_parser("delete", help="delete an event nobody attended", parents=[acting])
    p.add_argument("event", metavar="EVENT", help="event id or exact name")
    p.set_defaults(handler=cmd_delete)


def _field_options(p: argparse.ArgumentParser, *, required: bool) -> None:
    p.add_argument("--name", required=required)
    p.add_argument("--location", required=required)
    p.add_argument(
        "--start", required=required, metavar="WHEN", help="local, e.g. 2026-12-06 10:00"
    )
    p.add_argument(
        "--end", required=required, metavar="WHEN", help="local; HH:MM = the start's day"
    )
    p.add_argument("--host", required=required, metavar="NAME_OR_EMAIL")
    p.add_argument("--description")
    p.add_argument("--capacity", metavar="N", help="whole number; empty or 'none' for unlimited")


def _zone(args) -> tzinfo:
    if not args.timezone:
        return local_zone()
    try:
        return ZoneInfo(args.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise CliError(
            f"unknown time zone {args.timezone!r} (try Europe/London)", EXIT_USAGE
        ) from None


def _actor(args) -> Actor:
    return Actor(station=args.station or socket.gethostname(), method="cli")


OPTION_NAMES = {
    "name": "--name",
    "location": "--location",
    "start_time": "--start",
    "end_time": "--end",
    "capacity": "--capacity",
    "host": "--host",
    "description": "--description",
}


def _as_options(exc: ValidationError) -> ValidationError:
    """The same messages, named after the options a script passed."""
    return ValidationError({OPTION_NAMES.get(k, k): v for k, v in exc.errors.items()})


def _pick(value, current: EventRow | None, attr: str):
    if value is not None or current is None:
        return value
    return getattr(current, attr)


def _input(session, args, tz, current: EventRow | None) -> EventInput:
    """The event as it will be after this command: given options over the current values."""
    errors: dict[str, str] = {}
    start = _pick(None, current, "start_time")
    if args.start:
        try:
            start = parse_local(args.start, tz)
        except ValueError as exc:
            errors["start_time"] = str(exc)
    end = _pick(None, current, "end_time")
    if args.end:
        base = to_local(start, tz).date() if start else None
        try:
            end = parse_local(args.end, tz, base=base)
        except ValueError as exc:
            errors["end_time"] = str(exc)
    elif args.start and current is not None and start is not None:
        end = start + (current.end_time - current.start_time)  # moving keeps the length
    capacity = args.capacity
    if capacity is not None and capacity.strip().lower() in ("none", "unlimited"):
        capacity = ""
    capacity = _pick(capacity, current, "capacity")
    host_id = _pick(None, current, "host_id")
    if args.host is not None:
        try:
            host_id = resolve_host(session, args.host).id
        except ValidationError as exc:
            errors.update(exc.errors)
            host_id = None
    data = EventInput(
        name=_pick(args.name, current, "name"),
        location=_pick(args.location, current, "location"),
        start_time=start,
        end_time=end,
        host_id=host_id,
        description=_pick(args.description, current, "description"),
        capacity=capacity,
    )
    if errors:
        try:
            validate_event(data)
        except ValidationError as exc:
            errors = {**exc.errors, **errors}
        raise ValidationError(errors)
    return data


def event_json(row: EventRow) -> dict:
    return {
        "id": str(row.id),
        "name": row.name,
        "description": row.description,
        "location": row.location,
        "status": row.status,
        "startTime": row.start_time.isoformat(),
        "endTime": row.end_time.isoformat(),
        "capacity": row.capacity,
        "host": {"id": str(row.host_id), "name": row.host_name, "email": row.host_email},
        "checkedIn": row.checked_in,
        "registered": row.registered,
    }


def _line(row: EventRow, tz: tzinfo) -> str:
    when = to_local(row.start_time, tz).strftime("%a %Y-%m-%d %H:%M")
    cap = "no limit" if row.capacity is None else f"{row.capacity}"
    return f"{when}  {row.status:<9}  {row.checked_in:>5}/{cap:<8}  {row.name} @ {row.location}  [{row.id}]"


def _run(args, context, action):
    try:
        return run_in_transaction(context.database().sessions, action)
    except ValidationError as exc:
        raise _as_options(exc) from None


def cmd_list(args, context) -> int:
    tz = _zone(args)
    rows = _run(
        args,
        context,
        lambda s: list_events(
            s, when=args.when or "upcoming", status=args.status, search=args.search, tz=tz
        ),
    )
    if args.json:
        print_json({"events": [event_json(r) for r in rows], "count": len(rows)})
    elif not rows:
        print("No events.")
    else:
        for row in rows:
            print(_line(row, tz))
    return EXIT_OK


def _print_event(args, row: EventRow, message: str, tz, outcome: str = "ok") -> None:
    if args.json:
        print_json(
            {"outcome": outcome, "message": message, "event": event_json(row) if row else None}
        )
    else:
        print(message)
        if row is not None:
            print(_line(row, tz))


def cmd_create(args, context) -> int:
    tz = _zone(args)
    status = "scheduled" if args.publish else "draft"
    row = _run(
        args,
        context,
        lambda s: create_event(s, _input(s, args, tz, None), status=status, actor=_actor(args)),
    )
    _print_event(args, row, f"Created {row.name} ({row.status}).", tz)
    return EXIT_OK


def cmd_update(args, context) -> int:
    tz = _zone(args)

    def action(session):
        event = resolve_event(session, args.event, open_only=False)
        current = get_event_row(session, event.id)
        return update_event(
            session, event.id, _input(session, args, tz, current), actor=_actor(args)
        )

    row = _run(args, context, action)
    _print_event(args, row, f"Updated {row.name}.", tz)
    return EXIT_OK


def cmd_status(args, context) -> int:
    tz = _zone(args)

    def action(session):
        event = resolve_event(session, args.event, open_only=False)
        return change_status(
            session,
            event.id,
            args.status_action,
            reason=getattr(args, "reason", None),
            actor=_actor(args),
        )

    change = _run(args, context, action)
    _print_event(args, change.event, change.message, tz, "changed" if change.changed else "refused")
    return EXIT_OK if change.changed else EXIT_REFUSED


def cmd_repeat(args, context) -> int:
    tz = _zone(args)

    def action(session):
        event = resolve_event(session, args.event, open_only=False)
        return repeat_event(
            session,
            event.id,
            every_days=args.every_days,
            count=args.count,
            tz=tz,
            actor=_actor(args),
        )

    rows = _run(args, context, action)
    if args.json:
        print_json({"outcome": "ok", "events": [event_json(r) for r in rows], "count": len(rows)})
    else:
        print(f"Created {len(rows)} occurrences:")
        for row in rows:
            print(_line(row, tz))
    return EXIT_OK


def cmd_delete(args, context) -> int:
    def action(session):
        event = resolve_event(session, args.event, open_only=False)
        return delete_event(session, event.id, actor=_actor(args))

    result = _run(args, context, action)
    if args.json:
        print_json(
            {"outcome": "deleted" if result.deleted else "refused", "message": result.message}
        )
    else:
        print(result.message)
    return EXIT_OK if result.deleted else EXIT_REFUSED
