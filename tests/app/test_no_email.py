"""Patrons without an email of their own are shown as "no email" (issue 15)."""

from __future__ import annotations

from app.admin.catalogue import TEXT, ColumnInfo
from app.admin.labels import user_label
from app.checkin.validation import clean_email
from app.masking import mask_email
from app.no_email import (
    NO_EMAIL,
    PLACEHOLDER_DOMAIN,
    is_placeholder_email,
    new_placeholder_email,
    shown_email,
)


def test_placeholders_are_unique_valid_and_never_deliverable():
    made = {new_placeholder_email() for _ in range(1000)}
    assert len(made) == 1000
    for email in made:
        assert email.endswith("@" + PLACEHOLDER_DOMAIN) and clean_email(email) == email
        assert is_placeholder_email(email)
    assert is_placeholder_email("Someone@Other.INVALID ")
    assert not is_placeholder_email("ann@example.org") and not is_placeholder_email(None)


def test_every_surface_says_no_email():
    email = new_placeholder_email()
    assert mask_email(email) == NO_EMAIL == shown_email(email)
    assert shown_email("ann@example.org") == "ann@example.org"
    assert user_label("Timmy", "Miller", email) == "Timmy Miller (no email)"
    assert user_label("Bob", "Miller", "b@x.org") == "Bob Miller <b@x.org>"


def test_admin_grid_shows_no_email_and_keeps_the_value_for_editing():
    from PySide6.QtCore import Qt

    from ui.admin.cells import CellFormatter, display_text

    column = ColumnInfo("email", TEXT, False)
    email = new_placeholder_email()
    assert display_text(column, email) == NO_EMAIL
    assert display_text(column, "ann@example.org") == "ann@example.org"
    cells = CellFormatter()
    assert cells.data(column, email, None, Qt.ItemDataRole.EditRole, False, None) == email
    assert cells.data(column, email, None, Qt.ItemDataRole.ToolTipRole, False, None) == email
