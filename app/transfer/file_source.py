"""The bytes and text of a member list file, read defensively.

A file named on the command line or picked in a dialog may be anything: a named pipe that never
ends, /dev/zero, a directory, a file whose reported size lies (a FUSE mount, /proc). So only a
regular file is opened (checked on the open descriptor, not the name, so the check and the
read are about the same file), and the bytes are read in chunks with a hard cap that counts
what was actually read. Messages quote names and cells only in printable form: a file name
or cell holding ESC sequences must not reach the terminal raw.
"""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

from app.errors import ValidationError

MAX_FILE_BYTES = 64 * 1024 * 1024
_CHUNK = 1024 * 1024
# How much of the start of a file the UTF-16 guess looks at.
_SNIFF = 4096


def printable(text: str, limit: int = 80) -> str:
    """`text` with every non-printable character (controls, ESC, bidi overrides, lone
    surrogates) shown as "?", cut to `limit` characters: safe to print anywhere."""
    shown = "".join(ch if ch.isprintable() else "?" for ch in text)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def read_file_bytes(path: Path, name: str, *, cap: int = MAX_FILE_BYTES) -> bytes:
    """The whole content of the regular file `path`, at most `cap` bytes (ValidationError
    otherwise, also for anything that is not a regular file)."""
    shown = printable(name)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        # O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever.
        fd = os.open(path, flags)
    except OSError as exc:
        raise ValidationError({"file": f"cannot read {shown}: {exc.strerror or exc}"}) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file"
            raise ValidationError({"file": f"{shown} is {kind}; choose a saved .csv or .txt file"})
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, _CHUNK)
            if not chunk:
                break
            total += len(chunk)
            if total > cap:
                raise ValidationError(
                    {"file": f"{shown} is larger than {cap // (1024 * 1024)} MB; split it first"}
                )
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise ValidationError({"file": f"cannot read {shown}: {exc.strerror or exc}"}) from None
    finally:
        os.close(fd)


def decode(data: bytes) -> tuple[str, str, list[str]]:
    """Bytes -> text, the encoding used, and a note when it was a guess."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", "UTF-8 (with BOM)")
    if data.startswith(codecs.BOM_UTF16_LE):
        return _strict(data[2:], "utf-16-le", "UTF-16")
    if data.startswith(codecs.BOM_UTF16_BE):
        return _strict(data[2:], "utf-16-be", "UTF-16")
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return _strict(data, utf16, "UTF-16 (without BOM)", "looks like")
    try:
        return data.decode("utf-8"), "UTF-8", []
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:_SNIFF]:  # no text encoding but UTF-16/32 has NULs, and it is not those
        raise ValidationError(
            {
                "file": "the file's encoding cannot be read (it holds NUL bytes: it may be a "
                "spreadsheet's own format, not CSV); save it as CSV UTF-8"
            }
        )
    # cp1252 leaves five bytes undefined; latin-1 takes every byte, so reading never fails.
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    note = "The file is not UTF-8; it was read as Windows-1252 (check accented names)."
    return text, "Windows-1252", [note]


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' when the start of `data` looks like UTF-16 text: mostly
    ASCII characters, so every other byte is NUL, on the odd (LE) or even (BE) positions."""
    head = data[:_SNIFF]
    if len(head) < 4:
        return None
    head = head[: len(head) - len(head) % 2]
    even_nul = head[0::2].count(0) / (len(head) // 2)
    odd_nul = head[1::2].count(0) / (len(head) // 2)
    if odd_nul > 0.6 and even_nul < 0.1:
        return "utf-16-le"
    if even_nul > 0.6 and odd_nul < 0.1:
        return "utf-16-be"
    return None


def _strict(
    data: bytes, codec: str, label: str, how: str = "says it is"
) -> tuple[str, str, list[str]]:
    try:
        return data.decode(codec), label, []
    except UnicodeDecodeError as exc:
        raise ValidationError(
            {"file": f"the file {how} {label} but byte {exc.start} is not; save it again"}
        ) from None
