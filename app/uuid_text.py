"""A UUID as a person types or scans it: any case, with or without hyphens.

A leaf module (no app imports): the search, the door and event lookup all read UUIDs, and
keeping this apart is what keeps them from importing each other in a circle.
"""

from __future__ import annotations

import uuid


def parse_uuid(text: str) -> uuid.UUID | None:
    """A UUID in any case, with or without hyphens, surrounding whitespace ignored."""
    cleaned = text.strip().replace("-", "")
    if len(cleaned) != 32:
        return None
    try:
        return uuid.UUID(hex=cleaned)
    except ValueError:
        return None
