"""The kiosk's walk-in: a known email is offered back; bad input is refused before anything."""

from __future__ import annotations

import pytest

from app.checkin.outcomes import Outcome
from app.checkin.walk_in_offer import ExistingPatronOffer, walk_in_unless_known
from app.errors import ValidationError
from db.types import utcnow
from tests.app.checkin_support import make_event, make_patron, table_counts


def test_a_known_email_is_offered_not_checked_in(session):
    event = make_event(session, start=utcnow())
    known = make_patron(session, "Jane", "Doe")
    before = table_counts(session)
    offer = walk_in_unless_known(
        session, event.id, "Janet", "D", " JANE.doe@Example.com", None, station="k"
    )
    assert isinstance(offer, ExistingPatronOffer)
    assert offer.card.id == known.id
    assert table_counts(session) == before  # nothing written: the greeter decides


def test_a_new_email_is_added_and_checked_in(session):
    event = make_event(session, start=utcnow())
    result = walk_in_unless_known(
        session, event.id, "Ana", "Lima", "ana@example.com", None, station="k"
    )
    assert result.outcome is Outcome.CHECKED_IN
    assert result.patron.first_name == "Ana"


def test_bad_input_is_refused_before_anything_is_read(session):
    event = make_event(session, start=utcnow())
    before = table_counts(session)
    with pytest.raises(ValidationError) as caught:
        walk_in_unless_known(session, event.id, "", "Lima", "ana@", None, station="k")
    assert set(caught.value.errors) >= {"first_name", "email"}
    assert table_counts(session) == before
