"""`credopass station status|sync|conflicts`: the offline door's queue and report (issue 11).

- status: {"station", "mode": "online"|"offline", "waiting", "lastSync", "conflicts"}
- sync: upload the station's outbox, then refresh its copy; exit 0 when nothing is left
  waiting, 1 when the server could not be reached (the queue stays, nothing is lost)
- conflicts: the report, a JSON list of {kind, patron, event, stations, times, resolution};
  `--seen` marks them as read by a supervisor
With the default local SQLite database there is nothing to sync: status says "online".
"""

from __future__ import annotations

import argparse

from app.cli.common import EXIT_FAILURE, EXIT_OK, CliError, add_json_option, print_json

_STATION_HELP = "the station whose copy and queue to use (default: the computer's name)"


def register(subparsers, common: argparse.ArgumentParser) -> None:
    group = subparsers.add_parser(
        "station", help="this station's offline copy, queue and conflict report", parents=[common]
    )
    sub = group.add_subparsers(dest="station_command", metavar="STATION_COMMAND")
    for name, help_text, handler in (
        ("status", "online or offline, actions waiting to sync, last sync", cmd_status),
        ("sync", "upload the actions taken offline, then refresh the copy", cmd_sync),
        ("conflicts", "what the time offline made wrong, and what was done", cmd_conflicts),
    ):
        p = sub.add_parser(name, help=help_text, parents=[common])
        p.add_argument("--station", metavar="NAME", help=_STATION_HELP)
        add_json_option(p)
        p.set_defaults(handler=handler)
        if name == "conflicts":
            p.add_argument("--seen", action="store_true", help="mark them as read")


def _station(args) -> str:
    from app.station.copy import default_station, validate_station  # noqa: PLC0415

    return validate_station(args.station) if args.station else default_station()


def cmd_status(args, context) -> int:
    from app.station.sync import station_status  # noqa: PLC0415

    status = station_status(context.database, _station(args))
    if args.json:
        print_json(status)
        return EXIT_OK
    last = status["lastSync"] or "never"
    print(
        f"station {status['station']}: {status['mode']} · {status['waiting']} waiting to sync · "
        f"last synced {last} · {status['conflicts']} conflicts to review"
    )
    return EXIT_OK


def cmd_sync(args, context) -> int:
    from app.station.router import server_unreachable  # noqa: PLC0415
    from app.station.sync import sync_station  # noqa: PLC0415

    station = _station(args)
    try:
        database = context.database()
    except Exception as exc:
        if not server_unreachable(exc):
            raise
        return _unreachable(args, station, str(exc))
    if database.backend == "sqlite":
        payload = {
            "station": station,
            "outcome": "synced",
            "uploaded": 0,
            "acknowledged": 0,
            "conflicts": 0,
            "waiting": 0,
            "message": "a local SQLite database: nothing to sync",
        }
        print_json(payload) if args.json else print(f"{station}: {payload['message']}")
        return EXIT_OK
    summary = sync_station(database.engine, station)
    payload = summary.to_json()
    if args.json:
        print_json(payload)
    else:
        print(
            f"{station}: uploaded {payload['uploaded']}, already there {payload['acknowledged']}, "
            f"in conflict {payload['conflicts']}, still waiting {payload['waiting']}"
            + (" · copy refreshed" if summary.refreshed else "")
            + (f" · server unreachable: {payload['error']}" if payload["error"] else "")
        )
    return EXIT_OK if payload["outcome"] == "synced" else EXIT_FAILURE


def _unreachable(args, station: str, reason: str) -> int:
    from app.station import copy as station_copy  # noqa: PLC0415
    from app.station.outbox import waiting  # noqa: PLC0415
    from db.session import make_session_factory, unit_of_work  # noqa: PLC0415

    left = 0
    engine = station_copy.open_copy(station)
    if engine is not None:
        try:
            with unit_of_work(make_session_factory(engine), write=False) as session:
                left = waiting(session)
        finally:
            engine.dispose()
    message = f"the server could not be reached ({reason}); {left} actions stay queued"
    if args.json:
        print_json(
            {
                "station": station,
                "outcome": "unreachable",
                "uploaded": 0,
                "acknowledged": 0,
                "conflicts": 0,
                "waiting": left,
                "message": message,
            }
        )
    else:
        print(f"credopass: {station}: {message}")
    return EXIT_FAILURE


def cmd_conflicts(args, context) -> int:
    from app.station import conflicts  # noqa: PLC0415
    from db.session import run_in_transaction  # noqa: PLC0415

    database = context.database()

    def read(session):
        listed = conflicts.listing(session)
        if args.seen:
            conflicts.mark_seen(session)
        return listed

    listed = run_in_transaction(database.sessions, read, write=args.seen)
    if args.json:
        print_json(listed)
        return EXIT_OK
    if not listed:
        print("no conflicts")
    for c in listed:
        who = c["patron"]["name"] or c["patron"]["id"] or "?"
        what = c["event"]["name"] or c["event"]["id"] or "?"
        print(f"{c['kind']}: {who} at {what} ({', '.join(c['stations'])}): {c['resolution']}")
    return EXIT_OK


__all__ = ["CliError", "register"]
