"""`credopass badge EVENT CODE --pdf FILE [--layout L] [--paper P]`: the name badge a station
would print for this patron at this event, as a PDF (for scripts and label printers' folders).

Exit 0 written, 2 bad input, 3 no patron matches CODE.

`credopass badge-settings [--layout L] [--paper P] [--pickup-event EVENT] [--no-pickup-event
EVENT]` changes the shared badge settings and prints them.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from app.checkin.event_lookup import resolve_event
from app.checkin.identify import identify
from app.cli.pass_commands import report_not_found, write_atomically
from db.session import run_in_transaction


def register(subparsers, common: argparse.ArgumentParser) -> None:
    from app.passes.badges import LAYOUTS

    p = subparsers.add_parser(
        "badge", help="a patron's name badge for an event, as a PDF", parents=[common]
    )
    p.add_argument("event", metavar="EVENT", help="event id, or exact name of an event")
    p.add_argument("code", metavar="CODE", help="the patron's pass code, id or email")
    p.add_argument("--pdf", metavar="FILE", type=Path, required=True, help="the PDF to write")
    p.add_argument("--layout", choices=LAYOUTS, help="default: the badge layout setting")
    p.add_argument("--paper", choices=("A4", "Letter"), help="for the sheet of 8")
    p.add_argument("--station", default="cli", metavar="NAME")
    p.set_defaults(handler=cmd_badge)

    p = subparsers.add_parser(
        "badge-settings",
        help="the shared badge layout, paper and children's events (pickup codes)",
        parents=[common],
    )
    p.add_argument("--layout", choices=LAYOUTS)
    p.add_argument("--paper", choices=("A4", "Letter"))
    p.add_argument(
        "--pickup-event", metavar="EVENT", help="an event whose badges get a pickup code"
    )
    p.add_argument("--no-pickup-event", metavar="EVENT", help="stop pickup codes for an event")
    p.set_defaults(handler=cmd_badge_settings)


def cmd_badge(args, context) -> int:
    from app.passes import badges
    from app.passes.pdf import write_pdf

    def action(session):
        event = resolve_event(session, args.event, open_only=False)
        patron = identify(session, args.code)
        if patron is None:
            return None
        badge = badges.badge_for(session, event.id, patron.id, station=args.station, method="cli")
        layout = args.layout or badges.badge_layout(session)
        return badges.badge_page(badge, layout, args.paper or badges.badge_paper(session))

    page = run_in_transaction(context.database().sessions, action)
    if page is None:
        return report_not_found(args)
    write_atomically(args.pdf, lambda f: write_pdf(f, [page], title="Badge"))
    print(f"badge written: {args.pdf}")
    return 0


def cmd_badge_settings(args, context) -> int:
    from app.passes import badges

    def action(session):
        if args.layout or args.paper:
            badges.set_badge_layout(
                session,
                args.layout or badges.badge_layout(session),
                args.paper or badges.badge_paper(session),
            )
        for ref, on in ((args.pickup_event, True), (args.no_pickup_event, False)):
            if ref:
                event = resolve_event(session, ref, open_only=False)
                badges.set_pickup_event(session, event.id, on)
        return (
            badges.badge_layout(session),
            badges.badge_paper(session),
            badges.pickup_events(session),
        )

    layout, paper, pickup = run_in_transaction(context.database().sessions, action)
    print(
        f"layout: {layout}\npaper: {paper}\npickup-code events: {', '.join(sorted(pickup)) or 'none'}"
    )
    return 0
