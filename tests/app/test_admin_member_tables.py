"""The data studio's own tables for issues 13 and 15: a patron's secondary contacts (browsed and
edited with the same rules as a patron's own email and phone, the door's search following each
change) and passes (browsed; reissued elsewhere). Both backends."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.admin.catalogue import table_info, tables
from app.admin.edits import EditsRejected, RowEdit, apply_edits, delete_rows, insert_row
from app.admin.paging import fetch_page
from app.admin.view import View
from app.checkin.outcomes import PatronRef
from app.errors import ValidationError
from app.passes.store import current_pass
from app.search import search_patrons
from app.search_upkeep import rebuild_search_keys
from db.models import PatronContact, PatronPass
from db.search_index import contact_key
from db.session import run_in_transaction
from tests.admin_data import small_world


@pytest.fixture
def john(session):
    people, _events = small_world(session)
    rebuild_search_keys(session)  # small_world writes users in bulk, without their search keys
    session.commit()
    return people[0]


def _insert(sessions, values):
    return run_in_transaction(
        sessions, lambda s: insert_row(s, "patron_contacts", values, station="desk")
    )


def test_contacts_and_passes_are_in_the_table_list():
    titles = {t.name: t.title for t in tables()}
    assert titles["patron_contacts"] == "Contacts" and titles["patron_passes"] == "Passes"
    contacts = table_info("patron_contacts")
    assert contacts.column("patronId").references == "users"
    assert contacts.column("kind").choices == ("email", "phone")
    assert "household" in contacts.column("label").choices
    assert not contacts.column("searchKey").editable and not contacts.read_only
    assert table_info("patron_passes").read_only


def test_a_contact_added_in_the_studio_is_cleaned_and_found_at_the_door(sessions, session, john):
    values = {"patronId": john, "kind": "email", "label": "work", "value": " John.D@Work.Example "}
    key = _insert(sessions, values).keys[0]
    session.rollback()
    row = session.get(PatronContact, key)
    assert (row.value, row.search_key) == ("john.d@work.example", contact_key("email", row.value))
    assert [h.id for h in search_patrons(session, "john.d@work")] == [john]


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("email", "not-an-email", "email"),
        ("phone", "call me", "phone"),
        ("phone", "12", "digits"),
        ("email", "a\x00@example.com", "control character"),
        ("fax", "555-0100", "Choose one of"),
    ],
)
def test_an_invalid_contact_is_refused_and_nothing_written(sessions, session, john, kind, value, message):  # fmt: skip
    with pytest.raises(EditsRejected) as caught:
        _insert(sessions, {"patronId": john, "kind": kind, "label": "home", "value": value})
    assert any(message.lower() in m.lower() for m in caught.value.cells.values()), caught.value
    session.rollback()
    assert session.scalars(select(PatronContact)).all() == []


def test_editing_a_contact_keeps_the_search_key_with_the_value(sessions, session, john):
    key = _insert(
        sessions, {"patronId": john, "kind": "phone", "label": "mobile", "value": "555-201-0001"}
    ).keys[0]
    bad = [RowEdit("patron_contacts", key, {"value": "ext. 3"})]
    with pytest.raises(EditsRejected):
        run_in_transaction(sessions, lambda s: apply_edits(s, bad, station="desk"))
    good = [RowEdit("patron_contacts", key, {"value": "+1 555 201 7777"})]
    run_in_transaction(sessions, lambda s: apply_edits(s, good, station="desk"))
    session.rollback()
    row = session.get(PatronContact, key)
    assert row.search_key == contact_key("phone", row.value) and row.value.endswith("7777")
    assert [h.id for h in search_patrons(session, "7777")] == [john]
    with pytest.raises(EditsRejected):  # the same contact twice for one patron
        _insert(sessions, {"patronId": john, "kind": "phone", "label": "home", "value": row.value})
    run_in_transaction(sessions, lambda s: delete_rows(s, "patron_contacts", [key], station="desk"))
    session.rollback()
    assert session.get(PatronContact, key) is None


def test_passes_are_browsed_but_not_edited(sessions, session, john):
    issued = current_pass(session, PatronRef(john, "John", "Doe"))
    session.commit()
    page = fetch_page(session, View("patron_passes"))
    assert [row[table_info("patron_passes").index_of("code")] for row in page.rows] == [issued.code]
    pass_id = session.scalars(select(PatronPass.id)).one()
    with pytest.raises(EditsRejected):
        edit = [RowEdit("patron_passes", pass_id, {"code": "STOLEN"})]
        run_in_transaction(sessions, lambda s: apply_edits(s, edit, station="desk"))
    with pytest.raises(ValidationError):
        run_in_transaction(
            sessions, lambda s: delete_rows(s, "patron_passes", [pass_id], station="desk")
        )


def test_the_console_reads_contacts_and_passes(engine, session, john):
    from app.admin.console import ReadOnlyConsole

    current_pass(session, PatronRef(john, "John", "Doe"))
    session.commit()
    console = ReadOnlyConsole(engine, timeout_s=10)
    assert console.run("select count(*) from patron_passes").rows == [(1,)]
    assert console.run("select count(*) from patron_contacts").rows == [(0,)]
