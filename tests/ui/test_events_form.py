"""The event form: local date/time editors, host picked by name, inline messages per field."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from sqlalchemy import select

from app.events import Actor, get_event_row
from db.models import Attendance, Event, User
from db.session import unit_of_work
from tests.ui.events_ui_support import add_user
from ui.events.form_dialog import EventFormDialog
from ui.events.small_dialogs import RepeatDialog

NEW_YORK = ZoneInfo("America/New_York")
CLICK = Qt.MouseButton.LeftButton


@pytest.fixture
def worker(worker, sessions):
    """The shared worker (tests/ui/conftest.py), on a database with two hosts to pick."""
    with unit_of_work(sessions) as s:
        add_user(s, "Grace", "Okafor")
        add_user(s, "Gus", "Shaw")
    return worker


def open_form(qtbot, worker, event=None):
    dialog = EventFormDialog(worker, Actor("office"), event=event, tz=NEW_YORK)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitUntil(dialog.isVisible, timeout=2000)
    return dialog


def set_local(editor, y, m, d, hh, mm):
    editor.setDateTime(QDateTime(QDate(y, m, d), QTime(hh, mm)))


def pick_host(qtbot, dialog, text, expected):
    with qtbot.waitSignal(dialog.host.matches_shown, timeout=5000):
        qtbot.keyClicks(dialog.host.search, text)
    qtbot.keyClick(dialog.host.search, Qt.Key.Key_Return)
    assert dialog.host.chosen.name == expected


def test_create_with_the_keyboard_stores_utc_from_local_time(qtbot, worker, sessions):
    dialog = open_form(qtbot, worker)
    qtbot.keyClicks(dialog.name, "Sunday Service")
    qtbot.keyClicks(dialog.location, "Main Sanctuary")
    set_local(dialog.start, 2027, 3, 14, 10, 0)  # the day New York's clocks go forward
    set_local(dialog.end, 2027, 3, 14, 12, 0)
    qtbot.keyClicks(dialog.capacity, "500")
    pick_host(qtbot, dialog, "grace", "Grace Okafor")
    with qtbot.waitSignal(dialog.event_saved, timeout=5000) as blocker:
        qtbot.mouseClick(dialog.save_button, CLICK)
    row = blocker.args[0]
    assert not dialog.isVisible()
    assert row.start_time == datetime(2027, 3, 14, 14, 0, tzinfo=ZoneInfo("UTC"))  # EDT
    assert (row.name, row.capacity, row.status, row.host_name) == (
        "Sunday Service",
        500,
        "draft",
        "Grace Okafor",
    )


def test_each_rule_shows_its_message_next_to_its_field(qtbot, worker, sessions):
    dialog = open_form(qtbot, worker)
    qtbot.keyClicks(dialog.name, "x" * 201)
    set_local(dialog.start, 2027, 1, 10, 10, 0)
    set_local(dialog.end, 2027, 1, 10, 9, 0)
    qtbot.keyClicks(dialog.capacity, "-4")
    qtbot.mouseClick(dialog.save_button, CLICK)
    qtbot.waitUntil(lambda: dialog.errors["name"].isVisible(), timeout=5000)
    assert "200 characters" in dialog.errors["name"].text()
    assert "Give the event a location" in dialog.errors["location"].text()
    assert "end must be after the start" in dialog.errors["end_time"].text()
    assert "whole number" in dialog.errors["capacity"].text()
    assert "Pick the host" in dialog.errors["host"].text()
    assert not dialog.errors["start_time"].isVisible()
    assert dialog.isVisible()
    with sessions() as s:
        assert s.scalars(select(Event)).all() == []
    # Focus on the first field in error; each message goes as soon as its field is right.
    assert dialog.name.hasFocus()
    dialog.name.clear()
    qtbot.keyClicks(dialog.name, "Choir")
    assert dialog.errors["name"].isHidden()
    qtbot.keyClicks(dialog.location, "Hall")
    assert dialog.errors["location"].isHidden()
    set_local(dialog.end, 2027, 1, 10, 12, 0)
    assert dialog.errors["end_time"].isHidden()
    assert not dialog.errors["capacity"].isHidden() and not dialog.errors["host"].isHidden()
    dialog.capacity.clear()
    assert dialog.errors["capacity"].isHidden()


def test_moving_the_start_moves_the_end(qtbot, worker):
    dialog = open_form(qtbot, worker)
    set_local(dialog.start, 2027, 1, 10, 10, 0)
    set_local(dialog.end, 2027, 1, 10, 11, 30)
    set_local(dialog.start, 2027, 1, 17, 9, 0)
    assert dialog.end.dateTime() == QDateTime(QDate(2027, 1, 17), QTime(10, 30))


def test_edit_refuses_capacity_below_checked_in(qtbot, worker, sessions):
    with unit_of_work(sessions) as s:
        host = s.scalars(select(User).where(User.first_name == "Grace")).one()
        start = datetime(2027, 1, 10, 15, 0, tzinfo=ZoneInfo("UTC"))
        event = Event(
            name="Service",
            status="ongoing",
            start_time=start,
            end_time=start.replace(hour=17),
            location="Hall",
            capacity=50,
            host_id=host.id,
        )
        s.add(event)
        s.flush()
        for first in ("Ann", "Bob"):
            s.add(
                Attendance(
                    event_id=event.id,
                    patron_id=add_user(s, first, "X").id,
                    attended=True,
                    check_in_time=start,
                )
            )
        s.flush()
        row = get_event_row(s, event.id)
    dialog = open_form(qtbot, worker, row)
    assert dialog.name.text() == "Service"
    assert dialog.start.dateTime() == QDateTime(QDate(2027, 1, 10), QTime(10, 0))  # EST
    assert dialog.host.chosen.name == "Grace Okafor"
    dialog.capacity.clear()
    qtbot.keyClicks(dialog.capacity, "1")
    qtbot.mouseClick(dialog.save_button, CLICK)
    qtbot.waitUntil(lambda: dialog.errors["capacity"].isVisible(), timeout=5000)
    assert "2 people are already checked in" in dialog.errors["capacity"].text()
    dialog.capacity.clear()
    qtbot.keyClicks(dialog.capacity, "2")
    with qtbot.waitSignal(dialog.event_saved, timeout=5000) as blocker:
        qtbot.mouseClick(dialog.save_button, CLICK)
    assert blocker.args[0].capacity == 2


def test_typing_over_a_chosen_host_clears_it(qtbot, worker):
    dialog = open_form(qtbot, worker)
    pick_host(qtbot, dialog, "gus", "Gus Shaw")
    qtbot.keyClicks(dialog.host.search, "x")
    assert dialog.host.chosen is None
    dialog.reject()
    assert not dialog.host._timer.isActive()


def test_repeat_preview_shows_local_times_across_the_change(qtbot, worker, sessions):
    with unit_of_work(sessions) as s:
        host = s.scalars(select(User).where(User.first_name == "Grace")).one()
        start = datetime(2027, 3, 7, 10, 0, tzinfo=NEW_YORK)
        event = Event(
            name="Service",
            status="scheduled",
            start_time=start,
            end_time=start.replace(hour=12),
            location="Hall",
            host_id=host.id,
        )
        s.add(event)
        s.flush()
        row = get_event_row(s, event.id)
    dialog = RepeatDialog(row, NEW_YORK)
    qtbot.addWidget(dialog)
    assert dialog.count.value() == 12 and dialog.every_days.value() == 7
    items = [dialog.preview.item(i).text() for i in range(dialog.preview.count())]
    assert len(items) == 12
    assert all("10:00–12:00" in text for text in items)
    assert items[0].startswith("Sun 14 Mar 2027")


def test_main_window_shows_the_events_tab(qtbot, engine, database_url):
    from app.database import open_for_app
    from db.engine import DatabaseTarget
    from ui.events import EventsTab
    from ui.main_window import MainWindow

    database = open_for_app(DatabaseTarget(database_url, "--database-url"))
    window = MainWindow(database, station="door-1")
    qtbot.addWidget(window)
    try:
        index = [window.tabs.tabText(i) for i in range(window.tabs.count())].index("Events")
        assert isinstance(window.tabs.widget(index), EventsTab)
        assert window.events_tab is window.tabs.widget(index)
    finally:
        window.shutdown()
        database.dispose()


def test_a_name_with_nul_is_refused_in_the_form_and_nothing_is_saved(qtbot, worker, sessions):
    dialog = open_form(qtbot, worker)
    dialog.name.setText("Sunday\x00Service")  # pasted: typing cannot produce a NUL
    qtbot.keyClicks(dialog.location, "Hall")
    set_local(dialog.start, 2027, 1, 10, 10, 0)
    set_local(dialog.end, 2027, 1, 10, 12, 0)
    pick_host(qtbot, dialog, "grace", "Grace Okafor")
    qtbot.mouseClick(dialog.save_button, CLICK)
    qtbot.waitUntil(lambda: dialog.errors["name"].isVisible(), timeout=5000)
    assert "control character" in dialog.errors["name"].text()
    assert dialog.isVisible()
    with sessions() as s:
        assert s.scalars(select(Event)).all() == []
