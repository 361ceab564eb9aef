"""Loyalty ledger: awards, expiry, tiers at the guide's boundaries, redemption, status, settings."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app import loyalty, settings
from app.checkin.actions import check_in, check_out
from app.checkin.outcomes import Outcome
from app.errors import ValidationError
from db.models import AuditLog, Loyalty, Setting
from tests.app.checkin_support import T0, add_points, count, make_event, make_patron

TIERS = [
    (0, "bronze"),
    (99, "bronze"),
    (100, "silver"),
    (499, "silver"),
    (500, "gold"),
    (999, "gold"),
    (1000, "platinum"),
    (25_000, "platinum"),
    (-5, "bronze"),
]


@pytest.mark.parametrize(("points", "tier"), TIERS)
def test_tier_boundaries(points, tier):
    assert loyalty.tier_for(points) == tier


def test_next_tier():
    assert loyalty.next_tier(0) == ("silver", 100)
    assert loyalty.next_tier(99) == ("silver", 1)
    assert loyalty.next_tier(100) == ("gold", 400)
    assert loyalty.next_tier(999) == ("platinum", 1)
    assert loyalty.next_tier(1000) == (None, None)


def test_balance_counts_only_unexpired_rows(session):
    jane = make_patron(session)
    add_points(session, jane, 40, expires=None)
    add_points(session, jane, 30, expires=T0 + timedelta(days=1))
    add_points(session, jane, 500, expires=T0 - timedelta(days=1))  # expired yesterday
    add_points(session, jane, 7, expires=T0)  # expires exactly now: gone
    assert loyalty.balance(session, jane.id, T0) == 70
    assert loyalty.balance(session, jane.id, T0 - timedelta(days=2)) == 577
    assert loyalty.balance(session, make_patron(session, "No", "Points").id, T0) == 0


def test_award_row_records_tier_after_the_award(session):
    event = make_event(session)
    for before, tier_after in [(89, "bronze"), (90, "silver"), (495, "gold"), (990, "platinum")]:
        patron = make_patron(session, "P", f"Had{before}")
        add_points(session, patron, before)
        result = check_in(session, event.id, patron.id, station="s", method="scan", now=T0)
        assert result.balance == before + 10 and result.tier == tier_after
        award = (
            session.query(Loyalty)
            .filter(Loyalty.patron_id == patron.id, Loyalty.description.like("Attendance%"))
            .one()
        )
        assert award.tier == tier_after


def test_award_and_expiry_follow_settings(session):
    settings.set_setting(session, settings.POINTS_PER_VISIT, 25)
    settings.set_setting(session, settings.POINTS_EXPIRY_DAYS, "none")
    event = make_event(session)
    jane = make_patron(session)
    result = check_in(session, event.id, jane.id, station="s", method="scan", now=T0)
    assert result.points == 25
    assert session.query(Loyalty).one().expires_at is None

    settings.set_setting(session, settings.POINTS_EXPIRY_DAYS, 30)
    other = make_event(session, name="Bible Study")
    check_in(session, other.id, jane.id, station="s", method="scan", now=T0)
    row = session.query(Loyalty).filter(Loyalty.expires_at.is_not(None)).one()
    assert row.expires_at == T0 + timedelta(days=30)


def test_zero_points_setting_writes_no_award(session):
    settings.set_setting(session, settings.POINTS_PER_VISIT, 0)
    event = make_event(session)
    result = check_in(
        session, event.id, make_patron(session).id, station="s", method="scan", now=T0
    )
    assert result.outcome is Outcome.CHECKED_IN and result.points == 0
    assert count(session, Loyalty) == 0


def test_only_transitions_to_attended_award_points(session):
    event = make_event(session)
    jane = make_patron(session)
    for minute in range(3):
        now = T0 + timedelta(minutes=minute)
        check_in(session, event.id, jane.id, station="s", method="scan", now=now)
        check_out(session, event.id, jane.id, station="s", method="scan", now=now)
    assert loyalty.balance(session, jane.id, T0) == 10


def test_redeem(session):
    jane = make_patron(session)
    add_points(session, jane, 120)
    result = loyalty.redeem(session, jane.id, 50, " Free  coffee ", station="desk", now=T0)
    assert result.outcome is Outcome.REDEEMED
    assert (result.points, result.balance, result.tier) == (-50, 70, "bronze")
    row = session.query(Loyalty).filter(Loyalty.points < 0).one()
    assert row.reward == "Free coffee" and row.tier == "bronze" and row.expires_at is None

    short = loyalty.redeem(session, jane.id, 71, "Mug", station="desk", now=T0)
    assert short.outcome is Outcome.INSUFFICIENT_POINTS and short.outcome.is_refusal
    assert short.balance == 70 and "70 points" in short.message
    assert count(session, Loyalty) == 2
    outcomes = [r.outcome for r in session.query(AuditLog).filter(AuditLog.action == "redeem")]
    assert sorted(outcomes) == ["insufficient_points", "redeemed"]


def test_redeem_spends_first_to_expire_points_first(session):
    jane = make_patron(session)
    soon, later = T0 + timedelta(days=10), T0 + timedelta(days=100)
    add_points(session, jane, 90, expires=soon)
    add_points(session, jane, 10, expires=later)
    add_points(session, jane, 500, expires=T0 - timedelta(days=1))  # expired: not spendable

    result = loyalty.redeem(session, jane.id, 95, "Hoodie", station="desk", now=T0)

    assert (result.outcome, result.balance, result.points) == (Outcome.REDEEMED, 5, -95)
    spent = session.query(Loyalty).filter(Loyalty.points < 0).order_by(Loyalty.points).all()
    assert [(r.points, r.expires_at, r.reward) for r in spent] == [
        (-90, soon, "Hoodie"),
        (-5, later, "Hoodie"),
    ]
    # After the first award would have expired, the balance is still what is left, not negative.
    assert loyalty.balance(session, jane.id, T0 + timedelta(days=20)) == 5
    assert loyalty.balance(session, jane.id, T0 + timedelta(days=200)) == 0


def test_redeem_validation(session):
    jane = make_patron(session)
    for points, reward, field in [(0, "Mug", "points"), (-3, "Mug", "points"), (5, "  ", "reward")]:
        with pytest.raises(ValidationError) as info:
            loyalty.redeem(session, jane.id, points, reward, station="desk", now=T0)
        assert field in info.value.errors
    assert count(session, Loyalty) == 0


def test_patron_status(session):
    jane = make_patron(session)
    add_points(session, jane, 495)
    for i in range(7):
        event = make_event(session, name=f"Service {i}", start=T0 + timedelta(i))
        check_in(session, event.id, jane.id, station="s", method="scan", now=T0 + timedelta(i))
    status = loyalty.patron_status(session, jane.id, now=T0 + timedelta(days=10))
    assert status.balance == 565 and status.tier == "gold"
    assert (status.next_tier, status.points_to_next_tier) == ("platinum", 435)
    assert [v.event.name for v in status.visits] == [f"Service {i}" for i in (6, 5, 4, 3, 2)]
    data = status.to_json()
    assert data["balance"] == 565 and data["nextTier"] == "platinum"
    assert data["visits"][0]["checkInTime"] == (T0 + timedelta(days=6)).isoformat()

    with pytest.raises(ValidationError):
        loyalty.patron_status(session, make_event(session).id)  # not a patron's id


def test_settings_typed_and_generic(session):
    assert settings.get_setting(session, settings.POINTS_PER_VISIT) == 10
    assert settings.undo_window_seconds(session) == 60
    assert settings.get_setting(session, settings.POINTS_EXPIRY_DAYS) == 365

    assert settings.set_setting(session, settings.POINTS_PER_VISIT, "15") == 15
    assert settings.get_setting(session, settings.POINTS_PER_VISIT) == 15
    assert settings.set_setting(session, settings.POINTS_EXPIRY_DAYS, None) is None
    assert settings.get_text(session, settings.POINTS_EXPIRY_DAYS) == "none"
    for key, bad in [
        (settings.POINTS_PER_VISIT, "ten"),
        (settings.POINTS_PER_VISIT, -1),
        (settings.UNDO_WINDOW_SECONDS, 10**9),
        ("no_such_key", 1),
    ]:
        with pytest.raises(ValidationError):
            settings.set_setting(session, key, bad)

    settings.set_text(session, "admin_pin_hash", "scrypt$abc")
    assert settings.get_text(session, "admin_pin_hash") == "scrypt$abc"
    settings.set_text(session, "admin_pin_hash", "scrypt$def")
    assert settings.get_text(session, "admin_pin_hash") == "scrypt$def"
    settings.delete(session, "admin_pin_hash")
    assert settings.get_text(session, "admin_pin_hash", "unset") == "unset"

    # A hand-edited bad value must not stop the door: the default applies.
    session.get(Setting, settings.POINTS_PER_VISIT).value = "lots"
    session.flush()
    assert settings.get_setting(session, settings.POINTS_PER_VISIT) == 10
