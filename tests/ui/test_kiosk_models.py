"""The results model passes qtmodeltester; banner texts never rely on colour alone."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from app.checkin.outcomes import CheckInResult, EventRef, Outcome, PatronRef
from app.checkin.queries import KioskEvent, PatronCard
from tests.ui.kiosk_support import FakeClock
from ui.kiosk.banner import GLYPHS, BannerState, ResultBanner
from ui.kiosk.results_model import PatronIdRole, PatronResultsModel, card_text
from ui.kiosk.scan_input import RepeatGuard, scan_code
from ui.kiosk.texts import banner_for, event_choice_label, event_line

CARDS = [
    PatronCard(uuid.uuid4(), "Jane S.", "j***@example.com", "•••• 7890", "gold"),
    PatronCard(uuid.uuid4(), "Janet J.", "j***@example.org", None, "bronze"),
]


def test_results_model_passes_the_model_tester(qtmodeltester):
    model = PatronResultsModel()
    qtmodeltester.check(model)
    model.set_cards(CARDS)
    qtmodeltester.check(model)
    assert model.data(model.index(0, 0), PatronIdRole) == str(CARDS[0].id)
    model.clear()
    qtmodeltester.check(model)
    assert model.rowCount() == 0


def test_card_text_shows_only_masked_values_and_a_tier_badge():
    assert card_text(CARDS[0]) == "Jane S.   ·   j***@example.com   ·   •••• 7890   ·   ★ Gold"
    assert card_text(CARDS[1]) == "Janet J.   ·   j***@example.org   ·   ◆ Bronze"


def _result(outcome, **kwargs):
    defaults = dict(
        patron=PatronRef(uuid.uuid4(), "Jane", "Smith"),
        event=EventRef(uuid.uuid4(), "Sunday Service"),
        balance=510,
        tier="gold",
    )
    defaults.update(kwargs)
    return CheckInResult(outcome, "engine says", **defaults)


def test_welcome_has_tier_and_balance():
    text = banner_for(_result(Outcome.CHECKED_IN, points=10))
    assert text.state is BannerState.SUCCESS
    assert text.title == "Welcome, Jane!" and text.detail.startswith("Gold · 510 points")


def test_already_checked_in_shows_local_time():
    first = datetime(2026, 1, 12, 9, 55, tzinfo=UTC)
    text = banner_for(_result(Outcome.ALREADY_CHECKED_IN, check_in_time=first))
    assert text.state is BannerState.WARNING
    assert text.title == f"Jane was already checked in at {first.astimezone():%H:%M}"


@pytest.mark.parametrize(
    "outcome", [Outcome.EVENT_FULL, Outcome.EVENT_NOT_OPEN, Outcome.NOT_CHECKED_IN]
)
def test_refusals_are_red_with_the_engines_words(outcome):
    text = banner_for(
        CheckInResult(
            outcome, "Sunday Service is full: 500 of 500", PatronRef(uuid.uuid4(), "J", "S")
        )
    )
    assert text.state is BannerState.REFUSAL and text.title == "Sunday Service is full: 500 of 500"


def test_every_state_has_its_own_glyph_and_spoken_name(qtbot):
    assert len(set(GLYPHS.values())) == len(BannerState)
    banner = ResultBanner(show_ms=10)
    qtbot.addWidget(banner)
    banner.show_result(BannerState.REFUSAL, "No one found for this code")
    assert banner.accessibleName() == "Refused: No one found for this code"
    assert banner.property("state") == "refusal"
    with qtbot.waitSignal(banner.returned_to_ready, timeout=2000):
        pass
    assert banner.state is BannerState.READY


def test_scan_codes_and_the_repeat_guard():
    patron = uuid.uuid4()
    assert scan_code(f"  {str(patron).upper()} ") == patron.hex
    assert scan_code(patron.hex) == patron.hex
    assert scan_code("jane") is None and scan_code("jane@example.com") is None
    clock = FakeClock()
    guard = RepeatGuard(clock=clock)
    assert not guard.is_repeat("a")
    clock.advance(2.9)
    assert guard.is_repeat("a")
    assert not guard.is_repeat("b")
    clock.advance(3.1)
    assert not guard.is_repeat("b")


def test_event_labels_name_the_year_only_when_it_is_not_this_one():
    def event(start):
        return KioskEvent(
            uuid.uuid4(),
            "Sunday Service",
            "scheduled",
            start,
            start + timedelta(hours=2),
            "Main Sanctuary",
            None,
            False,
        )

    this_year = datetime.now(UTC).replace(month=6, day=14, hour=10, minute=0)
    assert str(this_year.year) not in event_choice_label(event(this_year))
    long_ago = this_year.replace(year=this_year.year - 1)
    assert str(long_ago.year) in event_choice_label(event(long_ago))
    assert str(long_ago.year) in event_line(event(long_ago))
