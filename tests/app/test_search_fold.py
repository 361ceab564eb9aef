"""The folding rules behind the search keys (pure functions, no database)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from db.search_fold import (
    KIND_EMAIL,
    KIND_FULL_NAME,
    KIND_NAME_WORDS,
    KIND_PHONE,
    MAX_KEY_LENGTH,
    RANGE_END,
    fold,
    name_query,
    patron_keys,
    phone_query,
    prefix_range,
)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("José", "jose"),
        ("MÜLLER", "muller"),
        ("Straße", "strasse"),
        ("Søren", "soren"),
        ("Æsa", "aesa"),
        ("Œuvre", "oeuvre"),
        ("Łukasz", "lukasz"),
        ("Þór", "thor"),
        ("İstanbul", "istanbul"),
        ("ﬁona", "fiona"),  # compatibility ligature
        ("Jo\x00se", "jose"),  # NUL would be refused by PostgreSQL
        ("", ""),
        (None, ""),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("  Jane   SMITH ", "jane smith"),
        ("Jean-Luc", "jean luc"),
        ("O'Brien", "obrien"),
        ("O’Brien", "obrien"),
        ("%_;", ""),
        ("a_b", "a b"),
    ],
)
def test_name_query(text, query):
    assert name_query(text) == query


@pytest.mark.parametrize(
    ("text", "reversed_digits"),
    [
        ("7890", "0987"),
        ("123-7890", "0987321"),
        ("+1 (555) 123.7890", "09873215551"),
        ("789", None),  # fewer than four digits
        ("78a9", None),  # not only phone characters
        ("jane", None),
        ("", None),
    ],
)
def test_phone_query(text, reversed_digits):
    assert phone_query(text) == reversed_digits


def test_patron_keys():
    keys = patron_keys("Mary Ann", "Müller", "Mary@Example.com", "+1 (555) 123-7890")
    assert (KIND_FULL_NAME, "mary ann muller") in keys
    assert (KIND_FULL_NAME, "muller mary ann") in keys
    assert (KIND_FULL_NAME, "mary ann mueller") in keys  # the second spelling
    assert (KIND_NAME_WORDS, "ann muller") in keys
    assert (KIND_NAME_WORDS, "muller") in keys
    assert (KIND_NAME_WORDS, "mueller") in keys
    assert (KIND_EMAIL, "mary@example.com") in keys
    assert (KIND_PHONE, "09873215551") in keys


def test_short_or_missing_phone_gives_no_phone_key():
    assert not [k for k in patron_keys("A", "B", "a@b.c", "123") if k[0] == KIND_PHONE]
    assert not [k for k in patron_keys("A", "B", "a@b.c", None) if k[0] == KIND_PHONE]


def test_long_values_are_cut():
    keys = patron_keys("A" * 5000, "B", "c" * 5000 + "@x.io", "1" * 5000)
    assert all(len(key) <= MAX_KEY_LENGTH for _, key in keys)


@settings(max_examples=60)
@given(st.text(), st.text(), st.text(), st.one_of(st.none(), st.text()))
def test_keys_are_always_storable(first, last, email, phone):
    for _kind, key in patron_keys(first, last, email, phone):
        assert key and len(key) <= MAX_KEY_LENGTH
        assert RANGE_END not in key and "\x00" not in key
        key.encode("utf-8")  # no lone surrogates
        low, high = prefix_range(key)
        assert low <= key < high


@settings(max_examples=60)
@given(st.text(min_size=1, max_size=40))
def test_a_key_is_in_the_range_of_each_of_its_prefixes(text):
    for _kind, key in patron_keys(text, "", "", None):
        for end in range(1, len(key) + 1):
            low, high = prefix_range(key[:end])
            assert low <= key < high
