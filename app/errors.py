"""Errors shared by the use cases. Expected refusals are values (see the outcome enums); these
are for input that cannot be accepted and for a database that cannot be used."""

from __future__ import annotations


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
