"""Errors shared by the use cases. Expected refusals are values (see the outcome enums); these
are for input that cannot be accepted and for a database that cannot be used.

Also the one home of two rules every front end needs: the first line of an error (a driver's
message runs to several lines of context), and whether an error means the connection is lost.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError

from app.masking import mask_secrets

# Words of a driver's message that mean the connection went away, not that a statement failed.
_CONNECTION_WORDS = ("connection", "could not connect", "server closed", "timeout", "terminat")


class ValidationError(ValueError):
    """Invalid input, with one message per field in words a greeter understands."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{field}: {msg}" for field, msg in self.errors.items()))


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or used; the message is safe to show (no password)."""


class StartupRefused(RuntimeError):
    """The app must not start against this database as it is; the message names the fix."""


class Stopped(Exception):
    """The person stopped the work (Cancel, or a time limit they chose): expected, not a fault."""


def first_line(error: BaseException, empty: str | None = None) -> str:
    """The first line of an error's message; `empty` (else the error's type name) without one."""
    text = str(error).strip()
    if text:
        return text.splitlines()[0]
    return empty if empty is not None else type(error).__name__


def is_connection_lost(error: BaseException | None) -> bool:
    """The connection to the database went away (network, server restart or shutdown, a
    timeout), as opposed to a statement the database refused."""
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, OperationalError):
        text = str(error.orig).lower()
        return any(word in text for word in _CONNECTION_WORDS)
    return False


def describe_error(error: BaseException | None) -> str:
    """One line a person can read; never a traceback, never a password (drivers omit it, and a
    driver may still echo a connection string: masked)."""
    if error is None:
        return "unknown error"
    orig = getattr(error, "orig", None) or error
    text = mask_secrets(str(orig)).strip()
    return text.splitlines()[0] if text else type(orig).__name__
