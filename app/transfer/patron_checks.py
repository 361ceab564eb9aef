"""Checks on one imported patron's fields, with the reasons shown in the dry-run report.

The rules are the app's own (app.validation: the walk-in form uses them too), so an imported
patron is one the rest of the app accepts. Names are checked with an equivalent regular
expression rather than a per-character loop: it is the same set of characters (categories Cc,
Cs, Zl, Zp) and matters at 200,000 names per import.
"""

from __future__ import annotations

import re
import unicodedata

from app import validation

MAX_NAME = validation.MAX_NAME

# Exactly app.validation's forbidden categories: Cc (C0, DEL, C1), Cs (surrogates), Zl, Zp.
_FORBIDDEN_RE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")


class FieldProblem(ValueError):
    """One field cannot be imported; the message is the reason shown for the row."""


def has_control_characters(text: str) -> bool:
    return _FORBIDDEN_RE.search(text) is not None


def clean_name(raw: str, label: str) -> str:
    value = " ".join(unicodedata.normalize("NFC", raw).split())
    if not value:
        raise FieldProblem(f"missing {label}")
    if has_control_characters(value):
        raise FieldProblem(f"{label} contains control characters")
    if len(value) > MAX_NAME:
        raise FieldProblem(f"{label} is longer than {MAX_NAME} characters")
    return value


def clean_email(raw: str) -> str:
    if not raw.strip():
        raise FieldProblem("missing email")
    try:
        return validation.clean_email(raw)
    except ValueError:
        raise FieldProblem(f"bad email {_shown(raw)}") from None


def clean_phone(raw: str) -> str | None:
    # "0151/3970856" is how many German-speaking offices write numbers; app.validation does not
    # take "/", so it becomes a space (the digits, which search uses, are unchanged).
    try:
        return validation.clean_phone(raw.replace("/", " "))
    except ValueError as exc:
        raise FieldProblem(f"bad phone {_shown(raw)}: {str(exc).rstrip('.')}") from None


def _shown(raw: str) -> str:
    text = "".join(ch if ch.isprintable() else "?" for ch in raw.strip())
    return repr(text if len(text) <= 60 else text[:57] + "...")
