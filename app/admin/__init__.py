"""The admin data service: browse, edit and query every table (no Qt here).

The UI in `ui/admin/` calls these functions on the DB worker and shows the plain values they
return. Modules, one concept each:

- `catalogue`  tables and columns (kind, nullability, FK target, enum choices, editability)
- `view`       View (table, sort, filters, search) -> SQL with bound parameters only
- `paging`     keyset pages both ways, `fetch_near` for jumps, `stream_rows` for export
- `counts`     capped / estimated / exact row counts
- `labels`     FK labels ("John Doe <john@example.com>", event names), one query per table
- `related`    the row a FK points at, and the rows pointing at a row
- `validate`, `edits`, `cascade`   validated writes, audit log rows, delete previews
- `sql_guard`, `console`, `history`   the read-only SQL console

Export hook: `paging.stream_rows(session, view)` yields every row of a View (the current table,
filter and sort of the grid: `TableBrowser.view`) as plain values in `view.info.column_names`
order, one keyset batch at a time; query results are `SqlConsole.last_result` (columns, rows).
"""
