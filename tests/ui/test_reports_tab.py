"""The Reports tab driven like an organizer: pick a series, see the trend, export it, find the
people to call and reveal their contact details (audited); both backends."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCharts import QLineSeries
from PySide6.QtCore import QDate, Qt

from app.reports import Drifting, Retention, SeriesTrend
from db.session import unit_of_work
from tests.app.checkin_support import audit_rows
from tests.app.reports_support import services
from ui.reports import ReportsTab
from ui.reports.table_model import ReportTableModel

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def tab(qtbot, sessions, worker):
    with unit_of_work(sessions) as session:
        services(session)
    widget = ReportsTab(worker, "office", tz=LONDON)
    qtbot.addWidget(widget)
    widget.first.setDate(QDate(2026, 1, 1))
    widget.last.setDate(QDate(2026, 3, 31))
    widget.resize(1024, 700)
    widget.show()
    qtbot.waitUntil(lambda: isinstance(widget.report, SeriesTrend), timeout=10_000)
    return widget


def choose_kind(qtbot, tab, label: str, kind: type) -> None:
    tab.kind.setFocus()
    index = tab.kind.findText(label)
    while tab.kind.currentIndex() != index:
        key = Qt.Key.Key_Down if tab.kind.currentIndex() < index else Qt.Key.Key_Up
        qtbot.keyClick(tab.kind, key)
    qtbot.waitUntil(lambda: isinstance(tab.report, kind), timeout=10_000)


def test_pick_a_series_see_the_trend_and_export_it(qtbot, tab, tmp_path):
    # Most recently held first: the Sunday Service (22 March) leads, then Book Club, Choir.
    assert [tab.subject.itemText(i) for i in range(3)] == ["Sunday Service", "Book Club", "Choir"]
    tab.subject.setFocus()
    with qtbot.waitSignal(tab.report_shown, timeout=10_000):
        qtbot.keyClicks(tab.subject, "B")  # jumps to Book Club
        qtbot.keyClick(tab.subject, Qt.Key.Key_Return)
        tab.run_button.click()
    assert tab.report.name == "Book Club"
    tab.select_subject("Sunday")
    qtbot.waitUntil(lambda: tab.report.name == "Sunday Service", timeout=10_000)
    lines = [s for s in tab.chart_view.chart().series() if isinstance(s, QLineSeries)]
    assert [s.name() for s in lines] == ["Attended", "First-timers"]
    attended = [int(p.y()) for p in lines[0].points()]
    assert len(attended) == 11 and attended[:3] == [2, 3, 3] and attended[-1] == 2
    target = tmp_path / "trend.csv"
    with qtbot.waitSignal(tab.exported, timeout=5000):
        tab.export_csv(target)
    rows = target.read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].startswith("Date,Registered,Attended")
    assert rows[1] == "2026-01-04 10:00,2,2,2,0,0.0" and len(rows) == 12
    tab.grab().save(str(tmp_path / "reports-tab.png"))


def test_people_to_call_are_masked_until_revealed(qtbot, tab, sessions):
    choose_kind(qtbot, tab, "Drifting regulars", Drifting)
    model = tab.views[0].model()
    emails = [model.index(r, 1).data() for r in range(model.rowCount())]
    assert emails == ["f***@example.com", "b***@example.com", "e***@example.com"]
    assert "3 people to call" in tab.message.text()
    qtbot.mouseClick(tab.reveal_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.report.revealed, timeout=10_000)
    model = tab.views[0].model()
    assert model.index(2, 1).data() == "eve@example.com"
    assert not tab.reveal_button.isEnabled()
    with unit_of_work(sessions) as session:
        (entry,) = audit_rows(session, action="report_reveal")
        assert entry.station == "office" and entry.method == "admin"


def test_retention_is_a_heat_map(qtbot, tab, qtmodeltester):
    choose_kind(qtbot, tab, "Retention", Retention)
    model = tab.views[0].model()
    qtmodeltester.check(model)
    assert model.index(0, 0).data() == "2026-01" and model.index(0, 2).data() == "100.0"
    full = model.index(0, 2).data(Qt.ItemDataRole.BackgroundRole)
    empty_month = model.index(2, 1).data(Qt.ItemDataRole.BackgroundRole)
    assert full.name() == "#1e7b3c" and empty_month is None
    assert tab.chart_view.isHidden()


def test_table_model_passes_the_tester(qtmodeltester):
    from app.reports import Table

    model = ReportTableModel(Table("t", ["A", "B %"], [["x", 12.5], ["y", None]]), heat=True)
    qtmodeltester.check(model)
