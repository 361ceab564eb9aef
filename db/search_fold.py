"""Search keys: how names, emails and phones are folded so that "jose" finds "José".

Pure functions, shared by the writer (the keys stored in `patron_search`) and the reader (the
folded query), so both sides always fold the same way. Keys are compared in code-point order
(SQLite's BINARY collation, PostgreSQL's "C"), which is what makes a prefix a contiguous range
`key >= q AND key < q || U+10FFFF` that a plain B-tree index serves.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Kinds of key, one letter each to keep the index small.
KIND_FULL_NAME = "n"  # "first last" and "last first"
KIND_NAME_WORDS = "w"  # the name from its 2nd, 3rd... word on ("ann smith", "smith")
KIND_EMAIL = "e"
KIND_PHONE = "p"  # phone digits reversed: a suffix of the number becomes a prefix of the key

# Upper end of a prefix range. Keys never contain it (fold drops it), so every key that starts
# with q sorts below q + RANGE_END.
RANGE_END = "\U0010ffff"

MIN_PHONE_DIGITS = 4
# Keys and queries are cut to this many characters: PostgreSQL refuses B-tree entries over
# ~2.7 kB, and nobody types 200 characters into a kiosk. A longer query still finds by prefix.
MAX_KEY_LENGTH = 200
# Names of more words than this (rare, usually junk) are found by their first words only.
MAX_NAME_WORDS = 8

# Letters that Unicode does not decompose into base letter + accent, spelled the way people
# type them on a keyboard without the letter. casefold() already turns "ß" into "ss".
_LETTER_SPELLINGS = {
    "ø": "o",
    "æ": "ae",
    "œ": "oe",
    "ł": "l",
    "đ": "d",
    "ð": "d",
    "þ": "th",
    "ı": "i",
    "ħ": "h",
    "ŧ": "t",
    "ŋ": "n",
}
# Second spellings some people type instead: "Mueller" for "Müller", "Soeren" for "Søren".
_EXPANDED_SPELLINGS = {"ä": "ae", "ö": "oe", "ü": "ue", "ø": "oe", "å": "aa"}

# Characters that vanish inside a name word ("O'Brien" is one word, "obrien").
_JOINERS = {"'", "’", "‘", "`", "´", "ʼ"}
# Phone punctuation a person may type around the digits of a phone query.
_PHONE_PUNCTUATION = set(" +()-./")


def _printable(text: str) -> str:
    """Without control, format, surrogate, private-use or unassigned characters.

    PostgreSQL refuses NUL in text and lone surrogates cannot be encoded at all; none of these
    can be typed as part of a name, so dropping them loses nothing.
    """
    return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" and ch != RANGE_END)


def fold(text: str | None) -> str:
    """Case- and accent-free form: "José" -> "jose", "MÜLLER" -> "muller", "Straße" -> "strasse"."""
    if not text:
        return ""
    if text.isascii():  # most emails and many names: same result, a hundred times faster
        return (text if text.isprintable() else _printable(text)).lower()
    return _fold_unicode(text)


# Names repeat a lot (a membership list has few distinct first and last names), so rebuilding
# the index for a million patrons folds each distinct name once.
@lru_cache(maxsize=65536)
def _fold_unicode(text: str) -> str:
    text = unicodedata.normalize("NFKD", _printable(text).casefold())
    out = []
    for ch in text:
        if unicodedata.combining(ch):
            continue
        out.append(_LETTER_SPELLINGS.get(ch, ch))
    # casefold once more: a compatibility decomposition can produce new capitals (e.g. "Ⓐ").
    return _printable("".join(out).casefold())


@lru_cache(maxsize=65536)
def _expand(text: str) -> str:
    """The second spelling ("Müller" -> "mueller"), or `text` itself when it has none."""
    if text.isascii():
        return text
    lowered = unicodedata.normalize("NFC", text.casefold())
    if not any(ch in _EXPANDED_SPELLINGS for ch in lowered):
        return text
    return "".join(_EXPANDED_SPELLINGS.get(ch, ch) for ch in lowered)


_DROP_JOINERS = str.maketrans(dict.fromkeys(_JOINERS))
_WORD_SEPARATORS = re.compile(r"[\W_]+")
_NON_DIGITS = re.compile(r"[^0-9]+")


def name_words(text: str | None) -> list[str]:
    """The folded words of a name or a name query: "Jean-Luc O'Brien" -> ["jean", "luc", "obrien"]."""
    return list(_name_words(text or ""))


@lru_cache(maxsize=65536)
def _name_words(text: str) -> tuple[str, ...]:
    folded = fold(text).translate(_DROP_JOINERS)
    return tuple(word for word in _WORD_SEPARATORS.split(folded) if word)


def name_query(text: str | None) -> str:
    """A name query as it is compared with the name keys: words joined by single spaces."""
    return " ".join(name_words(text))


def email_key(email: str | None) -> str:
    return "".join(fold(email).split())


def phone_digits(phone: str | None) -> str:
    """The digits of a phone in ASCII, any script's digits accepted."""
    if not phone:
        return ""
    if phone.isascii():
        return _NON_DIGITS.sub("", phone)
    return "".join(str(unicodedata.decimal(ch)) for ch in phone if ch.isdecimal())


def phone_query(text: str | None) -> str | None:
    """Reversed digits when `text` looks like the end of a phone number (only digits and phone
    punctuation, at least four digits); otherwise None."""
    if not text:
        return None
    stripped = text.strip()
    if any(not ch.isdecimal() and ch not in _PHONE_PUNCTUATION for ch in stripped):
        return None
    digits = phone_digits(stripped)
    if len(digits) < MIN_PHONE_DIGITS:
        return None
    return digits[::-1]


@lru_cache(maxsize=65536)  # "John Smith" is many people: their name keys are made once
def _name_keys(first_name: str, last_name: str) -> frozenset[tuple[str, str]]:
    keys: set[tuple[str, str]] = set()
    spellings = {(first_name, last_name), (_expand(first_name), _expand(last_name))}
    for first, last in spellings:
        first_words, last_words = list(_name_words(first)), list(_name_words(last))
        words = first_words + last_words
        if not words:
            continue
        keys.add((KIND_FULL_NAME, _cut(" ".join(words))))
        if first_words and last_words:
            keys.add((KIND_FULL_NAME, _cut(" ".join(last_words + first_words))))
        for start in range(1, min(len(words), MAX_NAME_WORDS)):
            keys.add((KIND_NAME_WORDS, _cut(" ".join(words[start:]))))
    return frozenset(keys)


def patron_keys(
    first_name: str | None, last_name: str | None, email: str | None, phone: str | None
) -> set[tuple[str, str]]:
    """Every (kind, key) under which a patron can be found."""
    keys = set(_name_keys(first_name or "", last_name or ""))
    if email_key(email):
        keys.add((KIND_EMAIL, _cut(email_key(email))))
    digits = phone_digits(phone)
    if len(digits) >= MIN_PHONE_DIGITS:
        keys.add((KIND_PHONE, _cut(digits[::-1])))
    return keys


def _cut(key: str) -> str:
    return key[:MAX_KEY_LENGTH]


def prefix_range(query: str) -> tuple[str, str]:
    """The key range holding every key that starts with `query` (cut like the keys are)."""
    query = _cut(query)
    return query, query + RANGE_END
