"""Plain values in the form both bulk loaders accept: ids as 32 hex digits, timestamps as UTC
wall-clock text `YYYY-MM-DD HH:MM:SS.ffffff`, and the emails and phone numbers of made-up patrons.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from db.synthetic.names import EMAIL_DOMAINS, ascii_slug

DAY = 86_400
EPOCH = datetime(1970, 1, 1)

_UUID_SET = (0x4000 << 64) | (0x8000 << 48)  # version 4, RFC 4122 variant
_UUID_KEEP = ((1 << 128) - 1) & ~((0xF000 << 64) | (0xC000 << 48))
# Filled on first use, not at import: 86,400 strings cost a command that never generates data
# (every `credopass` command imports this module through db.synthetic) most of 0.2 s.
_TIMES_OF_DAY: list[str] = []
_DATES: dict[int, str] = {}


def _time_of_day(s: int) -> str:
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}.000000"


def text_time(seconds: int) -> str:
    # Called a few million times: a cached date plus a precomputed time of day is about five
    # times faster than datetime arithmetic and formatting.
    days, rest = divmod(seconds, DAY)
    date = _DATES.get(days)
    if date is None:
        if not _TIMES_OF_DAY:
            _TIMES_OF_DAY.extend(_time_of_day(s) for s in range(DAY))
        date = _DATES.setdefault(days, f"{(EPOCH + timedelta(days=days)):%Y-%m-%d} ")
    return date + _TIMES_OF_DAY[rest]


def uuid_hex(bits) -> str:
    """A version-4 UUID as 32 hex digits from the seeded stream's `getrandbits`
    (uuid4() would not be reproducible)."""
    return ((bits(128) & _UUID_KEEP) | _UUID_SET).to_bytes(16).hex()


def email_address(rand, slugs: dict[str, str], first: str, last: str, n: int) -> str:
    # The number is the patron's own, and names hold no digits: unique by construction.
    f = slugs.get(first) or slugs.setdefault(first, ascii_slug(first) or "x")
    la = slugs.get(last) or slugs.setdefault(last, ascii_slug(last) or "x")
    style = int(rand() * 4)
    if style == 0:
        local = f"{f}.{la}{n}"
    elif style == 1:
        local = f"{f[0]}{la}{n}"
    elif style == 2:
        local = f"{f}_{la}{n}"
    else:
        local = f"{la}.{f}{n}"
    return f"{local}@{EMAIL_DOMAINS[int(rand() * len(EMAIL_DOMAINS))]}"


def phone_number(rand) -> str | None:
    """A phone number in one of the formats people really type, or none at all."""
    style = int(rand() * 12)
    if style == 0:
        return None
    a, b, c = int(rand() * 800) + 200, int(rand() * 800) + 200, int(rand() * 10_000)
    if style == 1:
        return f"+1 {a}-{b}-{c:04d}"
    if style == 2:
        return f"({a}) {b}-{c:04d}"
    if style == 3:
        return f"{a}.{b}.{c:04d}"
    if style == 4:
        return f"+44 7{a} {b}{c % 1000:03d}"
    if style == 5:
        return f"+33 6 {a % 100:02d} {b % 100:02d} {c // 100:02d} {c % 100:02d}"
    if style == 6:
        return f"06{a}{b}{c % 100:02d}"
    if style == 7:
        return f"+49{150 + a % 30}{b}{c:04d}"
    if style == 8:
        return f"+351 9{a % 90 + 10} {b:03d} {c % 1000:03d}"
    if style == 9:
        return f"+48 5{a % 90 + 10}-{b:03d}-{c % 1000:03d}"
    if style == 10:
        return f"+84 9{a % 10} {b:03d} {c // 100:02d} {c % 100:02d}"
    return f"0{150 + a % 30}/{b}{c:04d}"
