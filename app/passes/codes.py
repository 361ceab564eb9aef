"""The pass code: "CP-" and ten Crockford base-32 characters, e.g. CP-7K3MQ-9XD2F.

Fourteen characters from QR's alphanumeric set (upper case, digits, '-'), so the symbol stays
version 1 at error correction M (20 alphanumeric characters), which scans fast from paper or a
phone. Fifty random bits: guessing a live code is hopeless, and a collision on issue is retried.
Reading is forgiving, as people type codes too: any case, spaces or hyphens anywhere, and the
letters people confuse with digits (O, I, L) read as the digits.
"""

from __future__ import annotations

import secrets

PREFIX = "CP"
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
BODY_LENGTH = 10
MAX_CODE_LENGTH = 24
_CONFUSED = str.maketrans({"O": "0", "I": "1", "L": "1"})
_IGNORED = str.maketrans("", "", " -\t")


def new_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return _format(body)


def parse_pass_code(text: object) -> str | None:
    """The code in its stored form if `text` is a pass code (as printed, scanned or typed)."""
    if not isinstance(text, str) or len(text) > MAX_CODE_LENGTH * 2:
        return None
    compact = text.upper().translate(_IGNORED)
    if len(compact) != len(PREFIX) + BODY_LENGTH or not compact.startswith(PREFIX):
        return None
    body = compact[len(PREFIX) :].translate(_CONFUSED)
    if any(ch not in ALPHABET for ch in body):
        return None
    return _format(body)


def _format(body: str) -> str:
    half = BODY_LENGTH // 2
    return f"{PREFIX}-{body[:half]}-{body[half:]}"
