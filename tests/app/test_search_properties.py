"""Property tests: no input crashes search, it never returns more than 20, and SQL's special
characters are only characters. Each example runs on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.search import MAX_RESULTS, _plan, search_patrons
from db.models import User
from db.search_fold import patron_keys

# Function-scoped fixtures are fine here: every example leaves the database as it found it.
PROPERTY = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
META = "%_'\";\\[]*?.-@ "
tricky_text = st.text(alphabet=st.sampled_from(list(META + "abAÉéß0123")), min_size=0, max_size=12)


@pytest.fixture
def crowd(session):
    patrons = [
        User(first_name=f"Sam{n}", last_name="Lee", email=f"sam{n}@example.com", phone=f"555{n:04}")
        for n in range(25)
    ]
    patrons += [
        User(first_name="Per%cent", last_name="Under_score", email="100%_x@example.com"),
        User(first_name="Back\\slash", last_name="O'Quote", email="q'uote@example.com"),
        User(first_name="José", last_name="Müller", email="jm@example.com", phone="+1 555 0000"),
    ]
    session.add_all(patrons)
    session.commit()
    return patrons


def expected_ids(patrons, query):
    """What the index should answer, computed the slow way in Python."""
    plan = _plan(query.strip())
    found = set()
    for user in patrons:
        if plan.code == user.id:
            found.add(user.id)
        for kind, key in patron_keys(user.first_name, user.last_name, user.email, user.phone):
            if kind in plan.queries and key.startswith(plan.queries[kind]):
                found.add(user.id)
    return found


@PROPERTY
@given(query=st.text(max_size=60), limit=st.integers(min_value=-5, max_value=100))
def test_any_text_is_answered_without_error(session, crowd, query, limit):
    matches = search_patrons(session, query, limit=limit)
    assert len(matches) <= min(max(limit, 0), MAX_RESULTS)
    assert len({m.id for m in matches}) == len(matches)
    if len(query.strip()) < 2:
        assert matches == []


@PROPERTY
@given(query=tricky_text)
def test_results_are_exactly_the_literal_prefix_matches(session, crowd, query):
    matches = search_patrons(session, query)
    expected = expected_ids(crowd, query) if len(query.strip()) >= 2 else set()
    if len(expected) <= MAX_RESULTS:
        assert {m.id for m in matches} == expected
    else:
        assert len(matches) == MAX_RESULTS and {m.id for m in matches} <= expected


@PROPERTY
@given(first=tricky_text.filter(lambda s: s.strip()), last=tricky_text)
def test_a_patron_is_found_by_their_own_name_and_email(session, first, last):
    user = User(first_name=first, last_name=last, email=f"{first}{last}@example.com".strip())
    session.add(user)
    session.flush()
    try:
        for query in (f"{first} {last}", user.email):
            if len(query.strip()) >= 2 and user.id in expected_ids([user], query):
                assert user.id in [m.id for m in search_patrons(session, query)]
    finally:
        session.rollback()
