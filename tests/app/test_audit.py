"""Every door action and every refusal leaves one audit row saying who, where, how and what."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from app import audit
from app.checkin.actions import check_in, check_out, register, undo_check_in
from app.checkin.identify import MAX_LOGGED_CODE, loggable_code
from app.errors import ValidationError
from db.models import AuditLog
from tests.app.checkin_support import T0, audit_rows, count, make_event, make_patron


def test_every_action_and_refusal_is_logged(session):
    event = make_event(session, capacity=1)
    jane = make_patron(session)
    bob = make_patron(session, "Bob", "Roe")
    steps = [
        (register, jane, "register", "registered"),
        (register, jane, "register", "already_registered"),
        (check_in, jane, "check_in", "checked_in"),
        (check_in, jane, "check_in", "already_checked_in"),
        (check_in, bob, "check_in", "event_full"),
        (check_out, bob, "check_out", "not_checked_in"),
        (check_out, jane, "check_out", "checked_out"),
        (check_out, jane, "check_out", "already_checked_out"),
        (check_in, jane, "check_in", "re_entered"),
    ]
    for i, (use_case, patron, _action, _outcome) in enumerate(steps):
        now = T0 + timedelta(seconds=i)
        use_case(session, event.id, patron.id, station="door-2", method="search", now=now)
    undo_check_in(session, event.id, jane.id, station="door-1", now=T0 + timedelta(seconds=20))
    undo_check_in(session, event.id, jane.id, station="door-2", now=T0 + timedelta(seconds=21))

    rows = audit_rows(session)
    expected = [(a, o) for _, _, a, o in steps] + [
        ("undo", "undo_not_allowed"),
        ("undo", "undone"),
    ]
    assert [(r.action, r.outcome) for r in rows] == expected
    assert all(r.event_id == event.id for r in rows)
    assert [r.patron_id for r in rows[:4]] == [jane.id] * 4 and rows[4].patron_id == bob.id
    assert {r.method for r in rows[:9]} == {"search"} and rows[-1].method == "scan"
    assert [r.station for r in rows[-2:]] == ["door-1", "door-2"]
    assert rows[2].created_at == T0 + timedelta(seconds=2)


def test_check_in_detail_holds_what_undo_needs(session):
    event = make_event(session)
    jane = make_patron(session)
    check_in(session, event.id, jane.id, station="s", method="scan", now=T0)
    [row] = audit_rows(session)
    detail = json.loads(row.detail)
    assert detail["previous"] is None and detail["points"] == 10 and detail["loyalty_id"]
    assert audit.detail_of(row) == detail


def test_unknown_codes_are_logged_cleaned_and_truncated(session):
    event = make_event(session)
    typed = "\x1b[31mbad\x00code\x07" + "9" * 500
    check_in(session, event.id, typed, station="s", method="scan", now=T0)
    [row] = audit_rows(session, outcome="not_found")
    assert row.patron_id is None and row.event_id == event.id
    assert row.code.startswith("[31mbadcode999") and row.code.endswith("…")
    assert len(row.code) == MAX_LOGGED_CODE
    assert all(ch.isprintable() for ch in row.code)


def test_missing_event_is_logged_without_a_link(session):
    check_in(
        session, "00000000-0000-4000-8000-000000000000", "x", station="s", method="cli", now=T0
    )
    [row] = audit_rows(session)
    assert row.outcome == "event_not_found" and row.event_id is None


def test_loggable_code():
    assert loggable_code(None) == ""
    assert loggable_code("  abc \r\n") == "abc"
    assert loggable_code("tab\there") == "tabhere"


def test_station_and_method_are_checked(session):
    event = make_event(session)
    with pytest.raises(ValidationError):
        check_in(session, event.id, "x", station=" \t ", method="scan")
    with pytest.raises(ValueError):
        check_in(session, event.id, "x", station="s", method="carrier pigeon")
    assert count(session, AuditLog) == 0
    row_id = audit.write(session, station="s" * 500, method="admin", action="a", outcome="o")
    row = session.get(AuditLog, row_id)
    assert len(row.station) == audit.MAX_STATION_LENGTH


def test_recent_filters(session):
    first = make_event(session)
    second = make_event(session, name="Youth Night")
    jane = make_patron(session)
    check_in(session, first.id, jane.id, station="a", method="scan", now=T0)
    check_in(session, second.id, jane.id, station="b", method="scan", now=T0 + timedelta(1))
    assert [r.station for r in audit.recent(session)] == ["b", "a"]
    assert [r.station for r in audit.recent(session, station="a")] == ["a"]
    assert [r.event_id for r in audit.recent(session, event_id=second.id)] == [second.id]
