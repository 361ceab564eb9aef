"""Admin editors: the searchable foreign-key picker, date-times in local time, the add-row form."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from app.admin.catalogue import table_info
from db.models import AuditLog, Loyalty
from tests.admin_data import small_world
from ui.admin.editors import ReferencePicker, from_qdatetime, to_qdatetime
from ui.admin.row_form import RowForm


@pytest.fixture
def world(session):
    return small_world(session)




def test_picker_offers_matches_and_returns_the_chosen_id(qtbot, worker, world):
    people, _events = world
    picker = ReferencePicker(worker, "users")
    qtbot.addWidget(picker)
    picker.show()
    qtbot.keyClicks(picker.lineEdit(), "john@")
    qtbot.waitUntil(lambda: picker.count() == 1, timeout=5000)
    picker.hidePopup()
    assert picker.itemText(0) == "John Doe <john@example.com>"
    picker.activated.emit(0)
    assert picker.value() == people[0]


def test_datetimes_round_trip_through_the_local_time_editor():
    moment = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # a daylight-saving night in Europe
    assert from_qdatetime(to_qdatetime(moment)) == moment


def test_add_row_form_validates_then_inserts_and_logs(qtbot, worker, session, world):
    people, _events = world
    form = RowForm(worker, table_info("loyalty"), "desk-1")
    qtbot.addWidget(form)
    form.show()
    description, _getter = form.editors["description"]
    points, _getter = form.editors["points"]
    qtbot.keyClicks(points, "many")
    form._on_save_clicked()
    assert "whole number" in form.message.text()
    points.clear()
    qtbot.keyClicks(points, "15")
    form._on_save_clicked()  # no patron, no description: refused field by field
    qtbot.waitUntil(lambda: form.errors["patronId"].isVisible(), timeout=5000)
    assert form.errors["description"].isVisible()
    picker, _getter = form.editors["patronId"]
    picker.start(people[0], "John Doe")
    qtbot.keyClicks(description, "Welcome gift")
    with qtbot.waitSignal(form.accepted, timeout=5000):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    session.rollback()
    row = session.get(Loyalty, form.inserted_key)
    assert (row.patron_id, row.points, row.description) == (people[0], 15, "Welcome gift")
    actions = session.scalars(select(AuditLog.action).where(AuditLog.method == "admin")).all()
    assert actions == ["admin_insert"]


def test_foreign_key_cell_edit_stages_the_id_and_shows_the_label(qtbot, worker, world):
    from app.admin.view import View
    from ui.admin.editors import CellDelegate
    from ui.admin.sources import TableSource
    from ui.admin.table_model import AdminTableModel

    people, _events = world
    model = AdminTableModel()
    with qtbot.waitSignal(model.first_page_loaded, timeout=5000):
        model.set_source(TableSource(worker, View("events", sort="name")))
    qtbot.waitUntil(lambda: model.rowCount() == 4, timeout=5000)
    host = model.index(0, table_info("events").index_of("hostId"))
    delegate = CellDelegate(worker)
    picker = delegate.createEditor(None, None, host)
    qtbot.addWidget(picker)
    picker.addItem("First000005 Last000005 <person000005@example.com>", people[5])
    picker.setCurrentIndex(picker.count() - 1)
    picker.activated.emit(picker.count() - 1)
    delegate.setModelData(picker, model, host)
    assert model.data(host, Qt.ItemDataRole.EditRole) == people[5]
    assert model.data(host) == "First000005 Last000005 <person000005@example.com>"
    assert model.staged_edits()[0].changes == {"hostId": people[5]}
