"""Member lists as people have them (issue 15): one sample file per layout, written by hand
with its quirks, and the people each must produce worked out by hand. Both backends."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from app.search import search_patrons
from app.transfer import (
    apply_import,
    export_statement,
    plan_import,
    read_patron_csv,
    table_statement,
)
from db.models import PatronContact, User
from db.session import unit_of_work

SAMPLES = Path(__file__).parent / "samples"
HOUSEHOLD = "household"

# file -> (layout, people, rejected rows, warned rows). A person: (first, last, email or None
# for "no email of their own", phone, {(kind, label, value) secondary contacts}).
EXPECTED = {
    "planning_center.csv": (
        "a Planning Center People export",
        [
            ("Bob", "Miller", "bob.miller@example.org", "555-201-0001",
             {("email", "work", "bob@work.example.com"), ("phone", "home", "555-201-0100")}),
            ("Susan", "Miller", None, "555-201-0002",
             {("email", HOUSEHOLD, "bob.miller@example.org"), ("phone", "home", "555-201-0100")}),
            ("Timmy", "Miller", None, "555-201-0100",
             {("email", HOUSEHOLD, "bob.miller@example.org")}),
            ("Margaret", "O'Neil", None, None, set()),  # Given Name used: First Name is empty
        ],
        {6: "needs a first/last name"},  # row 3's note spans two lines: still row numbers
        {},
    ),
    "breeze.csv": (
        "a Breeze export",
        [
            ("Anna", "Schmidt", "anna@example.org", "(555) 301-0001", set()),
            ("Paul", "Schmidt", None, "(555) 301-0100", {("email", HOUSEHOLD, "anna@example.org")}),
            ("Lea", "Schmidt", None, None, set()),
        ],
        {5: "duplicate: the same person as row 2"},
        {},
    ),
    "ccb.csv": (
        "a Church Community Builder export",
        [
            ("James", "Okafor", "james.okafor@example.org", "555.401.0001",
             {("phone", "home", "555.401.0100")}),
            ("Grace", "Okafor", None, "555.401.0002", {("phone", "home", "555.401.0100")}),
            ("Ebere", "Okafor", None, None, set()),
        ],
        {},
        {},
    ),
    "google_current.csv": (
        "a Google Contacts export (current layout)",
        [
            ("Łukasz", "Nowak", "lukasz@example.pl", "+48 600 100 200",
             {("email", "home", "lukasz.nowak@example.com"), ("phone", "home", "+48 22 100 200")}),
            ("Maria", "García", "maria.garcia@example.es", "+34 91 123 4567", set()),
        ],
        {},
        {3: ["bad email '/o=ExchangeLabs/ou=Exchange Administrative Group/cn=Recip...'; dropped"]},
    ),
    "google_old.csv": (
        "a Google Contacts export (old layout)",
        [
            ("Peter", "Brown", "peter.brown@example.com", "+1 555 501 0001", set()),
            ("Ann", "Lee", "ann.lee@example.com", None, set()),  # from the Name column
        ],
        {},
        {},
    ),
    "outlook.csv": (
        "an Outlook contacts export",
        [
            ("Olivia", "Hart", "olivia.hart@example.com", "555-601-0001",
             {("phone", "home", "555-601-0100"), ("phone", "work", "555-601-0200")}),
            ("Noah", "Reed", "noah@example.com", None, set()),
        ],
        {},
        {3: ["phone '1.21755E+10' was turned into a number by a spreadsheet (digits are lost); "
             "dropped"]},
    ),
    "mailchimp.csv": (
        "a Mailchimp audience export",
        [("Kim", "Park", "kim@example.com", None, set())],
        {2: "needs a first/last name"},
        {3: ["phone 'N/A' is a placeholder; ignored"]},
    ),
    "eventbrite.csv": (
        "an Eventbrite attendee list",
        [
            ("Sam", "Carter", "sam@example.com", "555-801-0001", set()),
            ("Info Requested", "Info Requested", None, None,
             {("email", HOUSEHOLD, "sam@example.com")}),
            ("Rita", "Gomez", "rita@example.com", None, set()),
        ],
        {},
        {
            3: ["name 'Info Requested' is a placeholder, not a name"],
            4: ["marked 'Refunded' by the source"],
        },
    ),
    "icloud.csv": (
        "an iCloud contacts list (vCard converted)",
        [
            ("Chloé", "Dubois", "chloe@example.fr", "+33 6 12 34 56 78",
             {("email", "home", "chloe.perso@example.fr"), ("phone", "home", "+33 1 23 45 67 89")}),
        ],
        {},
        {},
    ),
    "german.csv": (
        "a spreadsheet with German column names",
        [
            ("Jürgen", "Weiß", "juergen@example.de", "0151 3970856",
             {("phone", "other", "030 1234567")}),
            ("?ukasz", "Kowalski", "lukasz.k@example.de", None, set()),
        ],
        {},
        {3: ["name '?ukasz' may have lost letters (encoding damage)"]},
    ),
    "french.csv": (
        "a spreadsheet with French column names",
        [
            ("Hélène", "Martin", "helene@example.fr", "06 11 22 33 44",
             {("phone", "home", "01 22 33 44 55")}),
            ("Émile", "Martin", None, "01 22 33 44 55", set()),
        ],
        {},
        {},
    ),
    "spanish.csv": (
        "a spreadsheet with Spanish column names",
        [("José", "Fernández López", "josé@example.es", "+34 600 111 222", set())],
        {},
        {},
    ),
    "phone_list.csv": (
        "a member list without an email column",
        [
            ("Jane", "Smith", None, "555-901-0001", set()),
            ("John", "Smith", None, "555-901-0001", set()),
        ],
        {4: "needs a first/last name"},
        {},
    ),
    "windows_address_book.csv": (
        "a Windows address book",
        [
            ("Mary Ann", "van der Berg", "mary@example.nl", None, set()),
            ("Tom", "Jones", None, None, set()),
        ],
        {},
        {},
    ),
    "utf16_no_bom.txt": (
        "a member list",
        [("Ann", "Lee", "ann@example.com", None, set())],
        {},
        {},
    ),
}  # fmt: skip


def _people(session) -> list[tuple]:
    contacts: dict = {}
    for c in session.scalars(select(PatronContact)):
        contacts.setdefault(c.patron_id, set()).add((c.kind, c.label, c.value))
    return sorted(
        (
            u.first_name,
            u.last_name,
            None if u.email.endswith("@no-email.invalid") else u.email,
            u.phone,
            contacts.get(u.id, set()),
        )
        for u in session.scalars(select(User))
    )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_file_gives_the_people_worked_out_by_hand(sessions, name):
    layout, people, rejected, warned = EXPECTED[name]
    file = read_patron_csv(SAMPLES / name)
    assert file.layout == layout
    with unit_of_work(sessions, write=False) as session:
        plan = plan_import(session, file)
    assert {r.line: r.reason for r in plan.rejected} == rejected
    warnings: dict[int, list[str]] = {}
    for w in plan.warnings:
        warnings.setdefault(w.line, []).append(w.message)
    assert warnings == warned
    with unit_of_work(sessions) as session:
        result = apply_import(session, file, station="office")
    assert result.inserted == len(people)
    with sessions() as session:
        assert _people(session) == sorted(people)
    # Re-importing the same file adds nobody and no contact (no-email people by name+phone).
    with unit_of_work(sessions) as session:
        again = apply_import(session, file, station="office")
    assert (again.inserted, again.updated, again.plan.counts["contacts"]) == (0, 0, 0)
    assert again.plan.unchanged == len(people)
    with sessions() as session:
        assert _people(session) == sorted(people)


def test_door_finds_the_household_and_the_child_by_the_parents_email(sessions):
    with unit_of_work(sessions) as session:
        apply_import(session, read_patron_csv(SAMPLES / "planning_center.csv"), station="s")
    with sessions() as session:
        hits = search_patrons(session, "bob.miller@example.org")
        assert sorted(h.first_name for h in hits) == ["Bob", "Susan", "Timmy"]
        assert all(h.matched_by == "email" for h in hits)
        masked = {h.first_name: h.masked_email for h in hits}
        assert masked == {"Bob": "b***@example.org", "Susan": "no email", "Timmy": "no email"}
        assert all(h.email is None for h in hits)  # masked like the rest
        # A prefix of the shared address, and a secondary phone's last digits, find them too.
        assert {h.first_name for h in search_patrons(session, "bob.mil")} == {
            "Bob",
            "Susan",
            "Timmy",
        }
        assert {h.first_name for h in search_patrons(session, "0100")} == {"Bob", "Susan", "Timmy"}
        assert [h.first_name for h in search_patrons(session, "bob@work")] == ["Bob"]


def test_export_then_import_adds_nothing(sessions):
    with unit_of_work(sessions) as session:
        for name in ("planning_center.csv", "phone_list.csv", "eventbrite.csv"):
            apply_import(session, read_patron_csv(SAMPLES / name), station="s")
    out = io.StringIO()
    with sessions() as session:
        export_statement(session, table_statement("users"), out, "csv", bom=True)
        before = _people(session)
    again = read_patron_csv(out.getvalue().encode("utf-8"))
    with unit_of_work(sessions) as session:
        result = apply_import(session, again, station="s")
    assert (result.inserted, result.updated) == (0, 0)
    with sessions() as session:
        assert _people(session) == before


def test_two_people_of_one_name_without_email_match_with_a_warning(sessions):
    data = b"first,last\nAnn,Lee\n"
    with unit_of_work(sessions) as session:
        apply_import(session, read_patron_csv(b"first,last,phone\nAnn,Lee,5550001\n"), station="s")
        apply_import(session, read_patron_csv(b"first,last,phone\nAnn,Lee,5550002\n"), station="s")
    with sessions() as session:
        plan = plan_import(session, read_patron_csv(data))
    assert (plan.counts["new"], plan.unchanged) == (0, 1)
    assert [w.message for w in plan.warnings] == [
        "2 patrons without an email are named Ann Lee; this row was matched to the first of them"
    ]


def test_explicit_map_still_overrides_the_recognized_layout(sessions):
    file = read_patron_csv(SAMPLES / "outlook.csv", {"Business Phone": "phone", "Pager": ""})
    assert file.mapping["Mobile Phone"] == ""  # the chosen column takes the field
    with unit_of_work(sessions, write=False) as session:
        plan = plan_import(session, file)
    assert [row.phone for row in plan.new] == ["555-601-0200", None]
