"""The rules an event's fields must meet, with one plain message per field."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime

from app.errors import ValidationError

MAX_TEXT = 200
MAX_DESCRIPTION = 5000
MAX_CAPACITY = 1_000_000
# Control characters (NUL, escape, DEL, the C1 range) are refused, not stripped: a name typed with
# a NUL in it would otherwise be stored as something else than what was typed, without a word.
# One-line fields take none; the description keeps tabs and line breaks.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def control_message(label: str) -> str:
    return (
        f"The {label} contains a control character (such as NUL or an escape); "
        "remove it and type the text again."
    )


def has_control(value: str, *, multiline: bool = False) -> bool:
    """True when `value` holds a character that is refused in a one-line (or multi-line) field."""
    return bool((_CONTROL_MULTILINE if multiline else _CONTROL).search(value))


@dataclass(frozen=True)
class EventInput:
    """What an organizer typed. Times are aware datetimes (convert local input first with
    `localtime.local_to_utc`); capacity may be an int, the text typed, or None/"" for unlimited."""

    name: str
    location: str
    start_time: datetime | None
    end_time: datetime | None
    host_id: uuid.UUID | None
    description: str | None = None
    capacity: int | str | None = None


@dataclass(frozen=True)
class CleanEvent:
    name: str
    location: str
    start_time: datetime
    end_time: datetime
    host_id: uuid.UUID
    description: str | None
    capacity: int | None


def _text(value: str | None, label: str, errors: dict, field: str, limit: int = MAX_TEXT):
    cleaned = (value or "").strip()
    if has_control(cleaned):
        errors[field] = control_message(label)
    elif not cleaned:
        errors[field] = f"Give the event a {label}."
    elif len(cleaned) > limit:
        errors[field] = f"Keep the {label} to {limit} characters or fewer (now {len(cleaned)})."
    return cleaned


def parse_capacity(value: int | str | None) -> int | None:
    """None for unlimited; raises ValueError with the field message otherwise."""
    message = "Capacity must be a whole number, 0 or more (leave it empty for no limit)."
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(message)
    if isinstance(value, int):
        number = value
    else:
        text = value.strip().replace(",", "").replace("_", "")
        if not text.isdigit() or not text.isascii():
            raise ValueError(message)
        number = int(text)
    if number < 0:
        raise ValueError(message)
    if number > MAX_CAPACITY:
        raise ValueError(f"Capacity must be at most {MAX_CAPACITY:,}.")
    return number


def validate_event(data: EventInput, *, checked_in: int = 0) -> CleanEvent:
    """Check every field; raise ValidationError listing every problem at once.

    `checked_in` is how many people the event already has inside or through the door: the
    capacity may not drop below it.
    """
    errors: dict[str, str] = {}
    name = _text(data.name, "name", errors, "name")
    location = _text(data.location, "location", errors, "location")
    description = (data.description or "").strip() or None
    if description and has_control(description, multiline=True):
        errors["description"] = control_message("description")
    elif description and len(description) > MAX_DESCRIPTION:
        errors["description"] = f"Keep the description to {MAX_DESCRIPTION} characters or fewer."
    for field, value in (("start_time", data.start_time), ("end_time", data.end_time)):
        if value is None:
            errors[field] = "Give a date and time."
        elif value.tzinfo is None or value.utcoffset() is None:
            errors[field] = "The time has no time zone; convert the local time first."
    if (
        "start_time" not in errors
        and "end_time" not in errors
        and (data.end_time <= data.start_time)
    ):
        errors["end_time"] = "The end must be after the start."
    capacity = None
    try:
        capacity = parse_capacity(data.capacity)
    except ValueError as exc:
        errors["capacity"] = str(exc)
    if capacity is not None and capacity < checked_in:
        errors["capacity"] = (
            f"{checked_in} people are already checked in; capacity cannot be below {checked_in}."
        )
    if data.host_id is None:
        errors["host"] = "Pick the host by name or email."
    if errors:
        raise ValidationError(errors)
    return CleanEvent(
        name=name,
        location=location,
        start_time=data.start_time,
        end_time=data.end_time,
        host_id=data.host_id,
        description=description,
        capacity=capacity,
    )
