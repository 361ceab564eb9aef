"""A small streaming PDF writer for layout Pages: text in Helvetica, QR codes as vector squares.

Written here rather than pulled in as a dependency because passes and badges need three
things (text, filled squares, hairlines) and a sheet of 10,000 passes must stream: each page
goes to the file as soon as it is drawn and only object offsets stay in memory. Text uses the
PDF core fonts with WinAnsi encoding: names outside it fall back to their unaccented letters
(the Qt renderer, used for printers, draws any script).
"""

from __future__ import annotations

import unicodedata
import zlib
from collections.abc import Iterable
from functools import lru_cache
from typing import BinaryIO

from app.passes.layout import MM, QUIET_ZONE, CutLine, Page, QrBox, TextBox, qr_matrix, text_width

_FONTS = {False: "/F1", True: "/F2"}


class PdfWriter:
    """Write pages one by one to a binary stream; `close()` writes the trailer."""

    def __init__(self, stream: BinaryIO, *, title: str = "CredoPass"):
        self._out = stream
        self._offsets: dict[int, int] = {}
        self._pages: list[int] = []
        self._next_id = 5  # 1 catalog, 2 pages, 3-4 fonts
        self._position = 0
        self._title = title
        self._write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        self._object(
            3, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
        )
        self._object(
            4,
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold "
            b"/Encoding /WinAnsiEncoding >>",
        )

    def add_page(self, page: Page) -> None:
        content = zlib.compress(_content(page).encode("latin-1"), 6)
        content_id, page_id = self._new_id(), self._new_id()
        self._object(
            content_id,
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content)
            + content
            + b"\nendstream",
        )
        box = f"[0 0 {page.width * MM:.2f} {page.height * MM:.2f}]".encode()
        self._object(
            page_id,
            b"<< /Type /Page /Parent 2 0 R /MediaBox "
            + box
            + b" /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents %d 0 R >>" % content_id,
        )
        self._pages.append(page_id)

    def close(self) -> None:
        kids = b" ".join(b"%d 0 R" % page for page in self._pages)
        self._object(2, b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % len(self._pages))
        self._object(1, b"<< /Type /Catalog /Pages 2 0 R >>")
        info = self._new_id()
        self._object(info, b"<< /Title " + _string(self._title) + b" /Producer (CredoPass) >>")
        xref_at = self._position
        size = self._next_id
        lines = [b"xref\n0 %d\n" % size, b"0000000000 65535 f \n"]
        lines += [b"%010d 00000 n \n" % self._offsets[i] for i in range(1, size)]
        self._write(b"".join(lines))
        self._write(
            b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (size, info, xref_at)
        )

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id - 1

    def _object(self, number: int, body: bytes) -> None:
        self._offsets[number] = self._position
        self._write(b"%d 0 obj\n" % number + body + b"\nendobj\n")

    def _write(self, data: bytes) -> None:
        self._out.write(data)
        self._position += len(data)


def write_pdf(stream: BinaryIO, pages: Iterable[Page], *, title: str = "CredoPass") -> int:
    """Write `pages` as one PDF; returns how many pages went out."""
    writer = PdfWriter(stream, title=title)
    count = 0
    for page in pages:
        writer.add_page(page)
        count += 1
    writer.close()
    return count


def _content(page: Page) -> str:
    height = page.height * MM
    ops: list[str] = []
    for item in page.items:
        if isinstance(item, QrBox):
            ops.append(_qr_ops(item, height))
        elif isinstance(item, TextBox):
            ops.append(_text_ops(item, height))
        elif isinstance(item, CutLine):
            x, y = item.x * MM, height - (item.y + item.height) * MM
            ops.append(
                f"q 0.7 G 0.3 w [2 2] 0 d {x:.2f} {y:.2f} {item.width * MM:.2f} "
                f"{item.height * MM:.2f} re S Q"
            )
    return "\n".join(ops)


def _qr_ops(box: QrBox, page_height: float) -> str:
    side = len(qr_matrix(box.code))
    unit = box.size * MM / (side + 2 * QUIET_ZONE)
    left = box.x * MM + QUIET_ZONE * unit
    top = page_height - box.y * MM - QUIET_ZONE * unit
    # module coordinates, y downwards, through one transform: the symbol's operators are the
    # same wherever it goes, so they are built once per code
    return (
        f"q 0 g {unit:.4f} 0 0 {-unit:.4f} {left:.3f} {top:.3f} cm\n{_module_runs(box.code)}\nf Q"
    )


@lru_cache(maxsize=1024)
def _module_runs(code: str) -> str:
    """One rectangle per horizontal run of dark modules (a third as many as modules)."""
    rects = []
    for r, row in enumerate(qr_matrix(code)):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            rects.append(f"{start} {r} {c - start} 1 re")
    return "\n".join(rects)


def _text_ops(box: TextBox, page_height: float) -> str:
    width = text_width(box.text, box.size, box.bold)
    x = box.x if box.align == "left" else box.x + max(0.0, (box.width - width) / 2)
    # baseline: centred vertically, Helvetica's cap height is about 0.72 em
    baseline = box.y + box.height / 2 + box.size * 0.36 / MM
    encoded = _string(box.text).decode("latin-1")
    return (
        f"BT {_FONTS[box.bold]} {box.size:.2f} Tf {x * MM:.2f} "
        f"{page_height - baseline * MM:.2f} Td {encoded} Tj ET"
    )


def _string(text: str) -> bytes:
    """A PDF hex string in WinAnsi; characters it lacks lose their accents, or become '?'."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1252")
        except UnicodeEncodeError:
            plain = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore")
            out += plain or b"?"
    return b"<" + out.hex().encode() + b">"
