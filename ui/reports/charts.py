"""The reports' charts, drawn by Qt Charts: the series trend as lines over its occurrences,
an event's arrivals per 10 minutes as bars, loyalty points per month as grouped bars."""

from __future__ import annotations

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor

from app.events.localtime import format_local
from app.reports import EventSummary, LoyaltyReport, SeriesTrend

COLOURS = ("#2f6fdf", "#e07b00", "#b03060")


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setBackgroundRoundness(0)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    return chart


def _value_axis(top: float, title: str) -> QValueAxis:
    axis = QValueAxis()
    axis.setLabelFormat("%d")
    axis.setTitleText(title)
    axis.setRange(0, max(top, 4))
    axis.applyNiceNumbers()  # ticks at 0, 10, 20... rather than at fifths of the maximum
    return axis


def trend_chart(trend: SeriesTrend) -> QChart:
    """Attended and first-timers per occurrence, one point per occurrence (x = its index)."""
    chart = _chart(f"{trend.name}: attended and first-timers")
    labels = [format_local(o.start_time, trend.period.tz, "%d %b") for o in trend.occurrences]
    axis_x = QBarCategoryAxis()
    axis_x.append(labels or [""])
    axis_y = _value_axis(max([o.attended for o in trend.occurrences] or [0]), "people")
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    for name, colour, values in (
        ("Attended", COLOURS[0], [o.attended for o in trend.occurrences]),
        ("First-timers", COLOURS[1], [o.first_timers for o in trend.occurrences]),
    ):
        line = QLineSeries()
        line.setName(name)
        line.setColor(QColor(colour))
        line.setPointsVisible(True)
        for i, value in enumerate(values):
            line.append(i, value)
        chart.addSeries(line)
        line.attachAxis(axis_x)
        line.attachAxis(axis_y)
    return chart


def _bars(title: str, labels: list[str], sets: list[tuple[str, list[int]]], unit: str) -> QChart:
    chart = _chart(title)
    series = QBarSeries()
    for (name, values), colour in zip(sets, COLOURS, strict=False):
        bar_set = QBarSet(name)
        bar_set.setColor(QColor(colour))
        bar_set.append([float(v) for v in values])
        series.append(bar_set)
    chart.addSeries(series)
    axis_x = QBarCategoryAxis()
    axis_x.append(labels or [""])
    top = max([v for _n, values in sets for v in values] or [0])
    axis_y = _value_axis(top, unit)
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_x)
    series.attachAxis(axis_y)
    chart.legend().setVisible(len(sets) > 1)
    return chart


def arrivals_chart(summary: EventSummary) -> QChart:
    labels = [format_local(t, summary.tz, "%H:%M") for t, _ in summary.arrivals]
    counts = [n for _, n in summary.arrivals]
    return _bars(
        f"{summary.name}: arrivals per 10 minutes", labels, [("Arrivals", counts)], "people"
    )


def loyalty_chart(report: LoyaltyReport) -> QChart:
    months = report.months
    sets = [
        ("Issued", [m[1] for m in months]),
        ("Redeemed", [m[2] for m in months]),
        ("Expired", [m[3] for m in months]),
    ]
    return _bars("Points per month", [m[0] for m in months], sets, "points")


def chart_for(report) -> QChart | None:
    """The chart that goes with a report, or None (retention and drifting are tables)."""
    if isinstance(report, SeriesTrend):
        return trend_chart(report)
    if isinstance(report, EventSummary):
        return arrivals_chart(report)
    if isinstance(report, LoyaltyReport):
        return loyalty_chart(report)
    return None
