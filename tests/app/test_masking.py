from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.masking import display_name, mask_email, mask_phone


@pytest.mark.parametrize(
    ("email", "masked"),
    [
        ("jane@example.com", "j***@example.com"),
        ("j@x.org", "j***@x.org"),  # a one-letter local part is not shown as shorter
        ("  Jane.Smith@Example.com ", "J***@Example.com"),
        ("@example.com", "***@example.com"),
        ("no-at-sign", "n***"),
        ("a@b@example.com", "a***@example.com"),  # the domain is after the last "@"
        ("élodie@exemple.fr", "é***@exemple.fr"),
        ("e\u0301lodie@exemple.fr", "é***@exemple.fr"),  # decomposed accent stays with its letter
        ("", ""),
        (None, ""),
        ("   ", ""),
        ("\x00\x07", ""),
    ],
)
def test_mask_email(email, masked):
    assert mask_email(email) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("+1 (555) 123-7890", "•••• 7890"),
        ("555.123.7890", "•••• 7890"),
        ("5551237890", "•••• 7890"),
        ("12345", "•••• 2345"),
        ("1234", "••••"),  # the last four would be the whole number
        ("12", "••••"),
        ("٥٥٥١٢٣٧٨٩٠", "•••• 7890"),  # Arabic-Indic digits
        ("", None),
        (None, None),
        ("n/a", None),
    ],
)
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("first", "last", "shown"),
    [
        ("Jane", "Smith", "Jane S."),
        ("  Mary  Ann ", " van der Berg", "Mary Ann v."),
        ("José", "Özil", "José Ö."),
        ("Jane", "", "Jane"),
        ("", "Smith", "S."),
        (None, None, ""),
        ("Zoë", "O\u0308zil", "Zoë Ö."),
    ],
)
def test_display_name(first, last, shown):
    assert display_name(first, last) == shown


@given(st.text(), st.text())
def test_display_name_never_shows_more_than_the_last_initial(first, last):
    shown = display_name(first, last)
    if display_name("", last):  # the last name has something printable: only its initial shows
        initial = shown.rsplit(" ", 1)[-1]
        assert initial.endswith(".")
        assert len(initial.rstrip(".")) == 1 or all(
            unicodedata.combining(ch) for ch in initial[1:-1]
        )


@given(st.text())
def test_mask_email_never_raises_and_hides_the_local_part(email):
    masked = mask_email(email)
    assert isinstance(masked, str)
    if masked:
        assert "***" in masked


@given(st.one_of(st.none(), st.text()))
def test_mask_phone_shows_at_most_four_digits(phone):
    masked = mask_phone(phone)
    assert masked is None or sum(ch.isdigit() for ch in masked) <= 4
