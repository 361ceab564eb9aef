"""The admin data service: browse, edit and query every table (no Qt here).

The UI in `ui/admin/` calls these functions on the DB worker and shows the plain values they
return. Modules, one concept each:

- `catalogue`  tables and columns (kind, nullability, FK target, enum choices, editability)
- `view`       View (table, sort, filters, search) -> SQL with bound parameters only;
               `rows_in_view_order` is what exporting the grid as shown writes
- `paging`     keyset pages both ways, `fetch_near` for jumps
- `counts`     capped / estimated / exact row counts
- `labels`     FK labels ("John Doe <john@example.com>", event names), one query per table,
               and `find_references`, the search behind the FK picker
- `related`    the row a FK points at, and the rows pointing at a row
- `validate`, `edits`, `cascade`   validated writes, audit log rows, delete previews
- `sql_guard`, `console`, `history`   the read-only SQL console

Export: `view.rows_in_view_order(view)` is the current table, filter and sort of the grid
(`TableBrowser.view`) as one Select for `app.transfer.count_and_export`; query results are
`SqlConsole.last_result` (columns, rows).
"""
