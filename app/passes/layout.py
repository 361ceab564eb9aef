"""What goes on a printed page, as plain values both renderers draw: app.passes.pdf (pure
Python, for the command line and the PDF folder) and ui.passes.painter (Qt, for any printer).

Positions are millimetres from the page's top-left corner; text sizes are points. Text that
would not fit its box is made smaller here, with Helvetica's metrics, so both renderers start
from the same size (Qt may shrink a little further with the real font's metrics).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

MM = 72 / 25.4  # points per millimetre
MAX_QR_VERSION = 4
QUIET_ZONE = 4  # modules of white around a QR symbol, as the standard asks
QR_MASK = 0

# Advance widths (1/1000 em) of Helvetica / Helvetica-Bold for ASCII 32..126 (the standard
# 14 fonts' metrics), to size text without a font file.
_REGULAR = (
    "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 556 556 556 556 556 556 "
    "556 556 556 556 278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667 "
    "556 833 722 778 667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556 333 556 "
    "556 500 556 556 278 556 556 222 222 500 222 833 556 556 556 556 333 500 278 556 500 722 "
    "500 500 500 334 260 334 584"
)
_BOLD = (
    "278 333 474 556 556 889 722 238 333 333 389 584 278 333 278 278 556 556 556 556 556 556 "
    "556 556 556 556 333 333 584 584 584 611 975 722 722 722 722 667 611 778 722 278 556 722 "
    "611 833 722 778 667 778 722 667 611 722 667 944 667 667 611 333 278 333 584 556 333 556 "
    "611 556 611 556 333 611 611 278 278 556 278 889 611 611 611 611 389 556 333 611 556 778 "
    "556 556 500 389 280 389 584"
)
_WIDTHS = {
    bold: dict(zip(range(32, 127), map(int, table.split()), strict=True))
    for bold, table in ((False, _REGULAR), (True, _BOLD))
}


@dataclass(frozen=True)
class TextBox:
    x: float
    y: float
    width: float
    height: float
    text: str
    size: float
    bold: bool = False
    align: str = "center"  # or "left"


@dataclass(frozen=True)
class QrBox:
    x: float
    y: float
    size: float  # the symbol including its quiet zone
    code: str


@dataclass(frozen=True)
class CutLine:
    """A thin grey rectangle to cut or fold along."""

    x: float
    y: float
    width: float
    height: float


@dataclass
class Page:
    width: float
    height: float
    items: list = field(default_factory=list)

    def text(self, x, y, width, height, text, size, *, bold=False, align="center") -> None:
        fitted = fit_size(text, size, width, bold)
        self.items.append(TextBox(x, y, width, height, text, fitted, bold, align))


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in millimetres of `text` set in Helvetica (bold) at `size` points."""
    widths = _WIDTHS[bold]
    total = sum(widths.get(ord(_base_char(ch)), 556) for ch in text)
    return total * size / 1000 / MM


def fit_size(text: str, size: float, width: float, bold: bool = False) -> float:
    """`size`, or smaller (down to a third of it) so that `text` fits `width` millimetres."""
    natural = text_width(text, size, bold)
    if natural <= width or natural == 0:
        return size
    return max(size / 3, size * width / natural)


def _base_char(ch: str) -> str:
    if ord(ch) < 128:
        return ch
    decomposed = unicodedata.normalize("NFKD", ch)
    return decomposed[0] if decomposed and ord(decomposed[0]) < 128 else "M"


@lru_cache(maxsize=4096)
def qr_matrix(code: str) -> tuple[tuple[bool, ...], ...]:
    """The QR symbol of `code` (error correction M, no quiet zone) as rows of dark flags.
    Refuses a code that needs more than version 4: a pass must scan fast from a phone."""
    import segno  # only the commands and screens that draw passes pay for it

    # A fixed mask: searching the best of eight is 3/4 of the encoder's time (5 ms a code, a
    # minute for a sheet of 10,000), and any mask is a valid symbol; the decode tests read
    # passes rendered, rotated, blurred and faded with this one.
    symbol = segno.make(code, error="m", micro=False, boost_error=False, mask=QR_MASK)
    if symbol.version > MAX_QR_VERSION:
        raise ValueError(f"{code!r} needs QR version {symbol.version}, more than {MAX_QR_VERSION}")
    return tuple(tuple(bool(cell) for cell in row) for row in symbol.matrix)
