"""Badges: layouts with the expected text, pickup codes printed twice and fresh each day."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from app.errors import ValidationError
from app.passes import badges
from app.passes.pdf import write_pdf
from tests.app.checkin_support import T0, audit_rows, make_event, make_patron


def _text(page) -> str:
    buffer = io.BytesIO()
    write_pdf(buffer, [page])
    buffer.seek(0)
    return PdfReader(buffer).pages[0].extract_text()


def test_a_childrens_event_badge_prints_the_pickup_code_twice(session):
    event = make_event(session, name="Kids Club")
    child = make_patron(session, "Mia", "Stone")
    badges.set_pickup_event(session, event.id, True)
    badge = badges.badge_for(session, event.id, child.id, station="north", method="scan", now=T0)
    assert badge.pickup_code is not None and len(badge.pickup_code) == 4
    for layout in badges.LAYOUTS:
        text = _text(badges.badge_page(badge, layout, "Letter", slot=3))
        assert text.count(f"Pickup code {badge.pickup_code}") == 2, layout
        for expected in ("Mia", "Stone", "Kids Club", "Bronze"):
            assert expected in text, (layout, expected)
    (row,) = audit_rows(session, action=badges.ACTION_BADGE)
    assert row.patron_id == child.id and badge.pickup_code in row.detail


def test_pickup_codes_are_never_reused_for_a_person_the_same_day(session, monkeypatch):
    event = make_event(session)
    child = make_patron(session, "Mia", "Stone")
    badges.set_pickup_event(session, event.id, True)
    # only two codes exist: the second badge of the day must take the other one
    drawn = iter([7, 7, 7, 9])
    monkeypatch.setattr(badges.secrets, "randbelow", lambda _n: next(drawn))
    first = badges.badge_for(session, event.id, child.id, station="s", method="scan", now=T0)
    second = badges.badge_for(
        session, event.id, child.id, station="s", method="scan", now=T0 + timedelta(minutes=5)
    )
    assert (first.pickup_code, second.pickup_code) == ("0007", "0009")
    # another day may draw it again
    monkeypatch.setattr(badges.secrets, "randbelow", lambda _n: 7)
    later = badges.badge_for(
        session, event.id, child.id, station="s", method="scan", now=T0 + timedelta(days=1)
    )
    assert later.pickup_code == "0007"


def test_other_events_print_no_code_and_layouts_are_validated(session):
    event = make_event(session)
    adult = make_patron(session)
    badge = badges.badge_for(session, event.id, adult.id, station="s", method="scan", now=T0)
    assert badge.pickup_code is None and "Pickup" not in _text(badges.badge_page(badge))
    assert badges.badge_layout(session) == badges.LAYOUT_A6
    badges.set_badge_layout(session, badges.LAYOUT_LABEL, "Letter")
    assert (badges.badge_layout(session), badges.badge_paper(session)) == (
        badges.LAYOUT_LABEL,
        "Letter",
    )
    with pytest.raises(ValidationError):
        badges.set_badge_layout(session, "poster")
