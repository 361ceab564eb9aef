"""Checking what a person typed: names, email, phone. Pure functions, no database.

Each `clean_*` returns the value to store or raises ValueError with a message a greeter can read;
`validate_walk_in` gathers those into one ValidationError with a message per field.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from app.errors import ValidationError
from db.models import normalize_email

MAX_NAME = 100
MAX_EMAIL = 254  # RFC 5321 path limit
MAX_EMAIL_LOCAL = 64
MIN_PHONE_DIGITS = 7
MAX_PHONE_DIGITS = 15  # E.164

# Control characters, surrogates and line/paragraph separators never belong in a name; format
# characters (Cf) stay allowed because zero-width joiners are part of some scripts' spelling.
_FORBIDDEN_CATEGORIES = {"Cc", "Cs", "Zl", "Zp"}

_LOCAL_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL = re.compile(rf"{_LOCAL_ATOM}(?:\.{_LOCAL_ATOM})*")
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_TLD = re.compile(r"(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})")
_PHONE_CHARS = re.compile(r"\+?[0-9 ()\-.]+")


# Search and filter text longer than this is refused with a message: nobody types 200 characters
# to find a person, and SQLite refuses long LIKE patterns with "LIKE or GLOB pattern too complex".
MAX_FILTER = 200
_ASCII_NUMBER = re.compile(r"[0-9]+")


def refuse_unprintable(value: str, label: str) -> str:
    """The value itself, or ValueError when it holds a control character (NUL, escape, ...):
    PostgreSQL refuses NUL in text with a database error, and the others garble a screen."""
    if not value.isprintable() and any(
        unicodedata.category(ch) in _FORBIDDEN_CATEGORIES for ch in value
    ):
        raise ValueError(f"{label} contains characters that cannot be printed.")
    return value


def clean_filter(value: str, label: str = "Search") -> str:
    """Search or filter text as typed: printable and at most MAX_FILTER characters."""
    refuse_unprintable(value, label)
    if len(value) > MAX_FILTER:
        raise ValueError(f"{label} is too long: keep it to {MAX_FILTER} characters or fewer.")
    return value


def parse_whole_number(text: str, label: str = "Number") -> int:
    """ASCII digits only: int() would also read "２", "٣" and "1_0" as numbers."""
    cleaned = text.strip() if isinstance(text, str) else ""
    if not _ASCII_NUMBER.fullmatch(cleaned):
        raise ValueError(f"{label} must be a whole number written with the digits 0-9.")
    return int(cleaned)


def clean_name(value: object, label: str = "Name") -> str:
    if not isinstance(value, str):
        raise ValueError(f"{label} is required.")
    refuse_unprintable(value.strip(), label)
    cleaned = " ".join(value.split())  # trim, and one space between words
    if not cleaned:
        raise ValueError(f"{label} is required.")
    if len(cleaned) > MAX_NAME:
        raise ValueError(f"{label} must be at most {MAX_NAME} characters.")
    return cleaned


def clean_email(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("Email is required.")
    email = normalize_email(value)
    problem = "Enter an email address like name@example.com."
    if len(email) > MAX_EMAIL or email.count("@") != 1:
        raise ValueError(problem)
    local, domain = email.split("@")
    if not 1 <= len(local) <= MAX_EMAIL_LOCAL or not _LOCAL.fullmatch(local):
        raise ValueError(problem)
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels):
        raise ValueError(problem)
    if not _TLD.fullmatch(labels[-1]):
        raise ValueError(problem)
    return email


def clean_phone(value: object) -> str | None:
    """An optional phone: 7-15 digits, spaces and `+ ( ) - .` allowed; blank means none."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("Phone must be text.")
    cleaned = " ".join(value.split())
    if not cleaned:
        return None
    if not _PHONE_CHARS.fullmatch(cleaned):
        raise ValueError("Phone may contain only digits, spaces and + ( ) - .")
    digits = sum(ch.isdigit() for ch in cleaned)
    if not MIN_PHONE_DIGITS <= digits <= MAX_PHONE_DIGITS:
        raise ValueError(
            f"Phone must have {MIN_PHONE_DIGITS} to {MAX_PHONE_DIGITS} digits (it has {digits})."
        )
    return cleaned


@dataclass(frozen=True)
class WalkInInput:
    first_name: str
    last_name: str
    email: str
    phone: str | None


def validate_walk_in(first_name, last_name, email, phone) -> WalkInInput:
    """The cleaned walk-in form, or ValidationError with a message for every bad field."""
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    checks = (
        ("first_name", lambda: clean_name(first_name, "First name")),
        ("last_name", lambda: clean_name(last_name, "Last name")),
        ("email", lambda: clean_email(email)),
        ("phone", lambda: clean_phone(phone)),
    )
    for field, check in checks:
        try:
            values[field] = check()
        except ValueError as exc:
            errors[field] = str(exc)
    if errors:
        raise ValidationError(errors)
    return WalkInInput(**values)
