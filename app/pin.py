"""The admin PIN: a salted slow hash in the settings table, and the lock after wrong guesses.

The PIN itself is never stored or logged. A 4-digit PIN has only 10,000 values, so the hash
alone cannot make guessing hard; what protects a kiosk is the lock after five wrong PINs (the
attacker stands at the screen) and scrypt's cost (the attacker has a copy of the database).
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import ValidationError
from db.models import Setting

PIN_SETTING_KEY = "admin_pin_hash"
PIN_MIN_DIGITS = 4
PIN_MAX_DIGITS = 12
MAX_FAILURES = 5
LOCKOUT_SECONDS = 60.0

# scrypt cost: about 16 MB and a few tens of milliseconds per check on a small machine.
_SCRYPT_N = 2**14
_SCRYPT_R = 8
_SCRYPT_P = 1
_SALT_BYTES = 16
_KEY_BYTES = 32


class PinCheck(enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    NOT_SET = "not_set"


def validate_pin(pin: str) -> str:
    """The PIN as given if it is 4-12 digits; otherwise ValidationError on field "pin"."""
    if not isinstance(pin, str) or not pin:
        raise ValidationError({"pin": "Enter a PIN of 4 to 12 digits."})
    if not (pin.isascii() and pin.isdigit()):
        raise ValidationError({"pin": "The PIN may contain digits only (0-9)."})
    if not PIN_MIN_DIGITS <= len(pin) <= PIN_MAX_DIGITS:
        raise ValidationError(
            {"pin": f"The PIN must have {PIN_MIN_DIGITS} to {PIN_MAX_DIGITS} digits."}
        )
    return pin


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    """`scrypt$N$r$p$salt$key`, self-describing so the cost can be raised later."""
    salt = os.urandom(_SALT_BYTES) if salt is None else salt
    key = hashlib.scrypt(
        pin.encode("utf-8"), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=_KEY_BYTES
    )
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${_b64(salt)}${_b64(key)}"


def pin_matches(pin: str, stored: str) -> bool:
    """Whether `pin` produces `stored`; a malformed stored value never matches."""
    try:
        scheme, n, r, p, salt_text, key_text = stored.split("$")
        if scheme != "scrypt":
            return False
        salt = base64.b64decode(salt_text, validate=True)
        expected = base64.b64decode(key_text, validate=True)
        key = hashlib.scrypt(
            pin.encode("utf-8"),
            salt=salt,
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
            maxmem=256 * 1024 * 1024,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(key, expected)


def _stored_hash(session: Session) -> str | None:
    return session.scalar(select(Setting.value).where(Setting.key == PIN_SETTING_KEY))


def is_pin_set(session: Session) -> bool:
    return bool(_stored_hash(session))


def set_admin_pin(session: Session, pin: str) -> None:
    """Store the hash of a valid PIN, replacing any previous one."""
    validate_pin(pin)
    value = hash_pin(pin)
    setting = session.get(Setting, PIN_SETTING_KEY)
    if setting is None:
        session.add(Setting(key=PIN_SETTING_KEY, value=value))
    else:
        setting.value = value
    session.flush()


def check_admin_pin(session: Session, pin: str) -> PinCheck:
    """Compare a typed PIN with the stored hash (slow on purpose: run it on the DB worker)."""
    stored = _stored_hash(session)
    if not stored:
        return PinCheck.NOT_SET
    return PinCheck.OK if pin_matches(pin or "", stored) else PinCheck.WRONG


@dataclass
class PinAttempts:
    """Counts wrong PINs at one station; five in a row lock entry for a minute.

    Kept in memory per station on purpose: a lock stored in the shared database would let one
    person at one kiosk lock every supervisor out of every kiosk.
    """

    max_failures: int = MAX_FAILURES
    lockout_seconds: float = LOCKOUT_SECONDS
    clock: Callable[[], float] = time.monotonic
    _failures: int = field(default=0, init=False)
    _locked_until: float = field(default=0.0, init=False)

    def seconds_locked(self) -> float:
        """Seconds until entry is allowed again; 0 when it is allowed now."""
        remaining = self._locked_until - self.clock()
        return remaining if remaining > 0 else 0.0

    @property
    def failures(self) -> int:
        return self._failures

    def record_failure(self) -> None:
        self._failures += 1
        if self._failures >= self.max_failures:
            self._locked_until = self.clock() + self.lockout_seconds
            self._failures = 0

    def record_success(self) -> None:
        self._failures = 0
        self._locked_until = 0.0
