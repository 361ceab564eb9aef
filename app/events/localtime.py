"""Local wall-clock time for organizers: events are stored in UTC and planned in local time.

The zone is the machine's own (TZ, else /etc/localtime); every function that needs it takes an
optional `tz` so tests and callers can say which zone they mean.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from db.types import utcnow


def local_zone() -> tzinfo:
    """The machine's zone as a real IANA zone when it can be found (so daylight-saving rules
    apply), else the current fixed offset (good enough for a machine without zone data)."""
    name = os.environ.get("TZ", "").lstrip(":").strip()
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    link = Path("/etc/localtime")
    try:
        target = str(link.resolve())
    except OSError:
        target = ""
    if "zoneinfo/" in target:
        try:
            return ZoneInfo(target.split("zoneinfo/", 1)[1])
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return datetime.now().astimezone().tzinfo or UTC


def zone(tz: tzinfo | None) -> tzinfo:
    return tz if tz is not None else local_zone()


def local_to_utc(wall: datetime, tz: tzinfo | None = None) -> datetime:
    """A naive local wall-clock time (as typed) to an aware UTC datetime.

    A time that does not exist (inside a spring-forward gap) moves forward by the gap, the way a
    clock on the wall would read it; an ambiguous one (autumn) takes the first occurrence.
    """
    if wall.tzinfo is not None:
        return wall.astimezone(UTC)
    aware = wall.replace(tzinfo=zone(tz), fold=0)
    return aware.astimezone(UTC)


def to_local(moment: datetime, tz: tzinfo | None = None) -> datetime:
    return moment.astimezone(zone(tz))


def local_today(tz: tzinfo | None = None) -> date:
    """Today's date on the local calendar (not UTC's: near midnight they differ)."""
    return to_local(utcnow(), tz).date()


def local_day_bounds(day: date, tz: tzinfo | None = None) -> tuple[datetime, datetime]:
    """[start, end) of a local calendar day in UTC (23 or 25 hours long on a change day)."""
    start = local_to_utc(datetime.combine(day, time()), tz)
    end = local_to_utc(datetime.combine(day + timedelta(days=1), time()), tz)
    return start, end


def format_local(moment: datetime | None, tz: tzinfo | None = None, fmt: str = "%a %d %b %Y %H:%M"):
    return "" if moment is None else to_local(moment, tz).strftime(fmt)


def parse_local(text: str, tz: tzinfo | None = None, *, base: date | None = None) -> datetime:
    """Parse what a person types: `2026-12-06 10:00`, ISO 8601 with or without an offset, or
    just `12:00` when `base` gives the day. Raises ValueError with a readable message."""
    raw = (text or "").strip()
    if not raw:
        raise ValueError("give a date and time, e.g. 2026-12-06 10:00")
    if base is not None and len(raw) <= 5 and ":" in raw:
        try:
            return local_to_utc(datetime.combine(base, time.fromisoformat(raw.zfill(5))), tz)
        except ValueError:
            pass
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{raw!r} is not a date and time like 2026-12-06 10:00") from None
    return local_to_utc(parsed, tz)
