"""`credopass station refresh|forget`: this station's copy of the shared database (issue 11).

- refresh: bring the copy up to date (a first copy, or only what changed), with a progress
  line on a terminal; exit 1 when the server cannot be reached
- forget: delete the copy (it holds personal data); refused while actions taken offline still
  wait to sync, unless --force
With the default local SQLite database there is no copy: both say so, exit 0.
The `station` group is shared with station_commands (status, sync, conflicts): whichever
module registers first creates it, the other adds to it.
"""

from __future__ import annotations

import argparse
import sys
import time

from app.cli.common import EXIT_OK, EXIT_USAGE, CliError, add_json_option, print_json

_STATION_HELP = "the station whose copy to use (default: the computer's name)"
_NO_SERVER = (
    "this station works on the local SQLite database: there is no shared server, so no copy "
    "to make or forget"
)


def register(subparsers, common: argparse.ArgumentParser) -> None:
    sub = _station_group(subparsers, common)
    p = sub.add_parser(
        "refresh", help="bring this station's copy up to date from the server", parents=[common]
    )
    p.add_argument("--station", metavar="NAME", help=_STATION_HELP)
    add_json_option(p)
    p.set_defaults(handler=cmd_refresh)
    p = sub.add_parser(
        "forget", help="delete this station's copy (it holds personal data)", parents=[common]
    )
    p.add_argument("--station", metavar="NAME", help=_STATION_HELP)
    p.add_argument("--yes", action="store_true", help="do not ask; yes, delete the copy")
    p.add_argument(
        "--force", action="store_true", help="delete it even with actions still waiting to sync"
    )
    add_json_option(p)
    p.set_defaults(handler=cmd_forget)


def _station_group(subparsers, common: argparse.ArgumentParser):
    group = subparsers.choices.get("station")
    if group is None:
        group = subparsers.add_parser(
            "station",
            help="this station's offline copy, queue and conflict report",
            parents=[common],
        )
    for action in group._actions:  # argparse offers no public way to find it
        if isinstance(action, argparse._SubParsersAction):
            return action
    return group.add_subparsers(dest="station_command", metavar="STATION_COMMAND")


def _station(args) -> str:
    from app.station.copy import default_station, validate_station  # noqa: PLC0415

    return default_station() if args.station is None else validate_station(args.station)


def cmd_refresh(args, context) -> int:
    from app.station.copy import (  # noqa: PLC0415
        copy_path,
        last_synced_at,
        open_copy,
        refresh_copy,
    )

    station = _station(args)
    if context.target.backend != "postgresql":
        return _say_no_server(args, station)
    server = context.database().engine  # a server that does not answer: exit 1 here
    copy = open_copy(station, create=True)
    try:
        progress = _ProgressLine() if not args.json and sys.stderr.isatty() else None
        summary = refresh_copy(server, copy, progress=progress)
        if progress:
            progress.finish()
        synced = last_synced_at(copy)
    finally:
        copy.dispose()
    if args.json:
        print_json(
            {
                "outcome": "ok",
                "station": station,
                "first": summary.first,
                "patrons": summary.patrons,
                "events": summary.events,
                "attendance": summary.attendance,
                "other": summary.other,
                "deleted": summary.deleted,
                "seconds": round(summary.seconds, 3),
                "lastSync": synced.isoformat() if synced else None,
                "path": str(copy_path(station)),
            }
        )
        return EXIT_OK
    kind = "first copy" if summary.first else "changes since the last refresh"
    print(
        f"station {station}: {kind} in {summary.seconds:.1f} s: {summary.patrons:,} patrons, "
        f"{summary.events:,} events, {summary.attendance:,} attendance rows, "
        f"{summary.other:,} other rows written, {summary.deleted:,} removed "
        f"({copy_path(station)})"
    )
    return EXIT_OK


def cmd_forget(args, context) -> int:
    from app.station.copy import copy_path  # noqa: PLC0415

    station = _station(args)
    path = copy_path(station)
    files = [path.with_name(path.name + suffix) for suffix in ("", "-wal", "-shm")]
    if not any(f.exists() for f in files):
        return _report(args, station, f"station {station} has no copy; nothing to delete", False)
    waiting = _waiting_to_sync(station)
    if waiting and not args.force:
        raise CliError(
            f"station {station} has {waiting} action(s) taken offline that are not synced yet; "
            "run `credopass station sync` first, or add --force to lose them",
            EXIT_USAGE,
        )
    if not args.yes and not _confirmed(args, path):
        raise CliError(
            f"not deleted: run again with --yes to delete {path} (it cannot be undone)",
            EXIT_USAGE,
        )
    for file in files:
        file.unlink(missing_ok=True)
    lost = f", losing {waiting} unsynced action(s)" if waiting else ""
    return _report(args, station, f"deleted the copy of station {station} ({path}){lost}", True)


def _waiting_to_sync(station: str) -> int:
    """Outbox rows not uploaded yet (the outbox belongs to the sync; a copy made before it
    existed has none)."""
    from sqlalchemy import inspect  # noqa: PLC0415

    from app.station.copy import open_copy  # noqa: PLC0415

    engine = open_copy(station)
    try:
        with engine.connect() as connection:
            inspector = inspect(connection)
            if not inspector.has_table("station_outbox"):
                return 0
            columns = {c["name"] for c in inspector.get_columns("station_outbox")}
            where = ' WHERE "sentAt" IS NULL' if "sentAt" in columns else ""
            return connection.exec_driver_sql(
                f"SELECT count(*) FROM station_outbox{where}"
            ).scalar()
    finally:
        engine.dispose()


def _confirmed(args, path) -> bool:
    if args.json or not sys.stdin.isatty():
        return False
    answer = input(f"Delete the station copy {path}? It holds personal data. [y/N] ")
    return answer.strip().lower() in ("y", "yes")


def _report(args, station: str, message: str, deleted: bool) -> int:
    if args.json:
        print_json({"outcome": "ok", "station": station, "deleted": deleted, "message": message})
    else:
        print(message)
    return EXIT_OK


def _say_no_server(args, station: str) -> int:
    if args.json:
        print_json({"outcome": "ok", "station": station, "copied": False, "message": _NO_SERVER})
    else:
        print(f"station {station}: {_NO_SERVER}")
    return EXIT_OK


class _ProgressLine:
    """`copying 412,000 / 1,000,000 rows (41 %)` rewritten in place on stderr, at most 5 a
    second."""

    def __init__(self):
        self.shown_at = 0.0

    def __call__(self, done: int, total: int | None) -> None:
        now = time.monotonic()
        if now - self.shown_at < 0.2 and done != total:
            return
        self.shown_at = now
        share = f" ({100 * done // total} %)" if total else ""
        of = f" / {total:,}" if total is not None else ""
        print(f"\rcopying {done:,}{of} rows{share}", end="", file=sys.stderr, flush=True)

    def finish(self) -> None:
        print(file=sys.stderr, flush=True)
