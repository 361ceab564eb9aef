"""The shared error rules: the first line of a message, and whether the connection is lost."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from app.errors import describe_error, first_line, is_connection_lost


def test_first_line_keeps_the_first_line_or_names_the_type():
    assert first_line(ValueError("  no such column: x\nLINE 1: select x\n ^")) == (
        "no such column: x"
    )
    assert first_line(ValueError("")) == "ValueError"
    assert first_line(ValueError(" "), "syntax error") == "syntax error"


def test_a_lost_connection_is_told_from_a_refused_statement():
    lost = OperationalError("select 1", {}, Exception("server closed the connection unexpectedly"))
    assert is_connection_lost(lost)
    invalidated = DBAPIError("select 1", {}, Exception("gone"), connection_invalidated=True)
    assert is_connection_lost(invalidated)
    assert not is_connection_lost(OperationalError("select", {}, Exception("no such table: x")))
    assert not is_connection_lost(IntegrityError("insert", {}, Exception("duplicate key")))
    assert not is_connection_lost(ValueError("connection"))
    assert not is_connection_lost(None)


def test_described_errors_are_one_masked_line():
    error = OperationalError("connect", {}, Exception("bad dsn password=secret\nmore"))
    assert describe_error(error) == "bad dsn password=***"
    assert describe_error(None) == "unknown error"
    assert describe_error(RuntimeError()) == "RuntimeError"
