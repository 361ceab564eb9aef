"""What the banner says for each outcome: state (colour + glyph), a big title and a detail line.

Times are shown in the station's local time, as a greeter would say them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from app.checkin.outcomes import CheckInResult, Outcome
from app.checkin.queries import KioskEvent
from ui.kiosk.banner import BannerState


@dataclass(frozen=True)
class BannerText:
    state: BannerState
    title: str
    detail: str = ""


def local_clock(value: datetime | None) -> str:
    return value.astimezone().strftime("%H:%M") if value is not None else "an earlier time"


def standing(result: CheckInResult) -> str:
    """ "Gold · 510 points" """
    if result.tier is None or result.balance is None:
        return ""
    return (
        f"{result.tier.capitalize()} · {result.balance} point{'' if result.balance == 1 else 's'}"
    )


def _first(result: CheckInResult) -> str:
    return result.patron.first_name if result.patron else "This person"


def banner_for(result: CheckInResult) -> BannerText:
    outcome, name = result.outcome, _first(result)
    if outcome is Outcome.CHECKED_IN:
        detail = standing(result)
        if result.points:
            detail = f"{detail}   (+{result.points})" if detail else f"+{result.points} points"
        if result.existing_patron:
            detail = f"Found by email: {name} already had a pass. {detail}".strip()
        return BannerText(BannerState.SUCCESS, f"Welcome, {name}!", detail)
    if outcome is Outcome.RE_ENTERED:
        return BannerText(
            BannerState.SUCCESS,
            f"Welcome back, {name}!",
            f"First checked in at {local_clock(result.check_in_time)} · {standing(result)}",
        )
    if outcome is Outcome.ALREADY_CHECKED_IN:
        return BannerText(
            BannerState.WARNING,
            f"{name} was already checked in at {local_clock(result.check_in_time)}",
            "Nothing changed. Let them in.",
        )
    if outcome is Outcome.CHECKED_OUT:
        return BannerText(
            BannerState.SUCCESS,
            f"Goodbye, {name}!",
            f"Checked out at {local_clock(result.check_out_time)}",
        )
    if outcome is Outcome.ALREADY_CHECKED_OUT:
        return BannerText(
            BannerState.WARNING,
            f"{name} already checked out at {local_clock(result.check_out_time)}",
            "Nothing changed.",
        )
    if outcome is Outcome.UNDONE:
        taken = -result.points if result.points else 0
        detail = f"{taken} points taken back." if taken else "The row is back as it was."
        return BannerText(BannerState.INFO, f"Check-in of {name} undone", detail)
    if outcome is Outcome.NOT_FOUND:
        return BannerText(
            BannerState.REFUSAL,
            "No one found for this code",
            "Type the name instead, or add them as a walk-in.",
        )
    # Every other outcome is a refusal whose engine message is already in plain words.
    return BannerText(BannerState.REFUSAL, result.message, _refusal_hint(outcome))


def _refusal_hint(outcome: Outcome) -> str:
    return {
        Outcome.EVENT_FULL: "No more places. Ask an organizer.",
        Outcome.EVENT_NOT_OPEN: "Check-in is closed for this event. Choose another event.",
        Outcome.EVENT_NOT_FOUND: "Choose the event again.",
        Outcome.NOT_CHECKED_IN: "Nothing changed.",
        Outcome.UNDO_NOT_ALLOWED: "Ask a supervisor.",
    }.get(outcome, "Nothing changed.")


def _day(start: datetime) -> str:
    """ "Sun 12 Jan", with the year when it is not this year's (an event left open too long)."""
    same_year = start.year == datetime.now(start.tzinfo).year
    return start.strftime("%a %d %b" if same_year else "%a %d %b %Y")


def event_line(event: KioskEvent) -> str:
    """ "Sun 12 Jan · 10:00–12:00 · Main Sanctuary" in local time."""
    start, end = event.start_time.astimezone(), event.end_time.astimezone()
    return f"{_day(start)} · {start:%H:%M}–{end:%H:%M} · {event.location}"


def event_choice_label(event: KioskEvent, now: datetime | None = None) -> str:
    """ "Sunday Service — 10:00 (now)", "Youth Night — Fri 11 Dec 19:00 (door opens 17:00)";
    the year is said when it is not this year's."""
    now = now or datetime.now(UTC)
    start = event.start_time.astimezone()
    when = f"{start:%H:%M}" if event.today else f"{_day(start)} {start:%H:%M}"
    if event.status == "ongoing":
        state = " (now)"
    elif event.opens_at is not None and now < event.opens_at:
        state = f" (door opens {event.opens_at.astimezone():%H:%M})"
    else:
        state = ""
    return f"{event.name} — {when}{state}"
