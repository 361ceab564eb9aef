"""What may be shown: a patron's name, email and phone on a public screen, and any text that may
carry a database password (error lines, log records, history keys, exported console results).

A kiosk faces the queue: people behind the patron can read it. It shows enough to tell two
"Jane"s apart (first name, last initial, first letter of the email, last four phone digits) and
nothing that lets a stranger write to or call the person. Pure functions, no database.
"""

from __future__ import annotations

import re
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


# --- secrets in free text -------------------------------------------------------------------------
#
# NOTE: these patterns run on every one-line error and in the log formatter, on text an attacker
# may choose (a 100 KB CSV header, a 100,000-character argument). The former pattern began with a
# scheme `\w[\w+.-]*` that the engine retried from every letter of a long word: 6.9 s at 40,000
# characters. Here every repetition is possessive (`*+`, nothing is given back) and each pattern
# starts with a literal, so a failed attempt costs a few characters, and a successful match
# consumes the run it scanned, which is never scanned again: time is linear in the text's length.
# (Spelled-out letter classes instead of re.IGNORECASE, and the scheme checked after the match
# rather than by a look-behind, keep the regex engine's fast literal search: 1 MB in ~20 ms.)

# scheme://user:password@host (SQLAlchemy's own URL grammar: the user stops at ":" or "/", the
# password at the first "@"). A match always consumes the user and password run, even when no
# "@" follows; any "://" inside that run could not have a password before an "@" either.
_URL_CREDENTIALS = re.compile(r"://([^:/@\s]*+)(?::[^@\s]*+(@)?)?")
_SCHEME_CHARACTER = re.compile(r"[\w+.-]")

# password=secret as in libpq keyword strings (`host=h password='x y'`), query strings
# (`?password=x&sslmode=require`) and environment lines (`PGPASSWORD=x`), in any letter case. A
# quoted value may hold spaces and backslash escapes; an unclosed quote falls back to the
# unquoted form.
_KEYWORD_PASSWORD = re.compile(
    r"([pP][aA][sS][sS][wW][oO][rR][dD]\s*+=\s*+)(?:'(?:[^'\\]++|\\.)*+'|[^\s&]++)", re.DOTALL
)


def _mask_url_credentials(match: re.Match) -> str:
    start = match.start()
    has_scheme = start > 0 and _SCHEME_CHARACTER.match(match.string, start - 1)
    if match.group(2) is None or not has_scheme:  # no "user:password@", or not after a scheme
        return match.group(0)
    return f"://{match.group(1)}:{MASK}@"


def mask_secrets(text: str) -> str:
    """The text with every password in a URL, a query string or a `password=` pair replaced by
    ***. Linear in the length of the text (see the note above)."""
    if "://" in text:
        text = _URL_CREDENTIALS.sub(_mask_url_credentials, text)
    return _KEYWORD_PASSWORD.sub(_mask_keyword_password, text)


def _mask_keyword_password(match: re.Match) -> str:
    return match.group(1) + MASK  # a function: on Python 3.11 faster than the template "\1***"
