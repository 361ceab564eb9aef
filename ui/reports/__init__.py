"""The Reports tab: charts and tables of app.reports, run on the DB worker."""
