"""argparse types for text that reaches a query: checked before any database is opened, so that
hostile input gets a usage message (exit 2), never a database error."""

from __future__ import annotations

import argparse

from app.checkin.validation import clean_filter


def filter_text(label: str):
    """A `type=` for search and filter arguments: printable, at most MAX_FILTER characters."""

    def check(text: str) -> str:
        try:
            return clean_filter(text, label)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    check.__name__ = label.lower()  # argparse names the type in some messages
    return check
