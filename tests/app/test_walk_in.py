"""Walk-in: validation of what people type, reuse by email, then check-in; plus properties."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.checkin.outcomes import Outcome
from app.checkin.validation import clean_email, clean_name, clean_phone, validate_walk_in
from app.checkin.walk_in import walk_in
from app.errors import ValidationError
from db.models import User
from tests.app.checkin_support import (
    T0,
    audit_rows,
    count,
    make_event,
    make_patron,
    table_counts,
)

SQL_NASTIES = [
    "Robert'); DROP TABLE users;--",
    'O"Brien',
    "100% _sure_ \\ ok",
    "'; SELECT pg_sleep(10); --",
    "x' OR '1'='1",
]


# -- validation (pure) --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "email",
    [
        "jane@example.com",
        "  Jane.Doe+church@Example.ORG ",
        "o'brien@mail.example.co.uk",
        "a@b.io",
        "x_y-z@sub-domain.example.xn--p1ai",
    ],
)
def test_valid_emails(email):
    assert clean_email(email) == email.strip().lower()


@pytest.mark.parametrize(
    "email",
    [
        "",
        "jane",
        "jane@",
        "@example.com",
        "jane@example",
        "jane@@example.com",
        "jane@exa mple.com",
        "jane..doe@example.com",
        ".jane@example.com",
        "jane@-example.com",
        "jane@example.c",
        "jane@example.123",
        "a" * 65 + "@example.com",
        "jane@" + "a" * 250 + ".com",
        "jané@example.com",
        "jane@exam\x00ple.com",
        None,
    ],
)
def test_invalid_emails(email):
    with pytest.raises(ValueError):
        clean_email(email)


@pytest.mark.parametrize(
    ("phone", "stored"),
    [
        ("+1 (555) 123-4567", "+1 (555) 123-4567"),
        ("555.123.4567", "555.123.4567"),
        ("  0612345678 ", "0612345678"),
        ("1234567", "1234567"),
        ("123456789012345", "123456789012345"),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_valid_phones(phone, stored):
    assert clean_phone(phone) == stored


@pytest.mark.parametrize(
    "phone",
    ["123456", "1234567890123456", "555-CALL-NOW", "12345678 ext 9", "1+2345678", "½1234567"],
)
def test_invalid_phones(phone):
    with pytest.raises(ValueError):
        clean_phone(phone)


def test_names():
    assert clean_name("  Mary   Ann ") == "Mary Ann"
    assert clean_name("José") == "José"
    assert clean_name("x" * 100) == "x" * 100
    for bad in ("", "   ", "x" * 101, "Jane\x00", "Ja\x1bne", "Jane\u2028Doe", None, 42):
        with pytest.raises(ValueError):
            clean_name(bad)


def test_validation_reports_every_bad_field():
    with pytest.raises(ValidationError) as info:
        validate_walk_in("", "x" * 101, "not-an-email", "12")
    assert set(info.value.errors) == {"first_name", "last_name", "email", "phone"}
    assert info.value.errors["first_name"] == "First name is required."


# -- walk-in against the database ---------------------------------------------------------------


def test_walk_in_creates_and_checks_in(session):
    event = make_event(session)
    result = walk_in(
        session,
        event.id,
        " Ana ",
        " Lima ",
        " Ana@Example.com ",
        "+55 11 91234-5678",
        station="kiosk-1",
        now=T0,
    )
    assert result.outcome is Outcome.CHECKED_IN and not result.existing_patron
    assert result.message == "Welcome, Ana!" and result.points == 10
    ana = session.get(User, result.patron.id)
    assert (ana.first_name, ana.last_name, ana.email, ana.phone) == (
        "Ana",
        "Lima",
        "ana@example.com",
        "+55 11 91234-5678",
    )
    [entry] = audit_rows(session, patron_id=ana.id)
    assert (entry.method, entry.action, entry.outcome) == ("walk_in", "check_in", "checked_in")


def test_walk_in_with_a_known_email_reuses_the_patron(session):
    event = make_event(session)
    jane = make_patron(session, email="jane@example.com")
    users = count(session, User)
    result = walk_in(session, event.id, "Janet", "D", "JANE@example.COM", None, station="k", now=T0)
    assert result.outcome is Outcome.CHECKED_IN and result.existing_patron
    assert result.patron.id == jane.id and result.patron.first_name == "Jane"
    assert "already had a pass" in result.message
    assert count(session, User) == users

    again = walk_in(session, event.id, "Jane", "Doe", "jane@example.com", None, station="k", now=T0)
    assert again.outcome is Outcome.ALREADY_CHECKED_IN and again.existing_patron


def test_invalid_walk_in_changes_nothing(session):
    event = make_event(session)
    before = table_counts(session)
    with pytest.raises(ValidationError) as info:
        walk_in(session, event.id, "Ana", "", "ana@example", "12", station="k", now=T0)
    assert set(info.value.errors) == {"last_name", "email", "phone"}
    assert table_counts(session) == before


def test_walk_in_refused_before_creating_anyone(session):
    for status, capacity, expected in [
        ("completed", None, Outcome.EVENT_NOT_OPEN),
        ("scheduled", 0, Outcome.EVENT_FULL),
    ]:
        event = make_event(session, status=status, capacity=capacity)
        users = count(session, User)
        result = walk_in(
            session, event.id, "Ana", "Lima", "ana@example.com", None, station="k", now=T0
        )
        assert result.outcome is expected and result.patron is None
        assert count(session, User) == users
        [entry] = audit_rows(session, outcome=expected.value)
        assert entry.method == "walk_in" and entry.code == "ana@example.com"


def test_sql_metacharacters_are_just_characters(session):
    event = make_event(session)
    for i, nasty in enumerate(SQL_NASTIES):
        email = f"o'brien+{i}@example.com"
        result = walk_in(session, event.id, nasty, nasty, email, None, station="k", now=T0)
        assert result.outcome is Outcome.CHECKED_IN
        stored = session.get(User, result.patron.id)
        assert stored.first_name == " ".join(nasty.split()) and stored.email == email
    assert count(session, User) >= len(SQL_NASTIES)


# -- properties ---------------------------------------------------------------------------------

_names = st.one_of(
    st.text(max_size=120),
    st.sampled_from(SQL_NASTIES + ["José", "  Mary  Ann ", "Zoë", "李", ""]),
)
_emails = st.one_of(
    st.emails(),
    st.text(max_size=60),
    st.sampled_from(["a'b@example.com", "x@y.z", "%@example.com", "jane@example.com"]),
)
_phones = st.one_of(
    st.none(), st.text(alphabet="0123456789 +()-.x", max_size=25), st.text(max_size=20)
)


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(first=_names, last=_names, email=_emails, phone=_phones)
def test_walk_in_never_crashes(sessions, first, last, email, phone):
    # Function-scoped fixtures are not reset between examples: each example uses its own
    # session and rolls back, so the database is the same for every example.
    with sessions() as session:
        event = make_event(session)
        before = table_counts(session)
        try:
            result = walk_in(session, event.id, first, last, email, phone, station="k", now=T0)
        except ValidationError as exc:
            assert exc.errors and set(exc.errors) <= {"first_name", "last_name", "email", "phone"}
            assert all(isinstance(m, str) and m for m in exc.errors.values())
            assert table_counts(session) == before
        else:
            assert result.outcome is Outcome.CHECKED_IN
            stored = session.get(User, result.patron.id)
            assert stored.first_name == " ".join(first.split())
            assert stored.last_name == " ".join(last.split())
            assert stored.email == email.strip().lower()
        session.rollback()
