"""Report periods: local calendar dates, turned into UTC bounds once, in Python.

`--from` and `--to` are local dates, both included; the default is the last 12 weeks up to
today. Months are local calendar months, so an event at 00:30 on the 1st belongs to the new
month wherever the machine is. The database only ever compares UTC instants with these bounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from app.errors import ValidationError
from app.events.localtime import local_day_bounds, to_local, zone
from db.types import utcnow

DEFAULT_WEEKS = 12


@dataclass(frozen=True)
class Period:
    first: date  # local, included
    last: date  # local, included
    tz: tzinfo

    @property
    def start(self) -> datetime:
        return local_day_bounds(self.first, self.tz)[0]

    @property
    def end(self) -> datetime:
        """Exclusive UTC end: the start of the day after `last`."""
        return local_day_bounds(self.last, self.tz)[1]

    def months(self) -> list[tuple[str, datetime, datetime]]:
        """(YYYY-MM, UTC start, UTC end) of each local month the period touches, clipped to it."""
        out = []
        cursor = self.first.replace(day=1)
        while cursor <= self.last:
            following = (cursor + timedelta(days=32)).replace(day=1)
            lo = max(cursor, self.first)
            hi = min(following - timedelta(days=1), self.last)
            out.append(
                (
                    f"{cursor:%Y-%m}",
                    local_day_bounds(lo, self.tz)[0],
                    local_day_bounds(hi, self.tz)[1],
                )
            )
            cursor = following
        return out

    def as_json(self) -> dict:
        return {"from": self.first.isoformat(), "to": self.last.isoformat()}


def make_period(
    first: date | str | None = None,
    last: date | str | None = None,
    *,
    tz: tzinfo | None = None,
    now: datetime | None = None,
) -> Period:
    """The period from what a person typed (YYYY-MM-DD), defaults filled in; a ValidationError
    names the option that is wrong."""
    tz = zone(tz)
    errors = {}
    last_day = _day(last, "to", errors)
    first_day = _day(first, "from", errors)
    if errors:
        raise ValidationError(errors)
    if last_day is None:
        last_day = to_local(now or utcnow(), tz).date()
    if first_day is None:
        first_day = last_day - timedelta(weeks=DEFAULT_WEEKS) + timedelta(days=1)
    if first_day > last_day:
        raise ValidationError(
            {"from": f"The period starts ({first_day}) after it ends ({last_day})."}
        )
    return Period(first_day, last_day, tz)


def _day(value, name: str, errors: dict) -> date | None:
    if value is None or isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[name] = f"{text!r} is not a date like 2026-12-06."
        return None
