"""The admin PIN: a salted slow hash in the settings table, and the lock after wrong guesses.

The PIN itself is never stored or logged. A 4-digit PIN has only 10,000 values, so the hash
alone cannot make guessing hard; what protects a kiosk is the lock after five wrong PINs (the
attacker stands at the screen) and scrypt's cost (the attacker has a copy of the database).

Wrong PINs are counted in the database, one row per station (`pin_attempts:<station>` in
settings), so restarting the app does not reset the count, while one person at one kiosk still
cannot lock every supervisor out of every other kiosk. From the fifth wrong PIN on, each one
locks entry for twice as long as the one before (1 min, 2, 4, ... up to an hour); only the right
PIN resets the count. Times are wall-clock seconds so that they survive a restart.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import ValidationError
from app.settings import set_text
from db.models import Setting

PIN_SETTING_KEY = "admin_pin_hash"
PIN_MIN_DIGITS = 4
PIN_MAX_DIGITS = 12
MAX_FAILURES = 5
LOCKOUT_SECONDS = 60.0
MAX_LOCKOUT_SECONDS = 3600.0
ATTEMPTS_KEY_PREFIX = "pin_attempts:"

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
    LOCKED = "locked"  # not even compared: this station is in a lock after wrong PINs


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
    set_text(session, PIN_SETTING_KEY, hash_pin(pin))


def check_admin_pin(session: Session, pin: str) -> PinCheck:
    """Compare a typed PIN with the stored hash (slow on purpose: run it on the DB worker)."""
    stored = _stored_hash(session)
    if not stored:
        return PinCheck.NOT_SET
    return PinCheck.OK if pin_matches(pin or "", stored) else PinCheck.WRONG


def set_first_pin(session: Session, pin: str) -> bool:
    """Set the PIN only if none is set yet (another station may have set one meanwhile: then
    nothing changes and the person is asked for that one). True when this PIN was stored."""
    if is_pin_set(session):
        return False
    set_admin_pin(session, pin)
    return True


def lockout_after(failures: int) -> float:
    """Seconds of lock after `failures` wrong PINs in a row (0 below the fifth)."""
    if failures < MAX_FAILURES:
        return 0.0
    return min(LOCKOUT_SECONDS * 2 ** (failures - MAX_FAILURES), MAX_LOCKOUT_SECONDS)


@dataclass(frozen=True)
class PinLockState:
    """Wrong PINs in a row at one station, and until when (epoch seconds) entry is locked."""

    failures: int = 0
    locked_until: float = 0.0


def _attempts_key(station: str) -> str:
    return ATTEMPTS_KEY_PREFIX + (station or "station")[:100]


def read_pin_lock(session: Session, station: str) -> PinLockState:
    value = session.scalar(select(Setting.value).where(Setting.key == _attempts_key(station)))
    try:
        failures, locked_until = (value or "0 0").split()
        return PinLockState(max(int(failures), 0), float(locked_until))
    except ValueError:  # a hand-edited row: start counting again rather than lock for ever
        return PinLockState()


def _write_pin_lock(session: Session, station: str, state: PinLockState) -> None:
    value = f"{state.failures} {state.locked_until:.3f}"
    set_text(session, _attempts_key(station), value, lock=True)


def attempt_admin_pin(
    session: Session, pin: str, *, station: str, now: float
) -> tuple[PinCheck, PinLockState]:
    """Check a typed PIN against the station's lock and the stored hash, and count it.

    One write transaction (run it on the DB worker): a locked station gets LOCKED without the
    PIN being compared; a wrong PIN adds to the count and maybe starts a lock; the right one
    clears the count.
    """
    state = read_pin_lock(session, station)
    if state.locked_until > now:
        return PinCheck.LOCKED, state
    check = check_admin_pin(session, pin)
    if check is PinCheck.WRONG:
        failures = state.failures + 1
        lock = lockout_after(failures)
        state = PinLockState(failures, now + lock if lock else 0.0)
        _write_pin_lock(session, station, state)
    elif check is PinCheck.OK and state != PinLockState():
        state = PinLockState()
        _write_pin_lock(session, station, state)
    return check, state


@dataclass
class PinAttempts:
    """This station's view of the wrong-PIN count, mirrored from the database.

    `attempt_admin_pin` keeps the count in the database; the lock screen applies what it
    returned here so that its countdown needs no query.
    """

    max_failures: int = MAX_FAILURES
    clock: Callable[[], float] = time.time
    station: str = field(default_factory=socket.gethostname)
    _failures: int = field(default=0, init=False)
    _locked_until: float = field(default=0.0, init=False)

    def seconds_locked(self) -> float:
        """Seconds until entry is allowed again; 0 when it is allowed now."""
        remaining = self._locked_until - self.clock()
        return remaining if remaining > 0 else 0.0

    @property
    def failures(self) -> int:
        return self._failures

    def apply(self, state: PinLockState) -> None:
        self._failures = state.failures
        self._locked_until = state.locked_until
