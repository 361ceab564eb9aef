"""The forms of a patron's name, email and phone that may appear on a public screen.

A kiosk faces the queue: people behind the patron can read it. It shows enough to tell two
"Jane"s apart (first name, last initial, first letter of the email, last four phone digits) and
nothing that lets a stranger write to or call the person. Pure functions, no database.
"""

from __future__ import annotations

import unicodedata

from app.no_email import NO_EMAIL, is_placeholder_email

MASK = "***"
PHONE_DOTS = "••••"


def _first_character(text: str) -> str:
    """The first user-perceived character: a letter with its accents ("É", not "E" + "´")."""
    text = unicodedata.normalize("NFC", text)
    if not text:
        return ""
    end = 1
    while end < len(text) and unicodedata.combining(text[end]):
        end += 1
    return text[:end]


def _clean(text: str | None) -> str:
    """Trimmed, with control characters dropped (they would garble a label)."""
    if not text:
        return ""
    if text.isprintable():  # the usual case, without a look at each character
        return text.strip()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C").strip()


def mask_email(email: str | None) -> str:
    """ "jane@example.com" -> "j***@example.com".

    The mask always has three stars whatever the local part's length, so a short address does
    not reveal that it is short. Without an "@" only the first character is kept ("j***"); an
    empty or missing email gives "".
    """
    email = _clean(email)
    if not email:
        return ""
    if is_placeholder_email(email):  # members: a reserved address is "no email" everywhere
        return NO_EMAIL
    local, at, domain = email.rpartition("@")
    if not at:  # no "@": the whole text counts as the local part
        local, domain = email, ""
    first = _first_character(local.strip())
    return f"{first}{MASK}{at}{domain.strip()}"


def mask_phone(phone: str | None) -> str | None:
    """ "+1 (555) 123-7890" -> "•••• 7890"; None when there is no phone (or no digit in it).

    A number of four digits or fewer would be given away whole by its last four, so it is
    shown as dots only.
    """
    # Any script's digits count ("٥٥٥" is 555), written out as ASCII.
    digits = "".join(str(unicodedata.decimal(ch)) for ch in _clean(phone) if ch.isdecimal())
    if not digits:
        return None
    if len(digits) <= 4:
        return PHONE_DOTS
    return f"{PHONE_DOTS} {digits[-4:]}"


def display_name(first_name: str | None, last_name: str | None) -> str:
    """ "Jane", "Smith" -> "Jane S.": the first name and the last name's initial.

    Either part may be missing ("Jane", "S."); both missing gives "". The initial keeps its
    accent ("Ö.") and its case as written.
    """
    first = " ".join(_clean(first_name).split())
    initial = _first_character(_clean(last_name))
    parts = [first] if first else []
    if initial:
        parts.append(f"{initial}.")
    return " ".join(parts)
