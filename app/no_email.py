"""Patrons without an email address of their own.

The guide keeps `users.email` NOT NULL and UNIQUE, so a child, an older member or the second
person of a household sharing one address gets a reserved address that can never be delivered:
one in the `.invalid` top-level domain (RFC 2606). Every screen, export and command shows such
an address as "no email" (`shown_email`); the web service should do the same (docs/schema.md,
docs/design/member-import.md). Pure functions, no database.
"""

from __future__ import annotations

import secrets

NO_EMAIL = "no email"
PLACEHOLDER_DOMAIN = "no-email.invalid"
# Placeholders this app makes start alike, so they are one range of the email index.
PLACEHOLDER_PREFIX = "no-email-"


def new_placeholder_email() -> str:
    """A fresh, unique-enough reserved address: 'no-email-3f9c0a1b2d4e5f60@no-email.invalid'."""
    return f"{PLACEHOLDER_PREFIX}{secrets.token_hex(8)}@{PLACEHOLDER_DOMAIN}"


def is_placeholder_email(email: str | None) -> bool:
    """True for any address in the `.invalid` top-level domain (never deliverable)."""
    return bool(email) and email.strip().rstrip(".").lower().endswith(".invalid")


def shown_email(email: str | None) -> str:
    """The email as a screen or export shows it: "no email" for a placeholder."""
    return NO_EMAIL if is_placeholder_email(email) else (email or "")
