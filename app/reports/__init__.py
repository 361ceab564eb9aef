"""Reports for organizers (no Qt): event summary, series trend, retention, drifting regulars,
loyalty. Each function takes a Session, computes its figures in SQL and returns a value with
`to_json()`, `tables()` and `document()`; periods are local dates (see app.reports.period)."""

from app.reports.drifting import Drifter, Drifting, drifting, reveal
from app.reports.event_summary import EventSummary, event_summary
from app.reports.loyalty_report import LoyaltyReport, loyalty_report
from app.reports.period import Period, make_period
from app.reports.retention import Cohort, Retention, retention
from app.reports.series_trend import Occurrence, SeriesName, SeriesTrend, series_names, series_trend
from app.reports.tables import ReportDocument, Table, table_csv, tables_csv

__all__ = [
    "Cohort",
    "Drifter",
    "Drifting",
    "EventSummary",
    "LoyaltyReport",
    "Occurrence",
    "Period",
    "ReportDocument",
    "Retention",
    "SeriesName",
    "SeriesTrend",
    "Table",
    "drifting",
    "event_summary",
    "loyalty_report",
    "make_period",
    "retention",
    "reveal",
    "series_names",
    "series_trend",
    "table_csv",
    "tables_csv",
]
