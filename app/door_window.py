"""When an event is open at the door: the one rule the kiosk, the CLI and the picker share.

An event takes door actions (check-in, check-out, walk-in, register, undo) from its opening
time to its closing time. It opens `door_opens_minutes_before` its start (or the moment someone
presses *Start check-in*: status "ongoing") and closes `door_closes_minutes_after` its end; a
draft, a finished or a cancelled event is never open. Both margins are organization settings
(app.settings), read by the door in the same statement that locks the event.

Why a window and not only the status: an event left *scheduled* by mistake would otherwise take
check-ins months later, and a greeter picking "Sunday Service" would admit people to last
January's service.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import NamedTuple

from app.events.localtime import to_local

OPEN_STATUSES = ("scheduled", "ongoing")
DEFAULT_MARGIN_MINUTES = 120


class DoorWindow(NamedTuple):
    """An event's door facts: its status, times and the two margins (minutes)."""

    name: str
    status: str
    start_time: datetime
    end_time: datetime
    before_minutes: int = DEFAULT_MARGIN_MINUTES
    after_minutes: int = DEFAULT_MARGIN_MINUTES

    @property
    def opens_at(self) -> datetime:
        return self.start_time - timedelta(minutes=self.before_minutes)

    @property
    def closes_at(self) -> datetime:
        return self.end_time + timedelta(minutes=self.after_minutes)

    def is_open(self, now: datetime) -> bool:
        if self.status not in OPEN_STATUSES or now > self.closes_at:
            return False
        return self.status == "ongoing" or now >= self.opens_at

    def refusal(self, now: datetime, tz: tzinfo | None = None) -> str | None:
        """Why the door is shut at `now`, in a greeter's words; None when it is open."""
        if self.is_open(now):
            return None
        if self.status == "cancelled":
            return f"{self.name} was cancelled"
        if self.status == "draft":
            return f"{self.name} is not published yet, so it is not open at the door"
        if self.status == "completed":
            return f"{self.name} has finished"
        if now > self.closes_at:
            return f"{self.name} closed on {say_when(self.closes_at, now, tz)}"
        return f"{self.name} opens at the door on {say_when(self.opens_at, now, tz)}"


def say_when(moment: datetime, now: datetime, tz: tzinfo | None = None) -> str:
    """ "12 Jan at 14:00" in local time, with the year when it is not `now`'s year."""
    local = to_local(moment, tz)
    year = "" if local.year == to_local(now, tz).year else f" {local.year}"
    return f"{local.day} {local:%b}{year} at {local:%H:%M}"


def event_date(moment: datetime, now: datetime, tz: tzinfo | None = None) -> str:
    """An event's day for a picker: "Sun 6 Dec 10:00", with the year when not this year."""
    local = to_local(moment, tz)
    year = "" if local.year == to_local(now, tz).year else f" {local.year}"
    return f"{local:%a} {local.day} {local:%b}{year} {local:%H:%M}"
