"""Checks on one imported patron's fields, with the reasons shown in the dry-run report.

The rules are the app's own (app.checkin.validation: the walk-in form uses them too), so an imported
patron is one the rest of the app accepts. Names are checked with an equivalent regular
expression rather than a per-character loop: it is the same set of characters (categories Cc,
Cs, Zl, Zp) and matters at 200,000 names per import.
"""

from __future__ import annotations

import re
import unicodedata

from app.checkin import validation

MAX_NAME = validation.MAX_NAME

# Exactly app.checkin.validation's forbidden categories: Cc (C0, DEL, C1), Cs (surrogates), Zl, Zp.
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
        pass
    international = _international_email(raw)
    if international is None:
        raise FieldProblem(f"bad email {_shown(raw)}")
    return international


def _international_email(raw: str) -> str | None:
    """An internationalized address (RFC 6531: 'josé@example.com', 'user@bücher.de'), trimmed,
    lower-cased and NFC-normalized, or None. The walk-in form's ASCII rules are applied to
    its ASCII twin: every non-ASCII letter or digit of the local part counts as a letter, the
    domain is IDNA-encoded."""
    text = unicodedata.normalize("NFC", raw.strip().lower())
    if text.isascii() or text.count("@") != 1:
        return None
    local, domain = text.split("@")
    if any(not ch.isascii() and unicodedata.category(ch)[0] not in "LMN" for ch in local):
        return None
    twin_local = "".join(ch if ch.isascii() else "a" for ch in local)
    try:
        twin_domain = domain.encode("idna").decode("ascii")
        validation.clean_email(f"{twin_local}@{twin_domain}")
    except (UnicodeError, ValueError):
        return None
    if len(text.encode("utf-8")) > validation.MAX_EMAIL:
        return None
    return text


def clean_phone(raw: str) -> str | None:
    # "0151/3970856" is how many German-speaking offices write numbers; app.checkin.validation does not
    # take "/", so it becomes a space (the digits, which search uses, are unchanged).
    try:
        return validation.clean_phone(raw.replace("/", " "))
    except ValueError as exc:
        raise FieldProblem(f"bad phone {_shown(raw)}: {str(exc).rstrip('.')}") from None


_SCIENTIFIC = re.compile(r"[+-]?\d(?:[.,]\d+)?[eE]\+?\d{1,3}")
# Cells that stand for "nothing here" in exports and office lists (compared without case,
# spaces or punctuation): Eventbrite's "Info Requested", "N/A", "none"...
PLACEHOLDERS = frozenset(
    [
        "inforequested",
        "na",
        "none",
        "null",
        "nil",
        "unknown",
        "tbd",
        "tba",
        "noemail",
        "nophone",
        "noname",
        "keine",
        "aucun",
        "ninguno",
        "ninguna",
        "nv",
        "nichtvorhanden",
    ]
)


def is_scientific(raw: str) -> bool:
    """'1.21755E+10': a phone number a spreadsheet turned into a number (digits are lost)."""
    return _SCIENTIFIC.fullmatch(raw.strip()) is not None


_NOT_ALNUM = re.compile(r"[\W_]+")
_LONGEST_PLACEHOLDER = 24  # with spaces and punctuation: "Info Requested", "nicht vorhanden"


def is_placeholder(raw: str) -> bool:
    if len(raw) > _LONGEST_PLACEHOLDER:  # most cells: no look at each character
        return False
    return _NOT_ALNUM.sub("", raw.lower()) in PLACEHOLDERS


def looks_damaged(name: str) -> bool:
    """A name with '?' or U+FFFD: letters an earlier program could not encode (Excel saving
    'Łukasz' as '?ukasz')."""
    return "?" in name or "\ufffd" in name


def shown(raw: str) -> str:
    return _shown(raw)


def _shown(raw: str) -> str:
    text = "".join(ch if ch.isprintable() else "?" for ch in raw.strip())
    return repr(text if len(text) <= 60 else text[:57] + "...")
