"""The Admin tab lists a patron's secondary contacts and passes (issues 13 and 15) and opens
them like any other table; a contact typed in the grid is checked like a patron's own."""

from __future__ import annotations

import pytest

from app.checkin.outcomes import PatronRef
from app.passes.store import current_pass
from db.models import PatronContact
from tests.admin_data import small_world
from ui.admin.tab import AdminTab
from ui.worker import DbWorker


@pytest.fixture
def tab(qtbot, sessions, engine, session):
    people, _events = small_world(session)
    current_pass(session, PatronRef(people[0], "John", "Doe"))
    session.add(PatronContact(patron_id=people[0], kind="email", label="work", value="jd@work.example", search_key="x"))  # fmt: skip
    session.commit()
    worker = DbWorker(sessions)
    tab = AdminTab(worker, engine, engine.url, "desk-1")
    qtbot.addWidget(tab)
    tab.resize(1300, 700)
    with qtbot.waitSignal(tab.browser.model.first_page_loaded, timeout=10000):
        tab.show()
    yield tab
    tab.shutdown()
    worker.shutdown()


def _row_of(tab, title: str) -> int:
    for row in range(tab.table_list.count()):
        if tab.table_list.item(row).text().split("  ")[0].strip() == title:
            return row
    raise AssertionError(f"{title} is not in the table list")


@pytest.mark.parametrize(("title", "table", "value"), [
    ("Contacts", "patron_contacts", "jd@work.example"),
    ("Passes", "patron_passes", None),
])  # fmt: skip
def test_contacts_and_passes_open_from_the_table_list(qtbot, tab, title, table, value):
    with qtbot.waitSignal(tab.browser.model.first_page_loaded, timeout=10000):
        tab.table_list.setCurrentRow(_row_of(tab, title))
    assert tab.browser.title.text() == title and tab.browser.view.table == table
    qtbot.waitUntil(lambda: tab.browser.model.rowCount() == 1, timeout=10000)
    if value is not None:
        assert value in tab.browser.model.row_values(0)
