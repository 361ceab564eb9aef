"""A pass as a PNG without a GUI: the QR symbol with its code printed underneath.

The code's characters (C, P, '-' and the Crockford alphabet) are drawn from a 5x7 pixel font
kept here, so the command line needs neither Qt nor an imaging library; the app's own *Save
PNG…* draws the full card with Qt (ui.passes).
"""

from __future__ import annotations

import struct
import zlib
from typing import BinaryIO

from app.passes.layout import QUIET_ZONE, qr_matrix

# 5x7 glyphs, one string of 35 pixels per character, rows top to bottom.
_GLYPHS = {
    "0": "01110100011001110101110011000101110",
    "1": "00100011000010000100001000010001110",
    "2": "01110100010000100010001000100011111",
    "3": "11111000100010000010000011000101110",
    "4": "00010001100101010010111110001000010",
    "5": "11111100001111000001000011000101110",
    "6": "00110010001000011110100011000101110",
    "7": "11111000010001000100010000100001000",
    "8": "01110100011000101110100011000101110",
    "9": "01110100011000101111000010001001100",
    "A": "01110100011000111111100011000110001",
    "B": "11110100011000111110100011000111110",
    "C": "01110100011000010000100001000101110",
    "D": "11100100101000110001100011001011100",
    "E": "11111100001000011110100001000011111",
    "F": "11111100001000011110100001000010000",
    "G": "01110100011000010111100011000101111",
    "H": "10001100011000111111100011000110001",
    "J": "00111000100001000010000101001001100",
    "K": "10001100101010011000101001001010001",
    "M": "10001110111010110101100011000110001",
    "N": "10001100011100110101100111000110001",
    "P": "11110100011000111110100001000010000",
    "Q": "01110100011000110001101011001001101",
    "R": "11110100011000111110101001001010001",
    "S": "01111100001000001110000010000111110",
    "T": "11111001000010000100001000010000100",
    "V": "10001100011000110001100010101000100",
    "W": "10001100011000110101101011010101010",
    "X": "10001100010101000100010101000110001",
    "Y": "10001100010101000100001000010000100",
    "Z": "11111000010001000100010001000011111",
    "-": "00000000000000011111000000000000000",
}


def pass_png(code: str, stream: BinaryIO, *, scale: int = 8) -> None:
    """Write the pass for `code` as a greyscale PNG, `scale` pixels per QR module."""
    matrix = qr_matrix(code)
    side = len(matrix) + 2 * QUIET_ZONE
    text_scale = max(1, scale // 3)
    text_width = (len(code) * 6 - 1) * text_scale
    width = max(side * scale, text_width + 2 * scale)
    text_top = side * scale
    height = text_top + 7 * text_scale + 2 * scale
    rows = [bytearray(b"\xff" * width) for _ in range(height)]
    qr_left = (width - side * scale) // 2
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                x0 = qr_left + (c + QUIET_ZONE) * scale
                for y in range((r + QUIET_ZONE) * scale, (r + QUIET_ZONE + 1) * scale):
                    rows[y][x0 : x0 + scale] = b"\x00" * scale
    left = (width - text_width) // 2
    for i, ch in enumerate(code):
        glyph = _GLYPHS.get(ch.upper())
        if glyph is None:
            continue
        for gy in range(7):
            for gx in range(5):
                if glyph[gy * 5 + gx] == "1":
                    x0 = left + (i * 6 + gx) * text_scale
                    for y in range(text_top + gy * text_scale, text_top + (gy + 1) * text_scale):
                        rows[y][x0 : x0 + text_scale] = b"\x00" * text_scale
    _write_png(stream, width, height, rows)


def _write_png(stream: BinaryIO, width: int, height: int, rows: list[bytearray]) -> None:
    raw = b"".join(b"\x00" + bytes(row) for row in rows)  # filter type 0 on every row

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    stream.write(b"\x89PNG\r\n\x1a\n")
    stream.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)))
    stream.write(chunk(b"IDAT", zlib.compress(raw, 9)))
    stream.write(chunk(b"IEND", b""))
