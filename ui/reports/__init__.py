"""The Reports tab: charts and tables of app.reports, run on the DB worker."""

from ui.reports.tab import ReportsTab

__all__ = ["ReportsTab"]
