"""Pass codes at the door: issue, resolve, reissue (old code refused, audited)."""

from __future__ import annotations

from datetime import timedelta

from app import loyalty
from app.checkin import actions as checkin
from app.checkin.identify import identify
from app.checkin.outcomes import Outcome
from app.passes import store
from app.passes.codes import MAX_CODE_LENGTH, new_code, parse_pass_code
from db.models import PatronPass
from db.types import utcnow
from tests.app.checkin_support import T0, audit_rows, count, make_event, make_patron


def test_codes_read_forgivingly_and_stay_short():
    code = new_code()
    assert len(code) <= MAX_CODE_LENGTH and parse_pass_code(code) == code
    assert parse_pass_code(f"  {code.lower().replace('-', ' ')} ") == code
    assert parse_pass_code("cp-0o1il-abcde") == "CP-00111-ABCDE"
    for text in ("", "CP-", "XX-12345-67890", "CP-12345-6789U", "jane@example.com", None, 7):
        assert parse_pass_code(text) is None


def test_a_patron_gets_one_pass_that_checks_them_in(session):
    event = make_event(session, start=utcnow())
    jane = loyalty.patron_ref(make_patron(session))
    issued = store.current_pass(session, jane)
    assert store.current_pass(session, jane).code == issued.code  # issued once
    assert count(session, PatronPass) == 1
    assert identify(session, issued.code.lower()) == jane
    result = checkin.check_in(session, event.id, issued.code, station="north", method="scan")
    assert result.outcome is Outcome.CHECKED_IN and result.patron == jane
    # the id still works, for passes the web service issued
    assert identify(session, str(jane.id)) == jane


def test_a_batch_issues_only_the_missing_passes_in_order(session):
    people = [loyalty.patron_ref(make_patron(session, f"P{i}", "Q")) for i in range(5)]
    first = store.current_pass(session, people[2])
    batch = store.current_passes(session, people)
    assert [p.patron for p in batch] == people
    assert batch[2].code == first.code
    assert len({p.code for p in batch}) == 5 and count(session, PatronPass) == 5


def test_a_reissued_pass_is_refused_and_the_reissue_audited(session):
    event = make_event(session)  # T0, the time this test's door actions give
    jane = loyalty.patron_ref(make_patron(session))
    old = store.current_pass(session, jane)
    new = store.reissue(session, jane, station="office", method="admin", now=T0)
    assert new.code != old.code and identify(session, old.code) is None
    result = checkin.check_in(
        session, event.id, old.code, station="north", method="scan", now=T0 + timedelta(hours=1)
    )
    assert result.outcome is Outcome.NOT_FOUND
    assert result.message.startswith("This pass was replaced on ") and "2026" in result.message
    (row,) = audit_rows(session, action=store.ACTION_REISSUE)
    assert (row.patron_id, row.code, row.method) == (jane.id, old.code, "admin")
    assert new.code in row.detail
    again = checkin.check_in(
        session, event.id, new.code, station="north", method="scan", now=T0 + timedelta(hours=1)
    )
    assert again.outcome is Outcome.CHECKED_IN


def test_an_unknown_pass_code_is_plainly_not_found(session):
    event = make_event(session, start=utcnow())
    result = checkin.check_in(session, event.id, new_code(), station="north", method="scan")
    assert result.outcome is Outcome.NOT_FOUND and "No pass or email matches" in result.message
