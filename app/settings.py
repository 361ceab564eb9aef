"""Shared settings stored in the `settings` table, one text value per key.

Two layers:
- `get_text(session, key, default=None)` / `set_text(session, key, value)` / `delete(session, key)`:
  generic, for any key (other features keep e.g. an admin PIN hash here).
- `get_setting(session, key)` / `set_setting(session, key, value)`: typed and validated, for the
  keys in KNOWN_SETTINGS; plus a shortcut for the keys read on their own (`undo_window_seconds(session)`...).
  `stored_value(key)` and `typed_value(key, text)` let a caller read settings inside its own
  statement (the check-in reads both points settings with the balance).

Like every use case these never commit; the caller's unit of work does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import ValidationError
from db.loyalty_rules import DEFAULT_POINTS_PER_VISIT
from db.models import Setting

POINTS_PER_VISIT = "points_per_visit"
UNDO_WINDOW_SECONDS = "undo_window_seconds"
POINTS_EXPIRY_DAYS = "points_expiry_days"
DOOR_OPENS_MINUTES_BEFORE = "door_opens_minutes_before"
DOOR_CLOSES_MINUTES_AFTER = "door_closes_minutes_after"
OFFLINE_CAPACITY_SHARE = "offline_capacity_share_percent"

_NEVER = "none"
_TABLE = Setting.__table__


def _parse_int(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(str(text).strip())
        except ValueError:
            raise ValueError("must be a whole number") from None
        if not low <= value <= high:
            raise ValueError(f"must be between {low} and {high}")
        return value

    return parse


def _parse_optional_percent(text: str) -> int | None:
    if text.strip().lower() == _NEVER:
        return None
    return _parse_int(1, 100)(text)


def _parse_optional_days(text: str) -> int | None:
    cleaned = str(text).strip().lower()
    if cleaned in (_NEVER, "never", ""):
        return None
    return _parse_int(1, 36500)(cleaned)


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: Any
    parse: Callable[[str], Any]  # text -> value, raises ValueError on bad text
    description: str

    def format(self, value: Any) -> str:
        return _NEVER if value is None else str(value)


KNOWN_SETTINGS: dict[str, SettingSpec] = {
    spec.key: spec
    for spec in (
        SettingSpec(
            POINTS_PER_VISIT,
            DEFAULT_POINTS_PER_VISIT,
            _parse_int(0, 10_000),
            "loyalty points awarded per attendance",
        ),
        SettingSpec(
            UNDO_WINDOW_SECONDS,
            60,
            _parse_int(0, 86_400),
            "seconds during which a greeter may undo a check-in made at the same station",
        ),
        SettingSpec(
            POINTS_EXPIRY_DAYS,
            365,
            _parse_optional_days,
            "days until awarded points expire ('none' = never)",
        ),
        SettingSpec(
            DOOR_OPENS_MINUTES_BEFORE,
            120,
            _parse_int(0, 10_080),
            "minutes before an event's start when its door opens (check-in, walk-in...)",
        ),
        SettingSpec(
            DOOR_CLOSES_MINUTES_AFTER,
            120,
            _parse_int(0, 10_080),
            "minutes after an event's end when its door closes",
        ),
        SettingSpec(
            OFFLINE_CAPACITY_SHARE,
            None,
            _parse_optional_percent,
            "per cent of an event's remaining places one station may fill while offline "
            "('none' = no share: the station's copy alone decides)",
        ),
    )
}


# -- generic text layer -------------------------------------------------------------------------


def get_text(session: Session, key: str, default: str | None = None) -> str | None:
    row = session.get(Setting, key)
    return row.value if row is not None else default


def set_text(session: Session, key: str, value: str, *, lock: bool = False) -> None:
    """Insert or replace one setting (the one upsert of the settings table; the PIN uses it
    too). `lock` takes the row's lock first, for a read-modify-write such as a counter."""
    if not isinstance(value, str):
        raise TypeError("setting values are stored as text")
    row = session.get(Setting, key, with_for_update=lock or None)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
    session.flush()


def delete(session: Session, key: str) -> None:
    row = session.get(Setting, key)
    if row is not None:
        session.delete(row)
        session.flush()


# -- typed layer --------------------------------------------------------------------------------


def get_setting(session: Session, key: str) -> Any:
    """The typed value of a known setting; its default when unset or unreadable."""
    return typed_value(key, get_text(session, key))


def stored_value(key: str):
    """The stored text of a known setting (NULL when unset) as a scalar subquery, for a caller
    that reads settings together with its own data in one statement; see `typed_value`."""
    _spec(key)
    return select(_TABLE.c.value).where(_TABLE.c.key == key).scalar_subquery()


def typed_value(key: str, raw: str | None) -> Any:
    """What `get_setting` would return for the stored text `raw` (None: unset)."""
    return _typed(_spec(key), raw)


def _typed(spec: SettingSpec, raw: str | None) -> Any:
    if raw is None:
        return spec.default
    try:
        return spec.parse(raw)
    except ValueError:
        # A hand-edited bad value must not stop the door; the default is the safe reading.
        return spec.default


def set_setting(session: Session, key: str, value: Any) -> Any:
    """Validate and store a known setting; returns the typed value stored."""
    spec = _spec(key)
    try:
        typed = spec.parse(spec.format(value) if value is None else str(value))
    except ValueError as exc:
        raise ValidationError({key: f"Not a valid value for {key}: {exc}"}) from None
    set_text(session, key, spec.format(typed))
    return typed


def _spec(key: str) -> SettingSpec:
    try:
        return KNOWN_SETTINGS[key]
    except KeyError:
        raise ValidationError({"key": f"Unknown setting {key!r}."}) from None


def undo_window_seconds(session: Session) -> int:
    return get_setting(session, UNDO_WINDOW_SECONDS)


def door_margins(session: Session) -> tuple[int, int]:
    """(minutes the door opens before an event's start, minutes it closes after its end)."""
    return (
        get_setting(session, DOOR_OPENS_MINUTES_BEFORE),
        get_setting(session, DOOR_CLOSES_MINUTES_AFTER),
    )
