"""Browsing through the admin data service: keyset pages, sort, filters, labels, counts."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from app.admin.catalogue import HIDDEN_TEXT, table_info, tables
from app.admin.counts import AT_LEAST, EXACT, capped_count, exact_count, quick_count
from app.admin.labels import fk_labels
from app.admin.paging import fetch_near, fetch_page
from app.admin.related import referenced_view, related_links
from app.admin.view import (
    CONTAINS,
    EQUALS,
    IS_NULL,
    NOT_NULL,
    RANGE,
    Filter,
    View,
    rows_in_view_order,
)
from app.errors import ValidationError
from db.models import Setting
from tests.admin_data import T0, small_world


@pytest.fixture
def world(session):
    return small_world(session)


def _filtered(view: View, flt: Filter) -> View:
    return replace(view, filters=(*view.filters, flt))


def _walk(session, view, limit):
    rows, key = [], None
    while True:
        page = fetch_page(session, view, after=key, limit=limit, with_labels=False)
        rows += page.rows
        if page.reached_boundary:
            return rows
        key = view.key_of(page.rows[-1])


def _walk_back(session, view, limit):
    rows, page = [], fetch_page(session, view, from_end=True, limit=limit, with_labels=False)
    while True:
        rows = page.rows + rows
        if page.reached_boundary:
            return rows
        page = fetch_page(session, view, before=view.key_of(page.rows[0]), limit=limit)


def _python_order(rows, view):
    index = view.info.index_of(view.sort_column)
    pk = view.info.index_of(view.info.primary_key)
    nulls = [r for r in rows if r[index] is None]
    rest = [r for r in rows if r[index] is not None]
    ordered = sorted(rest, key=lambda r: (r[index], str(r[pk]))) + sorted(
        nulls, key=lambda r: str(r[pk])
    )
    return ordered[::-1] if view.descending else ordered


def test_catalogue_describes_every_table():
    names = [t.name for t in tables()]
    assert names == [
        "users", "events", "attendance", "loyalty", "audit_log", "settings",
        "patron_contacts", "patron_passes",
    ]  # fmt: skip
    events = table_info("events")
    assert events.column("hostId").references == "users"
    assert events.column("status").choices[0] == "draft"
    assert events.column("capacity").kind == "integer"
    assert not events.column("id").editable
    assert table_info("audit_log").read_only


ORDERS = [(None, False), (None, True), ("checkInTime", False), ("checkInTime", True)]


def test_keyset_pages_walk_the_whole_view_both_ways(session, world):
    for sort, descending in ORDERS + [("attended", True)]:
        view = View("attendance", sort=sort, descending=descending)
        forwards = _walk(session, view, 7)
        assert len(forwards) == 100
        assert len({r[0] for r in forwards}) == 100
        if sort != "attended":  # equal booleans tie-break on the id's storage order
            assert [r[0] for r in forwards] == [r[0] for r in _python_order(forwards, view)]
        assert _walk_back(session, view, 9) == forwards


def test_seek_to_end_and_middle(session, world):
    view = View("attendance")
    everything = _walk(session, view, 50)
    assert fetch_page(session, view, from_end=True, limit=5).rows == everything[-5:]
    middle = fetch_near(session, view, 0.5, limit=5).rows
    assert len(middle) == 5
    assert 10 < everything.index(middle[0]) < 90  # uuid4 keys are spread evenly
    by_time = View("events", sort="startTime")
    assert fetch_near(session, by_time, 1.0, limit=2).rows[-1][1] == "Event 0003"


def test_filters_and_search(session, world):
    people, events = world
    users = View("users")
    assert (
        len(_walk(session, _filtered(users, Filter("firstName", CONTAINS, "irst00001")), 50)) == 10
    )
    john = _walk(session, _filtered(users, Filter("email", EQUALS, "JOHN@example.com")), 50)
    assert [r[0] for r in john] == [people[0]]
    assert len(_walk(session, _filtered(users, Filter("phone", IS_NULL)), 50)) == 20
    assert len(_walk(session, _filtered(users, Filter("phone", NOT_NULL)), 50)) == 10
    assert len(_walk(session, users.searching("john doe"), 50)) == 1
    assert len(_walk(session, users.searching("50_%"), 50)) == 0  # wildcards are literal
    capacity = _filtered(View("events"), Filter("capacity", RANGE, "101", "102"))
    assert sorted(r[7] for r in _walk(session, capacity, 50)) == [101, 102]
    after = _filtered(View("events"), Filter("startTime", RANGE, T0 + timedelta(days=2), None))
    assert len(_walk(session, after, 50)) == 2
    by_event = _filtered(View("attendance"), Filter("eventId", EQUALS, str(events[0])))
    assert len(_walk(session, by_event, 50)) == 25
    with pytest.raises(ValidationError, match="whole number"):
        fetch_page(session, _filtered(View("events"), Filter("capacity", EQUALS, "lots")))


def test_fk_labels_and_related_rows(session, world):
    people, events = world
    page = fetch_page(session, View("events", sort="name"), limit=1)
    assert page.labels["hostId"] == {people[0]: "John Doe <john@example.com>"}
    attendance = fetch_page(session, View("attendance"), limit=10)
    assert set(attendance.labels) == {"eventId", "patronId"}
    assert all(name.startswith("Event ") for name in attendance.labels["eventId"].values())
    info = table_info("users")
    john_row = fetch_page(session, View("users").searching("john@")).rows[0]
    links = {link.title: link.view for link in related_links("users", john_row)}
    assert len(_walk(session, links["Events hosted"], 50)) == 2
    assert len(_walk(session, links["Loyalty"], 50)) == 6
    assert len(_walk(session, links["Attendance"], 50)) == 4
    target = referenced_view("events", "hostId", people[0])
    assert fetch_page(session, target).rows[0][info.index_of("email")] == "john@example.com"
    assert fk_labels(session, info, [john_row]) == {}


def test_counts_are_capped_estimated_or_exact(session, world):
    assert quick_count(session, "attendance") == capped_count(session, View("attendance"))
    assert quick_count(session, "attendance").kind == EXACT
    assert capped_count(session, View("attendance"), cap=50).kind == AT_LEAST
    assert capped_count(session, View("attendance"), cap=50).text == "≥ 50"
    filtered = _filtered(View("users"), Filter("phone", IS_NULL))
    assert exact_count(session, filtered).value == 20


def test_an_export_of_the_view_has_its_rows_in_the_grid_order(session, world):
    view = _filtered(View("users", sort="email", descending=True), Filter("phone", IS_NULL))
    exported = session.execute(rows_in_view_order(view)).all()
    assert [tuple(r) for r in exported] == [tuple(r) for r in _walk(session, view, 7)]
    assert len(exported) == 20


def test_secret_settings_never_show_their_value(session):
    session.add_all(
        [Setting(key="admin_pin_hash", value="pbkdf2$secret"), Setting(key="points", value="10")]
    )
    session.commit()
    rows = fetch_page(session, View("settings")).rows
    assert dict((r[0], r[1]) for r in rows) == {"admin_pin_hash": HIDDEN_TEXT, "points": "10"}
    leaked = _filtered(View("settings"), Filter("value", CONTAINS, "pbkdf2"))
    assert fetch_page(session, leaked).rows == []
    assert fetch_page(session, View("settings").searching("secret")).rows == []


def test_view_count_estimates_big_filtered_views_on_postgresql(session, world, backend):
    from app.admin.counts import ESTIMATE, view_count

    filtered = _filtered(View("attendance"), Filter("attended", EQUALS, "yes"))
    assert view_count(session, filtered).value == 50
    small_cap = view_count(session, filtered, cap=10)
    if backend == "postgresql":
        assert small_cap.kind == ESTIMATE and small_cap.value >= 11
    else:
        assert small_cap.kind == AT_LEAST and small_cap.value == 10
