"""The import's file edges (issue 12, item 7): only regular files, a cap counted while
reading, UTF-16 with or without BOM, and messages without raw control bytes."""

from __future__ import annotations

import os
import threading

import pytest

from app.errors import ValidationError
from app.transfer.file_source import decode, printable, read_file_bytes
from app.transfer.patron_file import read_patron_csv

LIST = "First Name\tLast Name\tEmail\nZoë\tLee\tzoe@example.com\n"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_recognized(codec):
    file = read_patron_csv(LIST.encode(codec))
    assert file.encoding == "UTF-16 (without BOM)"
    assert file.rows[0].values["firstName"] == "Zoë"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec):
    bom = "\ufeff".encode(codec)
    text, label, _notes = decode(bom + LIST.encode(codec))
    assert (text, label) == (LIST, "UTF-16")


def test_binary_that_is_no_text_says_it_cannot_read_the_encoding():
    data = b"PK\x03\x04\x00\x00\xff\xfe\x81" * 50  # e.g. an .xlsx renamed to .csv
    with pytest.raises(ValidationError, match="encoding cannot be read"):
        read_patron_csv(data)


def test_named_pipe_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(ValidationError, match="not a regular file"):
        read_patron_csv(fifo)


def test_dev_zero_is_refused():
    with pytest.raises(ValidationError, match="not a regular file"):
        read_patron_csv("/dev/zero")


def test_folder_is_refused(tmp_path):
    with pytest.raises(ValidationError, match="is a folder"):
        read_patron_csv(tmp_path)


def test_cap_counts_the_bytes_read_not_the_reported_size(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * 5000)
    assert len(read_file_bytes(path, "big.csv", cap=5000)) == 5000
    with pytest.raises(ValidationError, match="larger than"):
        read_file_bytes(path, "big.csv", cap=4999)


def test_file_growing_while_read_stops_at_the_cap(tmp_path):
    """A file whose size at open time is small but which keeps growing (a log, a FUSE file):
    the reader counts what it reads."""
    path = tmp_path / "growing.csv"
    path.write_bytes(b"a,b\n")
    stop = threading.Event()

    def grow():
        with open(path, "ab") as out:
            while not stop.is_set():
                out.write(b"x" * 65536)
                out.flush()

    writer = threading.Thread(target=grow)
    writer.start()
    try:
        with pytest.raises(ValidationError, match="larger than"):
            while True:  # until the writer has outrun one read of the whole file
                read_file_bytes(path, "growing.csv", cap=2 * 1024 * 1024)
    finally:
        stop.set()
        writer.join()


def test_messages_never_carry_control_bytes(tmp_path):
    name = "evil\x1b[2J\x07.csv"
    with pytest.raises(ValidationError) as missing:
        read_patron_csv(tmp_path / name)
    header = "First\x1b]0;pwned\x07,Last,Email\n"
    with pytest.raises(ValidationError) as mapped:
        read_patron_csv(header.encode(), {"Nope\x1b[1m": "email"})
    with pytest.raises(ValidationError) as twice:
        read_patron_csv(b"A\x1b,A\x1b\n1,2\n")
    for error in (missing.value, mapped.value, twice.value):
        text = " ".join(error.errors.values())
        assert "\x1b" not in text and "\x07" not in text, text


def test_printable():
    assert printable("a\x1b[31mb\u202ec") == "a?[31mb?c"
    assert len(printable("x" * 500)) == 80
