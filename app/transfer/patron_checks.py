"""Checks on one imported patron's fields.

NOTE: private to the import; app/validation.py (the engine's validator) did not exist when this
was written. Switch to it once it does, keeping these messages' row-report style.
"""

from __future__ import annotations

import re
import unicodedata

MAX_NAME = 100
MAX_EMAIL = 254  # RFC 5321's path limit
MAX_PHONE = 32

_EMAIL_RE = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
_PHONE_RE = re.compile(r"^\+?[0-9 ()./-]+$")
_DIGIT_RE = re.compile(r"[0-9]")
# Unicode category Cc is exactly these two ranges; line/paragraph separators break CSV viewers.
_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class FieldProblem(ValueError):
    """One field cannot be imported; the message is the reason shown for the row."""


def has_control_characters(text: str) -> bool:
    return _CONTROL_RE.search(text) is not None


def clean_name(raw: str, label: str) -> str:
    value = unicodedata.normalize("NFC", raw.strip())
    if not value:
        raise FieldProblem(f"missing {label}")
    if has_control_characters(value):
        raise FieldProblem(f"{label} contains control characters")
    if len(value) > MAX_NAME:
        raise FieldProblem(f"{label} is longer than {MAX_NAME} characters")
    return value


def clean_email(raw: str) -> str:
    value = raw.strip().lower()
    if not value:
        raise FieldProblem("missing email")
    if has_control_characters(value):
        raise FieldProblem("email contains control characters")
    if len(value) > MAX_EMAIL:
        raise FieldProblem(f"email is longer than {MAX_EMAIL} characters")
    if not _EMAIL_RE.match(value) or len(value.partition("@")[0]) > 64:
        raise FieldProblem(f"bad email {_shown(raw)}")
    return value


def clean_phone(raw: str) -> str | None:
    value = raw.strip()
    if not value:
        return None
    if has_control_characters(value):
        raise FieldProblem("phone contains control characters")
    if len(value) > MAX_PHONE:
        raise FieldProblem(f"phone is longer than {MAX_PHONE} characters")
    if not _PHONE_RE.match(value) or len(_DIGIT_RE.findall(value)) < 3:
        raise FieldProblem(f"bad phone {_shown(raw)}")
    return value


def _shown(raw: str) -> str:
    text = "".join(ch if ch.isprintable() else "?" for ch in raw.strip())
    return repr(text if len(text) <= 60 else text[:57] + "...")
