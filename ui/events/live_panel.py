"""Live figures of the selected event: checked in, inside now, places left, and a bar chart of
arrivals per 10 minutes drawn by Qt Charts."""

from __future__ import annotations

from datetime import tzinfo

from PySide6.QtCharts import (
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QValueAxis,
)
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.events import LiveFigures
from app.events.localtime import format_local, zone


class Figure(QFrame):
    def __init__(self, caption: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("liveFigure")
        self.value = QLabel("–")
        self.value.setObjectName("liveFigureValue")
        self.value.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.value.setAccessibleName(caption)
        label = QLabel(caption)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        column = QVBoxLayout(self)
        column.setContentsMargins(6, 4, 6, 4)
        column.addWidget(self.value)
        column.addWidget(label)


# (up to this many bars, label every n-th): a time label needs about three bars' width.
LABEL_STEPS = ((8, 1), (16, 2), (24, 3), (48, 6))


class LivePanel(QWidget):
    def __init__(self, tz: tzinfo | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self._tz = zone(tz)
        self.figures: LiveFigures | None = None
        self.checked_in = Figure("Checked in")
        self.inside = Figure("Inside now")
        self.places_left = Figure("Places left")
        row = QHBoxLayout()
        for figure in (self.checked_in, self.inside, self.places_left):
            row.addWidget(figure)

        self.bars = QBarSet("Arrivals")
        self.bars.setColor(QColor("#2f6fdf"))
        self.series = QBarSeries()
        self.series.setBarWidth(0.9)
        self.series.append(self.bars)
        # Bars sit at 0, 1, 2...; a category axis (not a bar-category one, which cuts every label
        # to one bar's width) puts a time under every few bars, each with room to be read.
        self.axis_x = QCategoryAxis()
        self.axis_x.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        self.axis_y = QValueAxis()
        self.axis_y.setLabelFormat("%d")
        self.axis_y.setTitleText("arrivals / 10 min")
        self.chart = QChart()
        self.chart.addSeries(self.series)
        self.chart.addAxis(self.axis_x, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(self.axis_y, Qt.AlignmentFlag.AlignLeft)
        self.series.attachAxis(self.axis_x)
        self.series.attachAxis(self.axis_y)
        self.chart.legend().setVisible(False)
        self.chart.setMargins(self.chart.margins().__class__(4, 4, 4, 4))
        self.chart.setBackgroundRoundness(0)
        self.chart_view = QChartView(self.chart)
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(170)
        self.chart_view.setAccessibleName("Arrivals per 10 minutes")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.chart_view, 1)

    def show_figures(self, figures: LiveFigures | None) -> None:
        self.figures = figures
        if figures is None:
            for figure in (self.checked_in, self.inside, self.places_left):
                figure.value.setText("–")
            self._set_bars([])
            return
        self.checked_in.value.setText(f"{figures.checked_in:,}")
        self.inside.value.setText(f"{figures.inside:,}")
        left = figures.places_left
        self.places_left.value.setText("No limit" if left is None else f"{left:,}")
        self._set_bars(figures.arrivals)

    def _set_bars(self, arrivals) -> None:
        count = len(arrivals)
        step = next((every for most, every in LABEL_STEPS if count <= most), 12)
        if self.bars.count():
            self.bars.remove(0, self.bars.count())
        self.bars.append([float(n) for _, n in arrivals])
        for label in self.axis_x.categoriesLabels():
            self.axis_x.remove(label)
        labels: set[str] = set()
        for i in range(0, count, step):
            label = format_local(arrivals[i][0], self._tz, "%H:%M")
            while label in labels:  # Qt drops a repeated label (01:30 twice on an autumn night)
                label += "\u200b"
            labels.add(label)
            self.axis_x.append(label, i)
        self.axis_x.setRange(-0.5, max(count, 1) - 0.5)
        # Whole-number ticks: an interval that divides the axis, so no "1.2 arrivals".
        top = max([n for _, n in arrivals] or [0])
        interval = max(1, -(-top // 5))
        self.axis_y.setTickType(QValueAxis.TickType.TicksDynamic)
        self.axis_y.setTickAnchor(0)
        self.axis_y.setTickInterval(interval)
        self.axis_y.setRange(0, max(interval * -(-top // interval), 4))

    def chart_values(self) -> list[tuple[str, int]]:
        """What the chart shows, as (local slot, arrivals): for tests and accessibility."""
        if self.figures is None:
            return []
        return [
            (format_local(start, self._tz, "%H:%M"), int(self.bars.at(i)))
            for i, (start, _n) in enumerate(self.figures.arrivals)
        ]
