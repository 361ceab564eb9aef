"""`credopass pass show CODE [--png FILE | --pdf FILE]`, `credopass pass reissue CODE` and
`credopass pass sheet [--event EVENT | --all | --file patrons.csv] --pdf FILE [--paper P]`.

CODE is a patron's current pass code, id or exact email. Exit 0 done, 2 bad input (unknown
patron in a file, unwritable output), 3 no patron matches CODE. Output files are written
beside their final name and renamed at the end, so a failure never leaves half a file.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from app.checkin.event_lookup import resolve_event
from app.checkin.identify import identify, loggable_code
from app.checkin.outcomes import Outcome
from app.cli.common import EXIT_OK, EXIT_REFUSED, EXIT_USAGE, CliError, print_json
from db.session import run_in_transaction

DEFAULT_STATION = "cli"


def register(subparsers, common: argparse.ArgumentParser) -> None:
    group = subparsers.add_parser("pass", help="patron QR passes", parents=[common])
    sub = group.add_subparsers(dest="pass_command", metavar="PASS_COMMAND")

    p = sub.add_parser("show", help="a patron's pass code, as text, PNG or PDF", parents=[common])
    p.add_argument("code", metavar="CODE", help="the patron's pass code, id or email")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--png", metavar="FILE", type=Path, help="write the pass as a PNG image")
    out.add_argument("--pdf", metavar="FILE", type=Path, help="write the pass card as a PDF")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(handler=cmd_show)

    p = sub.add_parser(
        "reissue", help="replace a lost pass; the old one stops working", parents=[common]
    )
    p.add_argument("code", metavar="CODE", help="the patron's pass code, id or email")
    p.add_argument("--station", default=DEFAULT_STATION, metavar="NAME")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(handler=cmd_reissue)

    p = sub.add_parser("sheet", help="printable sheets of passes, 10 per page", parents=[common])
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--event", metavar="EVENT", help="the patrons registered for an event")
    who.add_argument("--all", action="store_true", help="every patron")
    who.add_argument("--file", metavar="CSV", type=Path, help="patrons by id, code or email")
    p.add_argument("--pdf", metavar="FILE", type=Path, required=True, help="the PDF to write")
    p.add_argument("--paper", choices=("A4", "Letter"), default="A4")
    p.set_defaults(handler=cmd_sheet)


def cmd_show(args, context) -> int:
    from app.passes.store import current_pass

    def action(session):
        patron = identify(session, args.code)
        return current_pass(session, patron) if patron is not None else None

    info = run_in_transaction(context.database().sessions, action)
    if info is None:
        return report_not_found(args)
    if args.png:
        from app.passes.png import pass_png

        write_atomically(args.png, lambda f: pass_png(info.code, f))
    elif args.pdf:
        from app.passes.cards import card_page
        from app.passes.pdf import write_pdf

        write_atomically(args.pdf, lambda f: write_pdf(f, [card_page(info)], title=info.code))
    if getattr(args, "json", False):
        print_json({"outcome": "found", **_pass_json(info)})
    else:
        print(f"{info.code}  {info.patron.full_name}")
    return EXIT_OK


def cmd_reissue(args, context) -> int:
    from app.passes.store import reissue

    def action(session):
        patron = identify(session, args.code)
        if patron is None:
            return None
        return reissue(session, patron, station=args.station, method="cli")

    info = run_in_transaction(context.database().sessions, action)
    if info is None:
        return report_not_found(args)
    if args.json:
        print_json({"outcome": "reissued", **_pass_json(info)})
    else:
        print(f"reissued: {info.code}  {info.patron.full_name} (the old pass no longer works)")
    return EXIT_OK


def cmd_sheet(args, context) -> int:
    from app.passes.cards import sheet_pages
    from app.passes.pdf import write_pdf
    from app.passes.selection import patrons_in_file, sheet_passes

    factory = context.database().sessions
    if args.file:
        ids = run_in_transaction(factory, lambda s: patrons_in_file(s, args.file), write=False)
        passes = sheet_passes(factory, patron_ids=ids)
    elif args.event:
        event = run_in_transaction(
            factory, lambda s: resolve_event(s, args.event, open_only=False), write=False
        )
        passes = sheet_passes(factory, event_id=event.id)
    else:
        passes = sheet_passes(factory)
    counted = _Counter(passes)
    write_atomically(args.pdf, lambda f: write_pdf(f, sheet_pages(counted, args.paper)))
    print(f"{counted.count} passes on {-(-counted.count // 10)} pages: {args.pdf}")
    return EXIT_OK


class _Counter:
    def __init__(self, items):
        self._items = items
        self.count = 0

    def __iter__(self):
        for item in self._items:
            self.count += 1
            yield item


def write_atomically(path: Path, write: Callable) -> None:
    """Write through `write(binary_file)` to a temporary file beside `path`, then rename."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise CliError(f"cannot write {path}: the folder {folder} does not exist", EXIT_USAGE)
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".credopass-", suffix=".part")
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror}", EXIT_USAGE) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _pass_json(info) -> dict:
    return {
        "code": info.code,
        "patron": info.patron.to_json(),
        "issuedAt": info.issued_at.isoformat(),
    }


def report_not_found(args) -> int:
    message = f"No pass or email matches {loggable_code(args.code)!r}"
    if getattr(args, "json", False):
        print_json({"outcome": Outcome.NOT_FOUND.value, "message": message})
    else:
        print(f"{Outcome.NOT_FOUND.value}: {message}")
    return EXIT_REFUSED
