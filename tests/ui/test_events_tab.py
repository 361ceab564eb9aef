"""The Events tab driven like an organizer would (both backends, offscreen)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox
from sqlalchemy import func, select

from app.audit import detail_of
from app.checkin import actions as checkin
from app.events import AttendanceRow, EventRow, LiveFigures, StatusAction
from db.models import Attendance, AuditLog, Event
from db.session import unit_of_work
from db.types import utcnow
from tests.ui.events_ui_support import TZ, build_scene
from ui.events.models import AttendanceModel, EventListModel

CLICK = Qt.MouseButton.LeftButton


@pytest.fixture
def scene(qtbot, worker, sessions):
    scene = build_scene(qtbot, worker, sessions)
    yield scene
    scene.tab.shutdown()


def names(tab):
    return [r.name for r in tab.model.rows()]


def test_models_pass_the_model_tester(qtmodeltester, scene):
    qtmodeltester.check(scene.tab.model)
    qtmodeltester.check(scene.tab.attendance.model)
    empty_events, empty_people = EventListModel(TZ), AttendanceModel(TZ)
    qtmodeltester.check(empty_events)
    qtmodeltester.check(empty_people)
    assert isinstance(scene.tab.model.row_at(0), EventRow)
    assert isinstance(scene.tab.attendance.model.row_at(0), AttendanceRow)


def test_list_shows_upcoming_with_counts_and_filters(qtbot, scene):
    tab = scene.tab
    assert names(tab) == ["Sunday Service", "Youth Night"]
    row = tab.model.index(0, 5)
    assert tab.model.data(row) == "3"
    assert tab.model.data(tab.model.index(0, 4)) == "10"
    assert tab.model.data(tab.model.index(1, 3)) == "Draft"
    tab.when.setCurrentIndex(tab.when.findText("Past"))
    qtbot.waitUntil(lambda: names(tab) == ["Advent Lunch"], timeout=5000)
    tab.when.setCurrentIndex(tab.when.findText("All"))
    qtbot.waitUntil(lambda: len(names(tab)) == 3, timeout=5000)
    tab.status.setCurrentIndex(tab.status.findData("draft"))
    qtbot.waitUntil(lambda: names(tab) == ["Youth Night"], timeout=5000)
    tab.status.setCurrentIndex(0)
    qtbot.keyClicks(tab.search, "LUNCH")
    qtbot.waitUntil(lambda: names(tab) == ["Advent Lunch"], timeout=5000)
    qtbot.keyClicks(tab.search, " nothing like it")
    qtbot.waitUntil(lambda: names(tab) == [], timeout=5000)
    assert tab.title.text() == "No events"  # an empty list says why, not "Pick an event"
    assert "Choose “All”" in tab.subtitle.text()


def test_attendance_list_figures_and_chart_match(qtbot, scene):
    tab = scene.tab
    listing = tab.attendance.listing
    assert [r.name for r in listing.rows] == [
        "Ann Lee",
        "Bob Marsh",
        "Cy Ortiz",
        "Di Patel",
        "Ed Quinn",
    ]
    assert tab.attendance.counts.text() == "3 checked in · 3 inside · 2 not come yet"
    live = tab.live
    assert live.checked_in.value.text() == "3"
    assert live.inside.value.text() == "3"
    assert live.places_left.value.text() == "7"
    chart = live.chart_values()
    assert sum(n for _, n in chart) == 3 == listing.checked_in
    assert live.bars.count() == len(chart)
    # every bar is on the time axis, and the first one is labelled with its slot
    assert live.axis_x.min() < 0 and live.axis_x.max() > len(chart) - 1
    assert live.axis_x.categoriesLabels()[0] == chart[0][0]
    assert live.axis_y.tickInterval() >= 1 and float(live.axis_y.max()).is_integer()
    for row in listing.rows:
        if row.attended:
            local = row.check_in_time.astimezone(TZ)
            slot = f"{local.hour:02d}:{local.minute // 10 * 10:02d}"
            assert dict(chart)[slot] >= 1
    qtbot.keyClicks(tab.attendance.search, "patel")
    qtbot.waitUntil(lambda: len(tab.attendance.model.rows()) == 1, timeout=5000)
    assert tab.attendance.model.rows()[0].name == "Di Patel"
    assert "3 checked in" in tab.attendance.counts.text()


def select_person(qtbot, panel, name):
    row = next(i for i, r in enumerate(panel.model.rows()) if r.name == name)
    panel.table.selectRow(row)
    assert panel.selected_row().name == name


def test_supervisor_check_in_out_and_undo_go_through_the_engine(qtbot, scene):
    tab, panel = scene.tab, scene.tab.attendance
    select_person(qtbot, panel, "Di Patel")
    assert panel.check_in_button.isEnabled() and not panel.check_out_button.isEnabled()
    with qtbot.waitSignal(panel.list_loaded, timeout=5000):
        qtbot.mouseClick(panel.check_in_button, CLICK)
    qtbot.waitUntil(lambda: panel.selected_row() and panel.selected_row().state == "inside")
    assert "Di" in panel.message.text()
    qtbot.waitUntil(lambda: tab.live.checked_in.value.text() == "4", timeout=5000)
    assert sum(n for _, n in tab.live.chart_values()) == 4

    with qtbot.waitSignal(panel.list_loaded, timeout=5000):
        qtbot.mouseClick(panel.check_out_button, CLICK)
    qtbot.waitUntil(lambda: panel.selected_row().state == "left", timeout=5000)
    qtbot.waitUntil(lambda: tab.live.inside.value.text() == "3", timeout=5000)

    with qtbot.waitSignal(panel.list_loaded, timeout=5000):
        qtbot.mouseClick(panel.undo_button, CLICK)
    qtbot.waitUntil(lambda: panel.selected_row().state == "registered", timeout=5000)
    with scene.sessions() as s:
        methods = s.scalars(
            select(AuditLog.method).where(AuditLog.patron_id == scene.people["Di"])
        ).all()
        assert methods and set(methods) == {"admin"}
        row = s.scalars(select(Attendance).where(Attendance.patron_id == scene.people["Di"])).one()
        assert row.attended is False


def test_supervisor_records_a_late_attendance_after_the_door_closed(qtbot, scene):
    with unit_of_work(scene.sessions) as s:
        s.get(Event, scene.today_id).status = "completed"  # closed: the door refuses now
    panel = scene.tab.attendance
    select_person(qtbot, panel, "Di Patel")
    with qtbot.waitSignal(panel.list_loaded, timeout=5000):
        qtbot.mouseClick(panel.check_in_button, CLICK)
    qtbot.waitUntil(lambda: panel.selected_row() and panel.selected_row().state == "inside")
    with scene.sessions() as s:
        entry = s.scalars(
            select(AuditLog).where(
                AuditLog.patron_id == scene.people["Di"], AuditLog.action == "check_in"
            )
        ).one()
        assert entry.outcome == "checked_in" and detail_of(entry)["late"] is True


def test_check_in_someone_not_on_the_list(qtbot, scene):
    panel = scene.tab.attendance
    qtbot.mouseClick(panel.someone_button, CLICK)
    dialog = panel.manual_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=2000)
    assert not dialog.ok_button.isEnabled()
    with qtbot.waitSignal(dialog.picker.matches_shown, timeout=5000):
        qtbot.keyClicks(dialog.picker.search, "flo re")
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
    assert dialog.picker.chosen.name == "Flo Reyes"
    with qtbot.waitSignal(panel.attendance_changed, timeout=5000):
        qtbot.mouseClick(dialog.ok_button, CLICK)
    qtbot.waitUntil(lambda: any(r.name == "Flo Reyes" for r in panel.model.rows()), timeout=5000)
    assert panel.listing.checked_in == 4


def test_live_figures_follow_the_kiosk(qtbot, worker, sessions):
    scene = build_scene(qtbot, worker, sessions, refresh_ms=150)
    try:
        with unit_of_work(sessions) as s:
            result = checkin.check_in(
                s, scene.today_id, scene.people["Ed"], station="door-1", method="scan"
            )
            assert result.ok
        qtbot.waitUntil(lambda: scene.tab.live.checked_in.value.text() == "4", timeout=5000)
        qtbot.waitUntil(lambda: scene.tab.attendance.listing.checked_in == 4, timeout=5000)
        assert sum(n for _, n in scene.tab.live.chart_values()) == 4
        qtbot.waitUntil(lambda: scene.tab.model.data(scene.tab.model.index(0, 5)) == "4")
    finally:
        scene.tab.shutdown()
        scene.worker.shutdown()


def test_status_actions_follow_the_rules(qtbot, scene):
    tab = scene.tab
    buttons = {a.value: b for a, b in tab.action_buttons.items()}
    assert [k for k, b in buttons.items() if b.isEnabled()] == ["close", "cancel"]
    tab.table.selectRow(1)  # Youth Night, a draft
    qtbot.waitUntil(lambda: tab.selected_event().name == "Youth Night")
    assert [k for k, b in buttons.items() if b.isEnabled()] == ["publish", "cancel"]
    with qtbot.waitSignal(tab.action_finished, timeout=5000) as blocker:
        qtbot.mouseClick(buttons["publish"], CLICK)
    assert "published" in blocker.args[0]
    qtbot.waitUntil(lambda: tab.selected_event().status == "scheduled", timeout=5000)
    assert [k for k, b in buttons.items() if b.isEnabled()] == ["start", "cancel"]

    qtbot.mouseClick(buttons["cancel"], CLICK)
    dialog = tab.event_actions.cancel_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=2000)
    qtbot.mouseClick(dialog.ok_button, CLICK)  # no reason yet: refused in place
    assert dialog.isVisible() and "Say why" in dialog.error.text()
    qtbot.keyClicks(dialog.reason, "Venue flooded")
    with qtbot.waitSignal(tab.action_finished, timeout=5000):
        qtbot.mouseClick(dialog.ok_button, CLICK)
    qtbot.waitUntil(lambda: tab.selected_event().status == "cancelled", timeout=5000)
    qtbot.waitUntil(lambda: "Venue flooded" in tab.subtitle.text(), timeout=5000)
    assert not any(b.isEnabled() for b in buttons.values())


def test_repeat_duplicate_and_delete(qtbot, scene):
    tab = scene.tab
    tab.table.selectRow(1)
    qtbot.waitUntil(lambda: tab.selected_event().name == "Youth Night")
    source = tab.selected_event()

    qtbot.mouseClick(tab.repeat_button, CLICK)
    dialog = tab.event_actions.repeat_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=2000)
    dialog.count.setValue(3)
    assert dialog.preview.count() == 3
    with qtbot.waitSignal(tab.action_finished, timeout=5000):
        qtbot.mouseClick(dialog.ok_button, CLICK)
    qtbot.waitUntil(lambda: names(tab).count("Youth Night") == 4, timeout=5000)
    starts = sorted(r.start_time for r in tab.model.rows() if r.name == "Youth Night")
    assert starts[0] == source.start_time
    local_times = {s.astimezone(TZ).strftime("%H:%M") for s in starts}
    assert len(local_times) == 1  # same wall-clock time every week

    with qtbot.waitSignal(tab.action_finished, timeout=5000):
        qtbot.mouseClick(tab.duplicate_button, CLICK)
    qtbot.waitUntil(
        lambda: tab.selected_event() and tab.selected_event().name == "Youth Night (copy)",
        timeout=5000,
    )
    assert tab.selected_event().status == "draft"

    # an event with no attendance can be deleted, after a confirmation
    copy_id = tab.selected_event().id
    qtbot.mouseClick(tab.delete_button, CLICK)
    box = tab.event_actions.confirm_box
    qtbot.waitUntil(box.isVisible, timeout=2000)
    with qtbot.waitSignal(tab.action_finished, timeout=5000) as blocker:
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), CLICK)
    assert blocker.args[0].startswith("Deleted")
    qtbot.waitUntil(lambda: tab.model.index_of(copy_id) < 0, timeout=5000)


def test_delete_with_attendance_is_refused_and_explained(qtbot, scene):
    tab = scene.tab
    assert tab.selected_event().name == "Sunday Service"
    qtbot.mouseClick(tab.delete_button, CLICK)
    box = tab.event_actions.confirm_box
    qtbot.waitUntil(box.isVisible, timeout=2000)
    with qtbot.waitSignal(tab.action_finished, timeout=5000) as blocker:
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), CLICK)
    assert "cannot be deleted" in blocker.args[0] and "cancel it instead" in blocker.args[0]
    assert "cancel it instead" in tab.message.text()
    with scene.sessions() as s:
        assert s.get(Event, scene.today_id) is not None
    offer = tab.event_actions.refusal_box  # Cancel is offered instead
    qtbot.waitUntil(offer.isVisible, timeout=2000)
    cancel = next(b for b in offer.buttons() if b.text().startswith("Cancel event"))
    qtbot.mouseClick(cancel, CLICK)
    qtbot.waitUntil(lambda: tab.event_actions.cancel_dialog is not None, timeout=2000)
    qtbot.waitUntil(tab.event_actions.cancel_dialog.isVisible, timeout=2000)
    tab.event_actions.cancel_dialog.reject()


def test_no_on_the_confirmation_deletes_nothing(qtbot, scene, wait_until_idle):
    tab = scene.tab
    tab.table.selectRow(1)
    qtbot.mouseClick(tab.delete_button, CLICK)
    box = tab.event_actions.confirm_box
    qtbot.waitUntil(box.isVisible, timeout=2000)
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.No), CLICK)
    qtbot.waitUntil(lambda: not shiboken6.isValid(box), timeout=2000)  # closed and deleted
    wait_until_idle(scene.worker)  # a delete the click might have queued has run by now
    with scene.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Event)) == 3


def test_closed_dialogs_are_deleted_not_kept(qtbot, scene):
    """Each click opens a new dialog: closed ones must not pile up as children of the tab."""
    tab = scene.tab
    assert tab.selected_event().name == "Sunday Service"  # ongoing: every action is offered
    actions = tab.event_actions
    for button, opened in (
        (tab.new_button, lambda: actions.form_dialog),
        (tab.edit_button, lambda: actions.form_dialog),
        (tab.repeat_button, lambda: actions.repeat_dialog),
        (tab.delete_button, lambda: actions.confirm_box),
        (tab.action_buttons[StatusAction.CANCEL], lambda: actions.cancel_dialog),
        (tab.attendance.someone_button, lambda: tab.attendance.manual_dialog),
    ):
        qtbot.mouseClick(button, CLICK)
        dialog = opened()
        qtbot.waitUntil(dialog.isVisible, timeout=2000)
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda d=dialog: not shiboken6.isValid(d), timeout=2000)
    assert tab.findChildren(QDialog) == []


def test_csv_export_writes_the_whole_list(qtbot, scene, tmp_path):
    panel = scene.tab.attendance
    qtbot.keyClicks(panel.search, "ann")
    qtbot.waitUntil(lambda: len(panel.model.rows()) == 1, timeout=5000)
    target = tmp_path / "attendance.csv"
    with qtbot.waitSignal(panel.exported, timeout=5000):
        panel.export_csv(target)
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("First name,Last name,Email")
    assert len(lines) == 6  # header + all five people, whatever the search
    assert any(line.startswith("Di,Patel") and "Not come yet" in line for line in lines)


def test_timer_does_not_pile_up_or_lose_the_selection(qtbot, worker, sessions):
    scene = build_scene(qtbot, worker, sessions, refresh_ms=50)
    try:
        panel = scene.tab.attendance
        select_person(qtbot, panel, "Bob Marsh")
        for _ in range(3):
            with qtbot.waitSignal(panel.list_loaded, timeout=5000):
                pass
        assert panel.selected_row().name == "Bob Marsh"
        assert scene.tab.selected_event().id == scene.today_id
        assert utcnow() - timedelta(minutes=1) < utcnow()
    finally:
        scene.tab.shutdown()
        scene.worker.shutdown()


def test_models_announce_changed_cells_or_reset(qtbot, qtmodeltester, scene):
    model = EventListModel(TZ)
    rows = scene.tab.model.rows()
    model.set_rows(rows)
    qtmodeltester.check(model)
    changed = [rows[0].__class__(**{**rows[0].__dict__, "checked_in": 99}), *rows[1:]]
    with qtbot.waitSignal(model.dataChanged, timeout=1000):
        model.set_rows(changed)
    assert model.data(model.index(0, 5)) == "99"
    with qtbot.waitSignal(model.modelReset, timeout=1000):
        model.set_rows(changed[1:])
    assert model.rowCount() == len(rows) - 1
    qtmodeltester.check(model)


def test_selecting_another_event_shows_its_figures_and_list(qtbot, scene):
    tab = scene.tab
    tab.table.selectRow(1)
    tab.table.selectRow(0)
    tab.table.selectRow(1)  # quick changes: the last one wins
    qtbot.waitUntil(
        lambda: tab.live.figures is not None and tab.live.figures.event_id == scene.draft_id,
        timeout=5000,
    )
    qtbot.waitUntil(lambda: tab.attendance.listing is not None, timeout=5000)
    assert tab.attendance.model.rowCount() == 0
    assert tab.live.checked_in.value.text() == "0"
    assert tab.live.places_left.value.text() == "No limit"
    assert tab.title.text() == "Youth Night"


def test_long_event_chart_labels_every_few_bars_and_an_autumn_night_twice(qtbot):
    from zoneinfo import ZoneInfo

    from ui.events.live_panel import LivePanel

    panel = LivePanel(ZoneInfo("Europe/London"))
    qtbot.addWidget(panel)
    # 00:00-04:00 UTC on 25 Oct 2026: the clocks go back at 02:00 BST, so 01:00-01:50 repeat.
    start = datetime(2026, 10, 25, 0, 0, tzinfo=UTC)
    arrivals = [(start + timedelta(minutes=10 * i), i % 4) for i in range(24)]
    panel.show_figures(LiveFigures(uuid.uuid4(), "Vigil", "ongoing", 36, 30, None, arrivals))
    labels = panel.axis_x.categoriesLabels()
    assert len(labels) == 8, "a label every third bar, each with room to be read"
    assert [panel.axis_x.endValue(label) for label in labels] == list(range(0, 24, 3))
    assert [label.rstrip("\u200b") for label in labels] == [
        "01:00",
        "01:30",
        "01:00",
        "01:30",
        "02:00",
        "02:30",
        "03:00",
        "03:30",
    ]
    assert len(set(labels)) == 8, "the repeated hour keeps its labels"
    assert panel.bars.count() == 24 and panel.places_left.value.text() == "No limit"
